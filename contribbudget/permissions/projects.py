"""Projects and what hangs from them: rights on a project, envelopes, grains, set-up (fundings,
open periods, copying)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from projects.models import (
    CoordinationGrain,
    Envelope,
    Funding,
    OpenPeriod,
    Project,
    ProjectRole,
)

from ..models import Member
from .network import get_member_for
from .roles import ROLE_MEMO, is_coordinator, is_pilot, member_of, project_role

# --- Projects ------------------------------------------------------------------------------

PROJECT_ACTIONS = ("view", "contribute", "steer", "finance")


def _can(member: Member, role: str | None, project: Project, action: str) -> bool:
    if action not in PROJECT_ACTIONS:
        raise ValueError(action)
    if action == "view":
        return True
    if action == "contribute":
        if project.phase == Project.Phase.CLOSED:
            return False
        return role is not None or project.is_open
    if action == "steer":
        return role == ProjectRole.Role.PILOT or member.is_coordinator
    return role == ProjectRole.Role.PILOT or member.is_coordinator or member.is_treasurer


def can_on_project(user, project: Project, action: str) -> bool:
    """view: any member; contribute: team, or anyone while the project is open (not closed);
    steer (envelopes, validation, runs): its pilots and coordinators;
    finance (reports, payments): its pilots, treasurers and coordinators."""
    if action not in PROJECT_ACTIONS:
        raise ValueError(action)
    member = member_of(user)
    if member is None:
        return False
    return _can(member, project_role(user, project), project, action)


def project_rights(user, project: Project) -> dict:
    """What a project's pages show the user may do (one role lookup)."""
    member = member_of(user)
    if member is None:
        return {"role": None, "can_steer": False, "is_team": False, "can_request": False,
                "can_finance": False}
    role = project_role(user, project)
    return {"role": role, "can_steer": _can(member, role, project, "steer"),
            "is_team": role is not None,
            "can_request": _may_request(member, role),
            "can_finance": _can(member, role, project, "finance")}


def _may_request(member: Member, role: str | None) -> bool:
    return role is not None or member.is_coordinator


def can_request_adjustment(member: Member, project: Project) -> bool:
    """The team and coordinators may ask for an envelope adjustment."""
    role = (ProjectRole.objects.filter(project=project, member=member)
            .values_list("role", flat=True).first())
    return _may_request(member, role)


def get_project_for(user, pk, *, action: str = "view", queryset=None) -> Project:
    """The project, or 404 for non-members, or 403 when the member lacks the right."""
    if member_of(user) is None:
        raise Http404
    qs = queryset if queryset is not None else Project.objects.select_related("field")
    lookup = {"slug": pk} if isinstance(pk, str) and not pk.isdigit() else {"pk": pk}
    try:
        project = qs.get(**lookup)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    # This instance is the request's: its role lookups are kept on it (roles.project_role).
    setattr(project, ROLE_MEMO, {})
    if not can_on_project(user, project, action):
        raise PermissionDenied
    return project



# --- Envelopes, grains, imports ------------------------------------------------------------

def get_envelope_for(user, pk, *, action: str = "view", queryset=None) -> Envelope:
    """The envelope (``envelope.project`` set), with its project's permission check: an
    envelope id typed into the URL never bypasses it."""
    if member_of(user) is None:
        raise Http404
    qs = queryset if queryset is not None else Envelope.objects.all()
    envelope = qs.filter(pk=pk).first()
    if envelope is None:
        raise Http404
    envelope.project = get_project_for(user, envelope.project_id, action=action)
    return envelope


def get_grain_for(user, pk, *, action: str = "view", queryset=None) -> CoordinationGrain:
    """Grains are open to every member (transparency); only coordinators create them."""
    get_member_for(user, action="coordinate" if action == "create" else "view")
    qs = queryset if queryset is not None else CoordinationGrain.objects.all()
    grain = qs.filter(pk=pk).first()
    if grain is None:
        raise Http404
    return grain



# --- Setting up projects (montage), fundings, teams, open periods, closing ----------------

def can_set_up_projects(user) -> bool:
    """Coordinators; a pilot sets up a next edition by copying (:func:`can_copy_project`)."""
    return is_coordinator(user)


def can_copy_project(user, project: Project) -> bool:
    """Coordinators copy any project; pilots copy the projects they pilot."""
    return is_coordinator(user) or is_pilot(user, project)


def require_project_setup(user, source: Project | None = None) -> None:
    """404 for non-members, 403 for members who may not set up (or copy ``source``)."""
    if member_of(user) is None:
        raise Http404
    allowed = can_copy_project(user, source) if source is not None else can_set_up_projects(user)
    if not allowed:
        raise PermissionDenied


def _steered_row_for(user, model, pk):
    """A project's funding or open period, for a change by those who steer the project."""
    if member_of(user) is None or (row := model.objects.filter(pk=pk).first()) is None:
        raise Http404
    row.project = get_project_for(user, row.project_id, action="steer")
    return row


def get_funding_for(user, pk) -> Funding:
    return _steered_row_for(user, Funding, pk)


def get_open_period_for(user, pk) -> OpenPeriod:
    return _steered_row_for(user, OpenPeriod, pk)


