"""The treasurer's last mile (issue 14): payment batches and SEPA files, the treasury
settings (network bank account, account mapping), places' bank details, the books' exports,
and the member's side — bank details, self-billing mandate, self-billed invoices.

Permissions (contribbudget.permissions): batches — treasurers; settings, places, books —
treasurers and coordinators; a member's own details and invoices — that member (invoices
also readable by treasurers and coordinators). Members lacking the right get 403, accounts
without a member profile 404."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contribbudget import payee as checks
from contribbudget.models import NetworkSettings, Place
from contribbudget.permissions import (
    get_self_billed_invoice_for,
    member_of,
    require_finance,
    require_treasurer,
    sees_full_bank_details,
)

from ..forms_treasury import (
    BatchConfirmForm,
    BatchPrepareForm,
    ContestForm,
    LineFailForm,
    MandateForm,
    MemberPayeeForm,
    PlacePayeeForm,
    TreasurySettingsForm,
)
from ..models import Document, PaymentBatch, PaymentBatchLine, SelfBilledInvoice
from ..services import accounting, batches, invoicing, mandates
from ..services.treasury_settings import treasury_settings_update


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- Batches -------------------------------------------------------------------------------

@login_required
def batch_list(request):
    """Lines to pay grouped by payee (with subtotals), those lacking bank details apart, the
    batch being prepared, and the batches so far."""
    require_treasurer(request.user)
    form = BatchPrepareForm(request.POST or None, initial={
        "schema": NetworkSettings.load().sepa_schema})
    checked: set[str] = set()
    if request.method == "POST":
        checked = set(request.POST.getlist("lines"))
        if form.is_valid():
            try:
                batch = batches.batch_prepare(
                    actor=request.user, line_ids=[int(x) for x in checked if x.isdigit()],
                    **form.cleaned_data)
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, batches.batch_summary_text(batch))
                return redirect("retributions:batch_detail", batch.pk)
    ready, lacking = batches.payables()
    recent = PaymentBatch.objects.select_related("created_by__member").annotate(
        failed=Count("lines", filter=Q(lines__status=PaymentBatchLine.Status.FAILED)))[:30]
    return render(request, "retributions/treasury/batches.html", {
        "form": form, "groups": batches.group_by_payee(ready), "lacking": lacking,
        "ready_total": sum((p.line.money for p in ready), start=batches.ZERO),
        "to_pay": batches.amount_available(), "batches": recent, "checked": checked,
        "network": NetworkSettings.load(),
    }, status=400 if form.errors else 200)


def _batch_or_404(pk) -> PaymentBatch:
    return get_object_or_404(PaymentBatch.objects.select_related("created_by__member"), pk=pk)


@login_required
def batch_detail(request, pk: int, *, confirm_form=None, fail_forms=None, status=200):
    require_treasurer(request.user)
    batch = _batch_or_404(pk)
    rows = list(batch.lines.select_related("line__member", "line__run__envelope__project"))
    for row in rows:
        row.iban_display = checks.iban_for_display(row.iban, full=True)
        row.fail_form = (fail_forms or {}).get(row.pk) or LineFailForm(prefix=f"fail{row.pk}")
    totals = batch.lines.aggregate(
        paid=Sum("amount", filter=Q(status=PaymentBatchLine.Status.PAID)),
        failed=Sum("amount", filter=Q(status=PaymentBatchLine.Status.FAILED)))
    return render(request, "retributions/treasury/batch_detail.html", {
        "batch": batch, "groups": batches.group_by_payee(rows), "totals": totals,
        "confirm_form": confirm_form or BatchConfirmForm(),
    }, status=status)


@login_required
def batch_download(request, pk: int):
    """The SEPA file; downloading it marks the batch sent."""
    require_treasurer(request.user)
    batch = _batch_or_404(pk)
    xml = batches.sepa_xml(batch)
    batches.batch_mark_sent(batch=batch, actor=request.user)
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{batches.sepa_filename(batch)}"'
    return response


@login_required
@require_POST
def batch_confirm(request, pk: int):
    require_treasurer(request.user)
    batch = _batch_or_404(pk)
    form = BatchConfirmForm(request.POST)
    if form.is_valid():
        try:
            batches.batch_confirm(batch=batch, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Lot confirmé : ses lignes sont payées."))
            return redirect("retributions:batch_detail", batch.pk)
    return batch_detail(request, pk, confirm_form=form, status=400)


@login_required
@require_POST
def batch_line_fail(request, pk: int):
    require_treasurer(request.user)
    row = get_object_or_404(PaymentBatchLine, pk=pk)
    form = LineFailForm(request.POST, prefix=f"fail{row.pk}")
    if form.is_valid():
        try:
            batches.batch_line_fail(row=row, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Virement marqué en échec : la ligne est de nouveau à payer."))
            return redirect("retributions:batch_detail", row.batch_id)
    return batch_detail(request, row.batch_id, fail_forms={row.pk: form}, status=400)


# --- Settings, places, books ----------------------------------------------------------------

@login_required
def treasury_settings(request):
    require_finance(request.user)
    network = NetworkSettings.load()
    mapping = accounting.accounts()
    initial = {"bank_iban": network.bank_iban, "bank_bic": network.bank_bic,
               "accounting_siren": network.accounting_siren, "sepa_schema": network.sepa_schema,
               **{f"account_{k}": v[0] for k, v in mapping.items()}}
    form = TreasurySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            treasury_settings_update(
                actor=request.user, bank_iban=data["bank_iban"], bank_bic=data["bank_bic"],
                accounting_siren=data["accounting_siren"], sepa_schema=data["sepa_schema"],
                accounts={k: data[f"account_{k}"] for k in accounting.DEFAULT_ACCOUNTS})
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Paramètres de trésorerie enregistrés."))
            return redirect("retributions:treasury_settings")
    return render(request, "retributions/treasury/settings.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
def place_bank(request, pk: int | None = None):
    """The places' bank details: a list, and the form of one place."""
    member = require_finance(request.user)
    places = Place.objects.order_by("name")
    place = get_object_or_404(Place, pk=pk) if pk else None
    form = None
    if place is not None:
        initial = {"siret": place.siret, "iban": place.iban, "bic": place.bic,
                   "vat_status": place.vat_status, "vat_number": place.vat_number}
        form = PlacePayeeForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                mandates.payee_update(target=place, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, _("Coordonnées de « %(place)s » enregistrées.")
                                 % {"place": place.name})
                return redirect("retributions:place_bank_list")
    rows = [{"place": p, "iban": checks.iban_for_display(p.iban, full=member.is_treasurer)}
            for p in places]
    return render(request, "retributions/treasury/places.html", {
        "rows": rows, "place": place, "form": form},
        status=400 if form is not None and form.errors else 200)


