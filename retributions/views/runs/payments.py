"""The treasurer's payments: what is to pay, marking lines paid, the export."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contribbudget.exports import FORMATS, Column, export_response
from contribbudget.permissions import (
    get_member_for,
)

from ... import selectors_runs as sel
from ...forms_runs import (
    PaymentForm,
)
from ...models import RetributionLine
from ...services import payments as pay_services
from .common import _errors_to_form

# --- Payments ------------------------------------------------------------------------------

# Lazy: a module-level text is translated when shown, in the reader's language.
PAYMENT_STATUSES = {"unpaid": _lazy("À payer"), "paid": _lazy("Payées"), "all": _lazy("Toutes")}


def _payment_export(fmt: str, status: str):
    lines = sel.payment_lines(status).order_by(
        "payee_place__name", "member__last_name", "member__first_name", "run__period_end", "pk")
    columns = [Column(_("Bénéficiaire")), Column(_("Type")), Column(_("SIRET")),
               Column(_("Adresse")), Column(_("Membre")), Column(_("Projet")),
               Column(_("Enveloppe")), Column(_("Période"), "text"), Column(_("Montant"), "money"),
               Column(_("Payée le"), "date"), Column(_("Référence du paiement"))]

    def payee(line):
        if line.payee == RetributionLine.Payee.PLACE and line.payee_place:
            return (line.payee_place.name, str(_("Lieu")), line.payee_place.siret,
                    line.payee_place.address)
        return (line.member.full_name, str(_("Personne")), line.member.siret,
                line.member.address)

    def rows():
        for line in lines.iterator(chunk_size=2000):
            run = line.run
            yield (*payee(line), line.member.full_name, run.envelope.project.name,
                   run.envelope.name,
                   f"{run.period_start:%d/%m/%Y} – {run.period_end:%d/%m/%Y}", line.money,
                   line.paid_on, line.payment_reference)

    # Grouped by payee: rows are sorted by payee so each payee's lines follow each other.
    return export_response(fmt, columns, sorted(rows(), key=lambda r: (r[0].lower(), r[4])),
                           f"paiements-{status}")


@login_required
def payments(request):
    get_member_for(request.user, action="treasury")
    status = request.GET.get("status", "unpaid")
    if status not in PAYMENT_STATUSES:
        status = "unpaid"
    fmt = request.GET.get("export")
    if fmt in FORMATS:
        return _payment_export(fmt, status)
    form = PaymentForm(request.POST or None)
    checked: set[str] = set()
    if request.method == "POST":
        checked = set(request.POST.getlist("lines"))
        if form.is_valid():
            try:
                count = pay_services.payments_mark_paid(
                    actor=request.user, line_ids=[int(x) for x in checked if x.isdigit()],
                    **form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("%(n)s ligne(s) marquée(s) payée(s).") % {"n": count})
                return redirect(reverse("retributions:payments") + f"?status={status}")
    lines = sel.payment_lines(status).order_by(
        "payee_place__name", "member__last_name", "member__first_name", "pk")
    return render(request, "retributions/payments/list.html", {
        "lines": lines[:500], "totals": sel.payment_totals(lines), "form": form,
        "status": status, "statuses": PAYMENT_STATUSES, "checked": checked,
    }, status=400 if form.errors else 200)
