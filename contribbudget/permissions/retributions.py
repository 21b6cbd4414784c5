"""Runs, their lines, documents, funder links, the treasury, export jobs."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from retributions.models import (
    Document,
    RetributionLine,
    RetributionRun,
    SelfBilledInvoice,
    ShareLink,
)

from ..export_jobs import get_table
from ..models import ExportJob, Member
from .network import get_member_for
from .projects import _can as project_allows
from .roles import member_of, piloted_project_ids, project_role, sees_all_finances

# --- Runs and their lines ------------------------------------------------------------------

def get_run_for(user, pk, *, action: str = "view") -> RetributionRun:
    """A run, or 404 for people with no business on its project, or 403 for members of the
    project who may not do ``action``: ``view`` (pilots, treasurers, coordinators) or
    ``steer`` (pilots, coordinators)."""
    return run_with_rights(user, pk, action=action)[0]


def run_with_rights(user, pk, *, action: str = "view") -> tuple[RetributionRun, bool]:
    """:func:`get_run_for` and whether the user may steer the run, from one lookup of their
    role on its project (the run page asks both)."""
    member = member_of(user)
    if member is None:
        raise Http404
    try:
        run = RetributionRun.objects.select_related("envelope__project", "created_by__member",
                                                    "approved_by__member").get(pk=pk)
    except (RetributionRun.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    project = run.envelope.project
    role = project_role(user, project)
    if not (sees_all_finances(user) or role):
        raise Http404
    if not project_allows(member, role, project, "finance" if action == "view" else "steer"):
        raise PermissionDenied
    return run, project_allows(member, role, project, "steer")


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
    job = ExportJob.objects.filter(pk=pk, author_id=getattr(user, "pk", None)).first()
    if job is None:
        raise Http404
    table = get_table(job.exporter)
    if table is None or not table.allowed(user):
        raise PermissionDenied
    return job
