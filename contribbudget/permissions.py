"""The one permission module: every permission decision is here, and every view asks it
before touching an object.

Roles (DESIGN.md §2): contributor (any member), pilot (per project), treasurer and
coordinator (network-wide). Outsiders get 404 (they do not learn the object exists);
members who can see an object but lack the right for an action get 403.

One shape per object: ``get_<object>_for(user, pk, *, action)`` returns the object or
raises 404 / 403 (projects, envelopes, contributions, imports, grains, runs, lines,
documents, share links); ``get_member_for(user, *, action)`` does the same for the pages
that are about the network rather than one object. Services never decide: the few that
guard an action themselves (a service is also called by commands and imports) ask the
``ensure_…`` functions at the end of this module.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from contributions.models import Contribution, ContributionImport
from projects.models import (
    CoordinationGrain,
    Envelope,
    Funding,
    OpenPeriod,
    Project,
    ProjectRole,
)
from retributions.models import (
    Document,
    RetributionLine,
    RetributionRun,
    SelfBilledInvoice,
    ShareLink,
)

from .models import Member


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
    member = member_of(user)
    if member is None:
        return None
    return (ProjectRole.objects.filter(project=project, member=member)
            .values_list("role", flat=True).first())


def is_pilot(user, project: Project) -> bool:
    return project_role(user, project) == ProjectRole.Role.PILOT


def piloted_project_ids(user) -> list[int]:
    member = member_of(user)
    if member is None:
        return []
    return list(ProjectRole.objects.filter(member=member, role=ProjectRole.Role.PILOT)
                .values_list("project_id", flat=True))


def steered_projects(user):
    """Projects the user steers — validates their contributions, starts their runs: those
    they pilot, all of them for a coordinator."""
    member = member_of(user)
    if member is None:
        return Project.objects.none()
    if member.is_coordinator:
        return Project.objects.all()
    return Project.objects.filter(roles__member=member, roles__role=ProjectRole.Role.PILOT)


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


def reviewable_by(user, queryset=None):
    """The contributions of ``queryset`` (all by default) that ``user`` may validate or
    refuse, whatever their status (callers filter the status they act on) — the one rule
    of separation of duties: pilots of the project and coordinators review, except the
    member whose work it is and whoever wrote it on that member's behalf (a pilot's import
    of a colleague's hours). The validation queue, the pilot's home badge, the bulk
    actions, the services and the detail page all ask it, so they never disagree."""
    qs = queryset if queryset is not None else Contribution.objects.all()
    member = member_of(user)
    if member is None:
        return qs.none()
    qs = qs.exclude(member=member).exclude(created_by=member)
    if member.is_coordinator:
        return qs
    piloted = ProjectRole.objects.filter(member=member, role=ProjectRole.Role.PILOT)
    return qs.filter(project__in=piloted.values("project_id"))


def can_validate_contribution(user, contribution: Contribution) -> bool:
    """:func:`reviewable_by` for one row (one query)."""
    return reviewable_by(user, Contribution.objects.filter(pk=contribution.pk)).exists()


def get_contribution_for(user, pk, *, action: str = "view") -> Contribution:
    try:
        contribution = Contribution.objects.select_related(
            "member", "project", "envelope", "grain", "invited_by").get(pk=pk)
    except (Contribution.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if not can_see_contribution(user, contribution):
        raise Http404
    checks = {"view": lambda: True,
              "edit": lambda: can_edit_contribution(user, contribution),
              "validate": lambda: can_validate_contribution(user, contribution)}
    if not checks[action]():
        raise PermissionDenied
    return contribution


# --- The network's pages -----------------------------------------------------------------

def _steers_some_project(member: Member, user) -> bool:
    return member.is_coordinator or bool(piloted_project_ids(user))


#: Network-wide rights, for pages about the network rather than one object.
NETWORK_ACTIONS = {
    "view": lambda member, user: True,
    "coordinate": lambda member, user: member.is_coordinator,
    "treasury": lambda member, user: member.is_treasurer,
    "finance": lambda member, user: member.is_treasurer or member.is_coordinator,
    # The validation queue and imports: pilots of a project and coordinators.
    "review": _steers_some_project,
    # Starting runs and smoothing rounds: someone who steers an existing project.
    "steer": lambda member, user: steered_projects(user).exists(),
    # The list of runs: those who steer a project, and finance people.
    "runs": lambda member, user: (member.is_treasurer or member.is_coordinator
                                  or steered_projects(user).exists()),
}


def get_member_for(user, *, action: str = "view") -> Member:
    """The user's member profile, or 404 for an account without one (it sees no page of the
    network), or 403 when the member lacks the network-wide right ``action``."""
    member = member_of(user)
    if member is None:
        raise Http404
    if not NETWORK_ACTIONS[action](member, user):
        raise PermissionDenied
    return member


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


def get_import_for(user, pk, *, action: str = "view") -> ContributionImport:
    """An import is seen and committed by the person who uploaded it, and nobody else."""
    if member_of(user) is None:
        raise Http404
    imp = ContributionImport.objects.filter(pk=pk).first()
    if imp is None or imp.uploaded_by_id != user.pk:
        raise Http404
    return imp


# --- Runs and their lines ------------------------------------------------------------------

def get_run_for(user, pk, *, action: str = "view") -> RetributionRun:
    """A run, or 404 for people with no business on its project, or 403 for members of the
    project who may not do ``action``: ``view`` (pilots, treasurers, coordinators) or
    ``steer`` (pilots, coordinators)."""
    if member_of(user) is None:
        raise Http404
    try:
        run = RetributionRun.objects.select_related("envelope__project", "created_by__member",
                                                    "approved_by__member").get(pk=pk)
    except (RetributionRun.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    project = run.envelope.project
    if not (sees_all_finances(user) or project_role(user, project)):
        raise Http404
    if not can_on_project(user, project, "finance" if action == "view" else "steer"):
        raise PermissionDenied
    return run


def get_line_for(user, pk, *, action: str = "steer") -> RetributionLine:
    """A run's line, with its run's check (``line.run`` is the checked run)."""
    try:
        line = RetributionLine.objects.select_related("run").get(pk=pk)
    except (RetributionLine.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    line.run = get_run_for(user, line.run_id, action=action)
    return line


# --- Documents and funder links ------------------------------------------------------------

def can_manage_document(user, document: Document) -> bool:
    """Request again, retry, read: finance people, the project's pilots, the statement's
    member."""
    member = member_of(user)
    if member is None:
        return False
    if member.is_treasurer or member.is_coordinator:
        return True
    if document.project_id and document.project_id in piloted_project_ids(user):
        return True
    return document.kind == Document.Kind.STATEMENT and document.member_id == member.pk


def get_document_for(user, pk, *, action: str = "view") -> Document:
    """The document, or 404 for anyone who may not see it (they do not learn it exists);
    ``share`` (create a funder link) is for finance people: 403 for the others."""
    if member_of(user) is None:
        raise Http404
    document = (Document.objects.select_related("project", "funding", "run__envelope", "member",
                                                "author__member").filter(pk=pk).first())
    if document is None or not can_manage_document(user, document):
        raise Http404
    if action == "share" and not sees_all_finances(user):
        raise PermissionDenied
    return document


def get_share_link_for(user, pk, *, action: str = "revoke") -> ShareLink:
    """Funder links are managed by finance people (403 for other members)."""
    get_member_for(user, action="finance")
    link = ShareLink.objects.select_related("document__project").filter(pk=pk).first()
    if link is None:
        raise Http404
    return link


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


# --- Guards for the services that are also called outside a view --------------------------

def ensure_can_steer(user, project: Project) -> Member:
    """Team, open-period and closing services: the project's pilots and coordinators."""
    if not can_on_project(user, project, "steer"):
        raise PermissionDenied
    return member_of(user)