@login_required
def books_export(request):
    """The year's entries as FEC or Paheko CSV (an empty year gives a valid, empty file)."""
    require_finance(request.user)
    fmt = request.GET.get("format")
    try:
        year = int(request.GET.get("annee", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    if fmt not in ("fec", "paheko") or not 2000 <= year <= 2100:
        raise Http404
    filename, content_type, content, count = accounting.export(fmt, year)
    if count == 0:
        messages.info(request, _("Aucune écriture en %(year)s : le fichier ne contient que "
                                 "les en-têtes.") % {"year": year})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The member's side ---------------------------------------------------------------------

@login_required
def my_payee(request):
    """A member's bank details, SIRET and VAT status, and their self-billing mandate."""
    member = member_of(request.user)
    if member is None:
        raise Http404
    initial = {"siret": member.siret, "iban": member.iban, "bic": member.bic,
               "vat_status": member.vat_status, "vat_number": member.vat_number}
    form = MemberPayeeForm(initial=initial)
    mandate_form = MandateForm()
    if request.method == "POST" and request.POST.get("action") == "payee":
        form = MemberPayeeForm(request.POST)
        if form.is_valid():
            try:
                mandates.payee_update(target=member, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, _("Coordonnées de paiement enregistrées."))
                return redirect("retributions:my_payee")
    elif request.method == "POST" and request.POST.get("action") == "mandate":
        mandate_form = MandateForm(request.POST)
        if mandate_form.is_valid():
            try:
                mandates.mandate_accept(member=member, actor=request.user,
                                        duration_months=mandate_form.cleaned_data["duration_months"],
                                        contest_days=mandate_form.cleaned_data["contest_days"])
            except ValidationError as error:
                _apply(mandate_form, error)
            else:
                messages.success(request, _("Mandat d'autofacturation accepté : vos prochaines "
                                            "rétributions seront facturées en votre nom."))
                return redirect("retributions:my_payee")
    elif request.method == "POST" and request.POST.get("action") == "revoke":
        mandate = get_object_or_404(member.mandates, pk=request.POST.get("mandate"), revoked_at__isnull=True)
        mandates.mandate_revoke(mandate=mandate, actor=request.user)
        messages.success(request, _("Mandat révoqué : vos prochaines rétributions passeront "
                                    "par un appel à facture."))
        return redirect("retributions:my_payee")
    active = member.mandates.filter(revoked_at__isnull=True).first()
    return render(request, "retributions/treasury/my_payee.html", {
        "member": member, "form": form, "mandate_form": mandate_form, "mandate": active,
        "terms": mandates.mandate_terms(member), "past": member.mandates.exclude(revoked_at=None),
        "iban": checks.iban_for_display(member.iban, full=sees_full_bank_details(request.user, member)),
    }, status=400 if form.errors or mandate_form.errors else 200)


@login_required
def invoice_download(request, pk: int):
    invoice = get_self_billed_invoice_for(request.user, pk)
    if not invoice.file:
        invoice = invoicing.invoice_render(invoice.pk)
    return FileResponse(invoice.file.open("rb"), as_attachment=True,
                        filename=f"{invoice.number}.pdf", content_type="application/pdf")


@login_required
@require_POST
def invoice_contest(request, pk: int):
    invoice = get_self_billed_invoice_for(request.user, pk, action="contest")
    form = ContestForm(request.POST)
    if form.is_valid():
        try:
            credit, corrected = invoicing.invoice_contest(invoice=invoice, actor=request.user,
                                                          reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Contestation enregistrée : l'avoir %(credit)s annule "
                                        "la facture, la facture corrigée %(number)s la remplace.")
                             % {"credit": credit.number, "number": corrected.number})
    else:
        messages.error(request, _("Dites ce qui est à corriger."))
    return redirect(reverse("retributions:my_retributions") + "#documents")


def member_documents(member) -> dict:
    """What *Mes rétributions* lists to download: statements and invoice requests (ready),
    and self-billed invoices (two queries)."""
    documents = (Document.objects.filter(kind=Document.Kind.STATEMENT, member=member,
                                         status=Document.Status.READY)
                 .select_related("run__envelope__project").order_by("-created_at"))
    invoices = (SelfBilledInvoice.objects.filter(member=member)
                .select_related("line__run__envelope__project", "corrects").order_by("-pk"))
    today = timezone.localdate()
    invoices = list(invoices)
    for invoice in invoices:
        invoice.contestable = (invoice.kind == SelfBilledInvoice.Kind.INVOICE
                               and invoice.status == SelfBilledInvoice.Status.ISSUED
                               and today <= invoice.contest_until)
    return {"statements": documents, "self_billed": invoices, "contest_form": ContestForm()}
