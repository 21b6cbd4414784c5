"""Documents: funder reports and contributor statements rendered to PDF with WeasyPrint, their
versions, invoice-request numbers and funder links.

A request creates a :class:`Document` row (status queued) and enqueues
``retributions.tasks.render_document`` after commit; :func:`document_render` (what the task
and ``make bench`` call) claims the row, renders ``templates/pdf/<kind>.html`` inside
``translation.override("fr")`` and stores the file with its SHA-256 checksum and page count.
Issued documents are never overwritten: asking again makes a new row, ``version`` = the
previous highest version of the same subject + 1.
"""
from __future__ import annotations

import datetime
import hashlib
import logging
import mimetypes
import os
import time
import uuid
from pathlib import Path
from urllib.parse import unquote, urlparse

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent, Member, NetworkSettings
from contribbudget.periods import check_period
from contribbudget.services import audit_record
from projects.models import Funding, Project

from ..models import Document, RetributionRun, ShareLink
from ..selectors import report, statement
from ..statement_rules import can_order_statement
from ..svg import consumption_chart
from .pdf_engine import html_class

logger = logging.getLogger(__name__)


# --- Rendering -----------------------------------------------------------------------------

def _static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _static_file(url: str) -> Path:
    """The static file a ``file://`` URL names, or ValueError if it is anything else."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        candidate = Path(unquote(parsed.path)).resolve()
        if any(candidate.is_relative_to(root) for root in _static_roots()) and candidate.is_file():
            return candidate
    raise ValueError(f"Ressource refusée dans un PDF : {url[:200]}")


def static_url_fetcher(url: str):
    """WeasyPrint's only door to the outside: it serves files of the app's static
    directories (``file://`` URLs inside them; relative URLs resolve there) and refuses
    everything else — no network, no other file. WeasyPrint leaves a refused resource out
    of the PDF and logs it."""
    from weasyprint.urls import URLFetcherResponse  # heavy: see render_pdf

    if url.startswith("data:image/"):
        # The network's logo, inlined by the template (network.pdf_identity): no fetch.
        from network.pdf_identity import decode_data_image

        image_type, content = decode_data_image(url)
        return URLFetcherResponse(url, content, {"Content-Type": image_type})
    path = _static_file(url)
    mime_type, _encoding = mimetypes.guess_type(path.name)
    return URLFetcherResponse(url, path.read_bytes(),
                              {"Content-Type": mime_type or "application/octet-stream"})


def _fetcher():
    from weasyprint.urls import URLFetcher  # heavy: see render_pdf

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            return static_url_fetcher(url)

    return StaticOnlyFetcher()


def render_pdf(html: str, **options) -> tuple[bytes, int]:
    """HTML → ``(pdf bytes, page count)`` with WeasyPrint (set up by :mod:`.pdf_engine`),
    through :func:`static_url_fetcher`. Relative URLs resolve in the first static directory;
    ``options`` go to ``write_pdf`` (``pdf_variant="pdf/a-3b"`` for invoices)."""
    base_url = _static_roots()[0].as_uri() + "/"
    document = html_class()(string=html, base_url=base_url, url_fetcher=_fetcher()).render()
    return document.write_pdf(**options), len(document.pages)


def _base_context(title: str, header_right: str) -> dict:
    from network.pdf_identity import network_identity

    return {"title": title, "generated_at": timezone.localtime(),
            "header_left": NetworkSettings.load().name, "header_right": header_right,
            "identity": network_identity()}


def funder_report_html(*, project: Project, funding: Funding | None = None,
                       start: datetime.date | None = None, end: datetime.date | None = None,
                       named: bool = True, version: int | None = None) -> str:
    """The funder report as HTML (French). Shared by the task and the ``funder_report``
    command, so both print the same figures."""
    with translation.override("fr"):
        scope = report.scope_for(project=project, funding=funding, start=start, end=end)
        data = report.funder_report_data(scope, named=named)
        chart = consumption_chart([{"label": e.name, "amount": e.amount,
                                    "distributed": e.distributed, "valued": e.period_valued}
                                   for e in data.envelopes]) if data.envelopes else ""
        title = _("Bilan financeur — %(project)s") % {"project": project.name}
        context = {**_base_context(title, title),
                   "data": data, "scope": scope, "project": project, "chart": chart,
                   "version": version}
        return render_to_string("pdf/funder_report.html", context)


def statement_html(*, run: RetributionRun, member: Member, invoice_number: str | None = None,
                   version: int | None = None, issued_on: datetime.date | None = None) -> str:
    with translation.override("fr"):
        data = statement.statement_data(run, member)
        title = _("Relevé de rétribution — %(name)s") % {"name": member.full_name}
        context = {**_base_context(title, run.envelope.project.name),
                   **data, "invoice_number": invoice_number, "version": version,
                   "issued_on": issued_on or timezone.localdate()}
        return render_to_string("pdf/statement.html", context)


def _set_progress(document: Document, percent: int, token: str = "") -> None:
    document.progress = percent
    rows = Document.objects.filter(pk=document.pk)
    if token:
        rows = rows.filter(claim_token=token)
    rows.update(progress=percent, heartbeat_at=timezone.now())
    delay = os.environ.get("CONTRIBBUDGET_TEST_TASK_DELAY")
    if delay and token:  # test-only: lets the kill -9 test catch a worker mid-render
        time.sleep(int(delay))  # whole seconds


def document_filename(document: Document) -> str:
    if document.kind == Document.Kind.FUNDER_REPORT:
        assert document.project is not None  # a funder report is about a project
        base = f"bilan-{document.project.slug}"
        if document.funding is not None:
            base += "-" + slugify(document.funding.reference)
    else:
        assert document.member is not None  # a statement is about a member
        base = f"releve-{slugify(document.member.full_name)}-calcul-{document.run_id}"
    return f"{base}-v{document.version}.pdf"


def _stale_limit() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.DOCUMENT_RENDER_STALE_SECONDS)


def document_claim(document_id: int, token: str) -> bool:
    """Conditional UPDATE, as for runs: a queued document, or one left ``rendering`` (a
    message delivered again because its worker died takes the render over). The claim
    token makes the newest claim the only one that may store a file."""
    return bool(Document.objects.filter(
        pk=document_id, status__in=[Document.Status.QUEUED, Document.Status.RENDERING]).update(
        status=Document.Status.RENDERING, claim_token=token, heartbeat_at=timezone.now(),
        progress=5, error=""))


def document_store(*, document_id: int, token: str, pdf: bytes, pages: int) -> bool:
    """Store the PDF of the render holding claim ``token``; a render that lost its claim
    meanwhile (taken over, retried) stores nothing and leaves no file behind."""
    document = Document.objects.select_related("project", "funding", "member").get(pk=document_id)
    if document.status != Document.Status.RENDERING or document.claim_token != token:
        return False
    field = document.file.field
    name = field.storage.save(field.generate_filename(document, document_filename(document)),
                              ContentFile(pdf))
    updated = Document.objects.filter(
        pk=document_id, status=Document.Status.RENDERING, claim_token=token).update(
        file=name, checksum=hashlib.sha256(pdf).hexdigest(), page_count=pages,
        status=Document.Status.READY, progress=100, finished_at=timezone.now(),
        heartbeat_at=timezone.now())
    if not updated:
        field.storage.delete(name)
    return bool(updated)


def document_render(document_id: int) -> Document:
    """Render one queued document (the Celery task's body; ``make bench`` times it).

    Claims the row (:func:`document_claim`), so a render killed with its worker is taken
    over by the next delivery or a retry; returns the document unchanged if it is not
    claimable. On any error the row is marked failed with a French message (and the error
    logged): a failed render is an outcome shown to the user, who can retry, not a crash of
    the caller."""
    token = uuid.uuid4().hex
    claimed = document_claim(document_id, token)
    document = Document.objects.select_related("project", "funding", "run", "member").get(pk=document_id)
    if not claimed:
        return document
    try:
        if document.kind == Document.Kind.FUNDER_REPORT:
            assert document.project is not None  # a funder report is about a project
            html = funder_report_html(project=document.project, funding=document.funding,
                                      start=document.period_start, end=document.period_end,
                                      named=document.options.get("names", "named") == "named",
                                      version=document.version)
        else:
            assert document.run is not None and document.member is not None  # a statement
            html = statement_html(run=document.run, member=document.member,
                                  invoice_number=document.invoice_number, version=document.version,
                                  issued_on=timezone.localdate(document.created_at))
        _set_progress(document, 40, token)
        pdf, pages = render_pdf(html)
        _set_progress(document, 90, token)
        document_store(document_id=document_id, token=token, pdf=pdf, pages=pages)
    except Exception as exc:
        logger.exception("document %s failed", document_id)
        document_mark_failed(document_id=document_id, error=exc, token=token)
    document.refresh_from_db()
    return document


def document_mark_failed(*, document_id: int, error: BaseException | str, token: str = "") -> None:
    message = _("La génération du document a échoué : %(error)s. Vous pouvez réessayer.") % {
        "error": str(error)[:300] or error.__class__.__name__}
    rows = Document.objects.filter(pk=document_id).exclude(status=Document.Status.READY)
    if token:  # only the render that owns the row may fail it
        rows = rows.filter(claim_token=token)
    rows.update(status=Document.Status.FAILED, error=message, finished_at=timezone.now())


# Defined beside its service (services and their tasks live together, see the README's
# layering); ``retributions.tasks.documents`` re-exports it for Celery's autodiscovery. The
# pdf worker restarts its children after some documents (``--max-tasks-per-child``,
# ``--max-memory-per-child`` in docker-compose.yml), giving WeasyPrint's memory back.
@shared_task(name="retributions.tasks.render_document", bind=True, acks_late=True)
def render_document(self, document_id: int) -> dict:
    """Render one queued document on the ``pdf`` queue (see CELERY_TASK_ROUTES); its row
    carries status and progress for the pages. A failure marks the document failed with a
    clear message (done by :func:`document_render`)."""
    document = document_render(document_id)
    return {"document": document.pk, "status": document.status, "pages": document.page_count}


# --- Requests ------------------------------------------------------------------------------

def _next_version(**subject) -> int:
    return (Document.objects.filter(**subject).aggregate(v=Max("version"))["v"] or 0) + 1


def _enqueue(document: Document) -> None:
    render_document.delay_on_commit(document.pk)  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit (Celery ≥ 5.4)


def validate_period(start: datetime.date | None, end: datetime.date | None) -> None:
    """A report's period is optional; given, it is in order (the one period check)."""
    check_period(start, end)


@transaction.atomic
def funder_report_request(*, author, project: Project, funding: Funding | None = None,
                          period_start: datetime.date | None = None,
                          period_end: datetime.date | None = None,
                          names: str = "named") -> Document:
    """Queue a funder report for a project (optionally one funding line and a period)."""
    validate_period(period_start, period_end)
    if funding is not None and funding.project_id != project.pk:
        raise ValidationError({"funding": _("Ce financement n'appartient pas au projet « %(project)s ».")
                               % {"project": project.name}})
    if names not in ("named", "anonymised"):
        raise ValidationError({"names": _("Choix des noms inconnu.")})
    # Lock the project row: two simultaneous requests get consecutive versions.
    Project.objects.select_for_update().get(pk=project.pk)
    subject = {"kind": Document.Kind.FUNDER_REPORT, "project": project, "funding": funding,
               "period_start": period_start, "period_end": period_end}
    document = Document.objects.create(**subject, version=_next_version(**subject),
                                       options={"names": names}, author=author)
    audit_record(actor=author, action=AuditEvent.Action.DOCUMENT_REQUESTED, obj=document,
                 project=project, data={"kind": document.kind, "version": document.version})
    _enqueue(document)
    return document


def _allocate_invoice_number() -> str:
    """The next invoice-request number of the network. The settings row is locked until the
    transaction ends, so numbers are sequential and never handed out twice; a rolled-back
    request gives its number back with the transaction (nothing was issued)."""
    NetworkSettings.load()
    network = NetworkSettings.objects.select_for_update().get(pk=1)
    number = network.next_invoice_number
    network.next_invoice_number = number + 1
    network.save(update_fields=["next_invoice_number"])
    return f"{network.invoice_prefix}-{number:06d}"


@transaction.atomic
def statement_request(*, author, run: RetributionRun, member: Member,
                      invoice: bool = False) -> Document:
    """Queue a member's statement for an approved run, with a numbered invoice request
    ("appel à facture") when asked — only for a payee that can invoice (a SIRET).
    The author's right is checked first: nothing is created nor numbered for someone who
    may not read the statement."""
    if not can_order_statement(author, run, member):
        raise PermissionDenied(_("Vous ne pouvez demander un relevé que pour vous-même ou "
                                 "pour un calcul d'un projet que vous pilotez."))
    run = RetributionRun.objects.select_for_update().select_related("envelope__project").get(pk=run.pk)
    if run.status != RetributionRun.Status.APPROVED:
        raise ValidationError({"run": _("Seul un calcul approuvé donne lieu à un relevé.")})
    line = statement.statement_line(run, member)
    if line is None:
        raise ValidationError({"member": _("%(name)s n'a pas de part dans ce calcul.")
                               % {"name": member.full_name}})
    invoice_number = None
    if invoice:
        payee = statement.payee_of(line)
        if line.money <= 0 or payee.kind == "none":
            raise ValidationError({"invoice": _("Pas d'appel à facture : aucune somme n'est à "
                                                "verser à %(name)s pour ce calcul.")
                                   % {"name": member.full_name}})
        if not payee.can_invoice:
            if payee.kind == "place":
                message = _("Pas d'appel à facture possible : le lieu bénéficiaire « %(place)s » "
                            "n'a pas de SIRET. Complétez sa fiche, ou demandez le relevé sans "
                            "appel à facture.") % {"place": payee.name or _("(aucun lieu)")}
            else:
                message = _("Pas d'appel à facture possible : %(name)s n'a pas d'identité de "
                            "facturation (SIRET personnel). Complétez ses préférences, ou "
                            "demandez le relevé sans appel à facture.") % {"name": member.full_name}
            raise ValidationError({"invoice": message})
        invoice_number = _allocate_invoice_number()
    subject = {"kind": Document.Kind.STATEMENT, "run": run, "member": member}
    document = Document.objects.create(
        **subject, project=run.envelope.project, period_start=run.period_start,
        period_end=run.period_end, version=_next_version(**subject),
        options={"invoice": bool(invoice)}, invoice_number=invoice_number, author=author)
    audit_record(actor=author, action=AuditEvent.Action.DOCUMENT_REQUESTED, obj=document,
                 project=run.envelope.project,
                 data={"kind": document.kind, "version": document.version,
                       "invoice_number": invoice_number})
    _enqueue(document)
    return document


@transaction.atomic
def document_retry(*, document: Document, actor) -> Document:
    """Send a failed document, or one whose render was interrupted (stale heartbeat: its
    worker died), back to the queue — same row: it was never issued, so there is nothing to
    keep. A render still alive cannot be retried (it would render twice)."""
    stale = Q(status=Document.Status.RENDERING) & (
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=_stale_limit()))
    updated = Document.objects.filter(Q(status=Document.Status.FAILED) | stale, pk=document.pk).update(
        status=Document.Status.QUEUED, progress=0, error="", finished_at=None, claim_token="")
    if not updated:
        if Document.objects.filter(pk=document.pk, status=Document.Status.RENDERING).exists():
            raise ValidationError(_("Ce document est en cours de génération : attendez qu'il "
                                    "soit prêt ou, s'il reste bloqué, réessayez dans quelques "
                                    "minutes."))
        raise ValidationError(_("Seul un document en échec peut être relancé."))
    document.refresh_from_db()
    _enqueue(document)
    return document


# --- Funder links --------------------------------------------------------------------------

@transaction.atomic
def share_link_create(*, document: Document, actor) -> ShareLink:
    if document.kind != Document.Kind.FUNDER_REPORT or document.status != Document.Status.READY:
        raise ValidationError(_("Seul un bilan financeur prêt peut être partagé."))
    link = ShareLink.objects.create(document=document, created_by=actor)
    audit_record(actor=actor, action=AuditEvent.Action.SHARE_LINK, obj=document,
                 project=document.project, data={"link": link.pk, "event": "created"})
    return link


@transaction.atomic
def share_link_revoke(*, link: ShareLink, actor) -> ShareLink:
    """Revoke a funder link: it answers 404 from now on. Revoking twice changes nothing."""
    updated = ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    link.refresh_from_db()
    if updated:
        audit_record(actor=actor, action=AuditEvent.Action.SHARE_LINK, obj=link.document,
                     project=link.document.project, data={"link": link.pk, "event": "revoked"})
    return link