def ensure_can_request_adjustment(member: Member, project: Project) -> None:
    if not can_request_adjustment(member, project):
        raise PermissionDenied


def ensure_can_create_grain(user) -> None:
    if not is_coordinator(user):
        raise PermissionDenied


def ensure_can_validate(user, contribution: Contribution, message: str) -> None:
    if not can_validate_contribution(user, contribution):
        raise PermissionDenied(message)


# --- The network's administration (settings, places, fields, members, invitations) ---------

#: manage (settings, places, fields, members' roles, invitations): coordinators;
#: view (the member directory, read-only): coordinators and treasurers.
NETWORK_ADMIN_ACTIONS = {"manage": "coordinate", "view": "finance"}


def require_network(user, *, action: str = "manage") -> Member:
    """The acting member, or 404 for accounts without a member profile, or 403 for members
    who lack the right."""
    return get_member_for(user, action=NETWORK_ADMIN_ACTIONS[action])


def get_network_object_for(user, model, pk, *, action: str = "manage"):
    """A place, field of action, member or invitation of the network, for a network page:
    404 for non-members and unknown ids, 403 for members lacking the right."""
    require_network(user, action=action)
    try:
        return model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
# --- Treasury (issue 14) -------------------------------------------------------------------

def require_treasurer(user) -> Member:
    """Payment batches: treasurers only (they pay). 404 without a member profile, 403 for
    other members — coordinators included, as for marking payments paid."""
    return get_member_for(user, action="treasury")


def require_finance(user) -> Member:
    """Treasury settings, places' bank details, the books: treasurers and coordinators."""
    return get_member_for(user, action="finance")


def sees_full_bank_details(user, owner: Member | None) -> bool:
    """An IBAN is shown in full to its owner and to treasurers; masked to everyone else."""
    member = member_of(user)
    return bool(member and (member.is_treasurer or (owner is not None and owner.pk == member.pk)))


def get_self_billed_invoice_for(user, pk, *, action: str = "view") -> SelfBilledInvoice:
    """view: the payee, treasurers, coordinators; contest: the payee only. Anyone else 404."""
    member = member_of(user)
    if member is None:
        raise Http404
    invoice = (SelfBilledInvoice.objects.select_related("member", "corrects", "mandate",
                                                        "line__run__envelope__project")
               .filter(pk=pk).first())
    if invoice is None:
        raise Http404
    owner = invoice.member_id == member.pk
    if not (owner or member.is_treasurer or member.is_coordinator):
        raise Http404
    if action == "contest" and not owner:
        raise PermissionDenied
    return invoice
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
