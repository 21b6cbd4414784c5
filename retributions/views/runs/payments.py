"""The treasurer's payments: what is to pay, marking lines paid, the export."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contribbudget import export_jobs
from contribbudget.exports import FORMATS
from contribbudget.permissions import (
    get_member_for,
)

from ... import exports as network_exports
from ... import selectors_runs as sel
from ...forms_runs import (
    PaymentForm,
)
from ...models import PAYMENT_SORT
from ...services import payments as pay_services
from .common import _errors_to_form

# --- Payments ------------------------------------------------------------------------------

# Lazy: a module-level text is translated when shown, in the reader's language.
PAYMENT_STATUSES = {"unpaid": _lazy("À payer"), "paid": _lazy("Payées"), "all": _lazy("Toutes")}


@login_required
def payments(request):
    get_member_for(request.user, action="treasury")
    status = request.GET.get("status", "unpaid")
    if status not in PAYMENT_STATUSES:
        status = "unpaid"
    fmt = request.GET.get("export")
    if fmt in FORMATS:  # the one payment export, shared with the desk
        return export_jobs.export_response(request, network_exports.PAYMENTS, fmt,
                                           {"status": status})
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
    lines = sel.payment_lines(status).order_by(*PAYMENT_SORT)
    return render(request, "retributions/payments/list.html", {
        "lines": sel.payment_rows(lines, 500), "totals": sel.payment_totals(status), "form": form,
        "status": status, "statuses": PAYMENT_STATUSES, "checked": checked,
    }, status=400 if form.errors else 200)
