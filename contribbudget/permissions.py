"""The one permission module. Every view asks it before touching an object.

Roles (DESIGN.md §2): contributor (any member), pilot (per project), treasurer and
coordinator (network-wide). Outsiders get 404 (they do not learn the object exists);
members who can see an object but lack the right for an action get 403.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

if TYPE_CHECKING:
    from contribbudget.models import Member
    from contributions.models import Contribution
    from projects.models import Project


def member_of(user) -> Member | None:
    """The member profile of a logged-in user, or None (anonymous, or an account without one)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.member
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
        return None


def is_coordinator(user) -> bool:
    member = member_of(user)
    return bool(member and member.is_coordinator)


def is_treasurer(user) -> bool:
    member = member_of(user)
    return bool(member and member.is_treasurer)


def sees_all_finances(user) -> bool:
    """Treasurers and coordinators read everything financial, network-wide."""
    return is_treasurer(user) or is_coordinator(user)


def project_role(user, project: Project) -> str | None:
    from projects.models import ProjectRole

    member = member_of(user)
    if member is None:
        return None
    return (ProjectRole.objects.filter(project=project, member=member)
            .values_list("role", flat=True).first())


def is_pilot(user, project: Project) -> bool:
    from projects.models import ProjectRole

    return project_role(user, project) == ProjectRole.Role.PILOT


def piloted_project_ids(user) -> list[int]:
    from projects.models import ProjectRole

    member = member_of(user)
    if member is None:
        return []
    return list(ProjectRole.objects.filter(member=member, role=ProjectRole.Role.PILOT)
                .values_list("project_id", flat=True))


def steered_projects(user):
    """Projects the user steers — validates their contributions, starts their runs: those
    they pilot, all of them for a coordinator."""
    from projects.models import Project, ProjectRole

    member = member_of(user)
    if member is None:
        return Project.objects.none()
    if member.is_coordinator:
        return Project.objects.all()
    return Project.objects.filter(roles__member=member, roles__role=ProjectRole.Role.PILOT)


# --- Projects ------------------------------------------------------------------------------

PROJECT_ACTIONS = ("view", "contribute", "steer", "finance")


def can_on_project(user, project: Project, action: str) -> bool:
    """view: any member; contribute: team, or anyone while the project is open (not closed);
    steer (envelopes, validation, runs): its pilots and coordinators;
    finance (reports, payments): its pilots, treasurers and coordinators."""
    from projects.models import Project as ProjectModel

    if action not in PROJECT_ACTIONS:
        raise ValueError(action)
    member = member_of(user)
    if member is None:
        return False
    if action == "view":
        return True
    role = project_role(user, project)
    if action == "contribute":
        if project.phase == ProjectModel.Phase.CLOSED:
            return False
        return role is not None or project.is_open
    if action == "steer":
        return role == "pilot" or member.is_coordinator
    return role == "pilot" or member.is_coordinator or member.is_treasurer


def get_project_for(user, pk, *, action: str = "view", queryset=None) -> Project:
    """The project, or 404 for non-members, or 403 when the member lacks the right."""
    from projects.models import Project as ProjectModel

    if member_of(user) is None:
        raise Http404
    qs = queryset if queryset is not None else ProjectModel.objects.select_related("field")
    lookup = {"slug": pk} if isinstance(pk, str) and not pk.isdigit() else {"pk": pk}
    try:
        project = qs.get(**lookup)
    except ProjectModel.DoesNotExist as exc:
        raise Http404 from exc
    if not can_on_project(user, project, action):
        raise PermissionDenied
    return project


# --- Contributions -------------------------------------------------------------------------

def can_see_contribution(user, contribution: Contribution) -> bool:
    """Drafts are private to their author. Submitted and later rows are seen by the author,
    the project's pilots, treasurers and coordinators."""
    member = member_of(user)
    if member is None:
        return False
    if contribution.member_id == member.pk:
        return True
    if contribution.status == "draft":
        return False
    return member.is_coordinator or member.is_treasurer or is_pilot(user, contribution.project)


def can_edit_contribution(user, contribution: Contribution) -> bool:
    member = member_of(user)
    return bool(member and contribution.member_id == member.pk and contribution.is_editable)


def can_validate_contribution(user, contribution: Contribution) -> bool:
    """Pilots of the project and coordinators validate — never their own work."""
    member = member_of(user)
    if member is None or contribution.member_id == member.pk:
        return False
    return member.is_coordinator or is_pilot(user, contribution.project)


def get_contribution_for(user, pk, *, action: str = "view") -> Contribution:
    from contributions.models import Contribution as ContributionModel

    try:
        contribution = ContributionModel.objects.select_related(
            "member", "project", "envelope", "grain", "invited_by").get(pk=pk)
    except (ContributionModel.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if not can_see_contribution(user, contribution):
        raise Http404
    checks = {"view": lambda: True,
              "edit": lambda: can_edit_contribution(user, contribution),
              "validate": lambda: can_validate_contribution(user, contribution)}
    if not checks[action]():
        raise PermissionDenied
    return contribution


def get_export_job_for(user, pk):
    """An export job: its author only (404 for anyone else); 403 if the author lost the
    right to that export since."""
    from .export_jobs import get_table
    from .models import ExportJob

    job = ExportJob.objects.filter(pk=pk, author_id=getattr(user, "pk", None)).first()
    if job is None:
        raise Http404
    table = get_table(job.exporter)
    if table is None or not table.allowed(user):
        raise PermissionDenied
    return job
