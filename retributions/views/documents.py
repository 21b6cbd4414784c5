"""The treasurer's desk, documents (request, progress, download, retry), funder links and the
desk's network-wide exports.

Who may do what with documents (checked here for every object):
- treasurers and coordinators: everything;
- a project's pilots: request and read their project's reports and statements;
- a member: request and read their own statements;
- anyone else: 404. Funder links: created and revoked by treasurers and coordinators.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contribbudget import export_jobs, exports
from contribbudget.formerrors import errors_to_form
from contribbudget.models import Member
from contribbudget.permissions import (  # noqa: F401 - can_manage_document: old home
    can_manage_document,
    get_document_for,
    get_member_for,
    get_share_link_for,
    member_of,
    piloted_project_ids,
    sees_all_finances,
)
from contribbudget.querystring import BadParameter, slug_param, year_param
from projects import list_cache
from projects.models import Project

from .. import exports as network_exports
from ..forms_documents import ContributionExportFilter, FunderReportForm, StatementForm
from ..models import Document, RetributionLine, RetributionRun, ShareLink
from ..selectors.desk import cached_year_totals
from ..services import documents as services


# The permission decisions live in contribbudget.permissions; these are their old names here.
def _require_member(user) -> Member:
    return get_member_for(user)


def _require_finance(user) -> Member:
    return get_member_for(user, action="finance")


def _report_projects(user) -> QuerySet[Project]:
    if sees_all_finances(user):
        return Project.objects.order_by("name")
    return Project.objects.filter(pk__in=piloted_project_ids(user)).order_by("name")


def _statement_choices(user) -> tuple[QuerySet[RetributionRun], QuerySet[Member]]:
    """Approved runs and members a user may ask a statement for."""
    runs = RetributionRun.objects.filter(status=RetributionRun.Status.APPROVED)
    lines = RetributionLine.objects.filter(run__status=RetributionRun.Status.APPROVED)
    if not sees_all_finances(user):
        member = member_of(user)
        piloted = piloted_project_ids(user)
        mine = Q(member=member) | Q(run__envelope__project__in=piloted)
        runs = runs.filter(Q(lines__member=member) | Q(envelope__project__in=piloted)).distinct()
        lines = lines.filter(mine)
    members = Member.objects.filter(pk__in=lines.values("member")).order_by("last_name", "first_name")
    return runs.order_by("-period_end", "pk"), members


# --- Desk ----------------------------------------------------------------------------------

@login_required
def desk(request):
    """The treasurer's desk: documents, the year's totals, the exports."""
    get_member_for(request.user, action="finance")
    today = timezone.localdate()
    status = 200
    try:
        year = year_param(request.GET.get("annee"), today.year)
    except BadParameter as error:
        messages.error(request, str(error))
        year, status = today.year, 400
    documents = (Document.objects.select_related("project", "funding", "member", "run__envelope",
                                                 "author__member")
                 .order_by("-created_at", "-pk"))
    page = Paginator(documents, 25).get_page(request.GET.get("page"))
    return render(request, "retributions/desk.html", {
        "totals": cached_year_totals(year, refresh="recalculer" in request.GET), "year": year, "years": range(today.year - 3, today.year + 2),
        "page": page, "documents": page.object_list,
        # Both project lists are cached fragments (projects/list_cache.py): the queryset
        # and the form only run when the projects changed.
        "export_filter": ContributionExportFilter(),
        "projects": Project.objects.order_by("name").only("name", "slug"),
        "projects_generation": list_cache.generation(list_cache.PROJECTS),
    }, status=status)


# --- Documents -----------------------------------------------------------------------------

def _apply_errors(form, error: ValidationError) -> None:
    errors_to_form(form, error)  # the one mapping


@login_required
def document_create(request):
    """Ask for a funder report (``?kind=funder_report``, the default) or a statement
    (``?kind=statement``). GET parameters pre-fill the form (project, run, member)."""
    member = get_member_for(request.user)
    kind = request.GET.get("kind") or request.POST.get("kind") or Document.Kind.FUNDER_REPORT
    if kind == Document.Kind.STATEMENT:
        runs, members = _statement_choices(request.user)
        if not sees_all_finances(request.user) and not piloted_project_ids(request.user):
            members = Member.objects.filter(pk=member.pk)
        initial = {"run": request.GET.get("run"), "member": request.GET.get("member") or member.pk}
        form = StatementForm(request.POST or None, runs=runs, members=members, initial=initial)
    else:
        kind = Document.Kind.FUNDER_REPORT
        projects = _report_projects(request.user)
        if not projects.exists():
            raise PermissionDenied
        form = FunderReportForm(request.POST or None, projects=projects,
                                initial={"project": request.GET.get("project"), "names": "named"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == Document.Kind.STATEMENT:
                document = services.statement_request(author=request.user, run=data["run"],
                                                       member=data["member"], invoice=data["invoice"])
            else:
                document = services.funder_report_request(
                    author=request.user, project=data["project"], funding=data["funding"],
                    period_start=data["period_start"], period_end=data["period_end"],
                    names=data["names"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Document demandé : il se génère en arrière-plan."))
            return redirect("retributions:document_detail", pk=document.pk)
    return render(request, "retributions/documents/create.html", {"form": form, "kind": kind})


def _progress_context(document: Document) -> dict:
    states: dict[str, str] = {
        Document.Status.QUEUED: "queued", Document.Status.RENDERING: "running",
        Document.Status.READY: "done", Document.Status.FAILED: "failed"}
    state = states[document.status]
    if document.render_is_stale:
        state = "failed"  # its worker died: the page offers the retry
    return {"percent": document.progress, "state": state, "error": document.error,
            "label": document.get_status_display(), "job_id": f"document-{document.pk}",
            "poll_url": reverse("retributions:document_progress", args=[document.pk]),
            "done_url": reverse("retributions:document_download", args=[document.pk])}


@login_required
def document_detail(request, pk: int):
    document = get_document_for(request.user, pk)
    links = list(document.share_links.order_by("-created_at")) if sees_all_finances(request.user) else []
    versions = list(Document.objects.filter(
        kind=document.kind, project=document.project, funding=document.funding,
        run=document.run, member=document.member, period_start=document.period_start,
        period_end=document.period_end).select_related("author__member").order_by("-version")[:20])
    return render(request, "retributions/documents/detail.html", {
        "document": document, "progress": _progress_context(document), "links": links,
        "can_share": sees_all_finances(request.user) and document.kind == Document.Kind.FUNDER_REPORT,
        "versions": versions, "is_finance": sees_all_finances(request.user),
    })


@login_required
def document_progress(request, pk: int):
    """The progress fragment, polled by htmx; once finished, asks htmx to reload the page so
    the download link (or the failure and its retry button) appears."""
    document = get_document_for(request.user, pk)
    response = render(request, "includes/_progress.html", _progress_context(document))
    finished = document.status in (Document.Status.READY, Document.Status.FAILED)
    if (finished or document.render_is_stale) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def _pdf_response(document: Document, *, as_attachment: bool) -> FileResponse:
    if document.status != Document.Status.READY or not document.file:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=as_attachment,
                        filename=services.document_filename(document),
                        content_type="application/pdf")


@login_required
def document_download(request, pk: int):
    return _pdf_response(get_document_for(request.user, pk), as_attachment=True)


@login_required
@require_POST
def document_retry(request, pk: int):
    document = get_document_for(request.user, pk)
    try:
        services.document_retry(document=document, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Nouvelle tentative de génération lancée."))
    return redirect("retributions:document_detail", pk=document.pk)


# --- Funder links --------------------------------------------------------------------------

@login_required
@require_POST
def share_link_create(request, pk: int):
    document = get_document_for(request.user, pk, action="share")
    try:
        services.share_link_create(document=document, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Lien financeur créé : transmettez-le au financeur."))
    return redirect("retributions:document_detail", pk=document.pk)


@login_required
@require_POST
def share_link_revoke(request, pk: int):
    link = get_share_link_for(request.user, pk)
    services.share_link_revoke(link=link, actor=request.user)
    messages.success(request, _("Lien révoqué : il ne donne plus accès au document."))
    return redirect("retributions:document_detail", pk=link.document_id)


def shared_document(request, token: str):
    """A funder reads a shared report without an account; a revoked link is a 404."""
    link = (ShareLink.objects.select_related("document").filter(token=token, revoked_at__isnull=True)
            .first())
    if link is None:
        raise Http404
    response = _pdf_response(link.document, as_attachment=False)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Exports (network-wide, for treasurers) ------------------------------------------------

EXPORTS = {"contributions": network_exports.CONTRIBUTIONS, "envelopes": network_exports.ENVELOPES,
           "lines": network_exports.LINES, "payments": network_exports.PAYMENTS}


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@login_required
def desk_export(request, table: str):
    """CSV (streamed) or XLSX (built by a task, with its progress page) of the network's
    contributions, envelopes, retribution lines or payments, with the filters of the desk's
    forms (``project``, ``status``, ``date_from``, ``date_to``, ``annee``)."""
    get_member_for(request.user, action="finance")
    if table not in EXPORTS:
        raise Http404
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.FORMATS:
        raise Http404
    params: dict = {}
    if request.GET.get("project"):
        slug = slug_param(request.GET["project"])
        if not slug or not Project.objects.filter(slug=slug).exists():
            return _bad_request(_("Projet inconnu."))
        params["project"] = slug
    try:
        params["annee"] = year_param(request.GET.get("annee"), None)
    except BadParameter as error:
        return _bad_request(str(error))
    if table == "contributions":
        form = ContributionExportFilter(request.GET)
        if not form.is_valid():
            return _bad_request("; ".join(str(e) for errs in form.errors.values() for e in errs))
        data = form.cleaned_data
        params = {"project": data["project"].slug if data.get("project") else None,
                  "status": data.get("status") or None,
                  "date_from": data["date_from"].isoformat() if data.get("date_from") else None,
                  "date_to": data["date_to"].isoformat() if data.get("date_to") else None}
    elif table == "payments":
        params["status"] = "paid"
    return export_jobs.export_response(request, EXPORTS[table], fmt, params)
