"""Payments: the treasurer marks approved lines paid (date, reference), in bulk."""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent
from contribbudget.services import audit_record

from ..models import RetributionLine, RetributionRun
from ..payment_rules import payment_date_error
from ..selectors.desk import forget_year_totals


@transaction.atomic
def payments_mark_paid(*, actor, line_ids: Iterable[int], paid_on: datetime.date | None,
                       reference: str) -> int:
    """Mark approved, unpaid lines with money as paid; returns how many were marked. Lines
    already paid are left as they are (a double submit pays nothing twice)."""
    line_ids = sorted({int(pk) for pk in line_ids})
    reference = (reference or "").strip()
    errors = {}
    if not line_ids:
        errors["lines"] = _("Cochez au moins une ligne à marquer payée.")
    if paid_on is None:
        errors["paid_on"] = _("Indiquez la date du paiement.")
    elif message := payment_date_error(paid_on, period_start=None):
        errors["paid_on"] = message
    if not reference:
        errors["reference"] = _("Indiquez la référence du paiement (virement, chèque…).")
    if errors:
        raise ValidationError(errors)
    lines = RetributionLine.objects.select_for_update().filter(
        pk__in=line_ids, run__status=RetributionRun.Status.APPROVED, paid_on__isnull=True,
        money__gt=0).exclude(batch_lines__is_open=True)  # a SEPA batch pays those
    runs: dict[int, list[int]] = {}
    for pk, run_id in lines.values_list("pk", "run_id"):
        runs.setdefault(run_id, []).append(pk)
    earliest = RetributionRun.objects.filter(pk__in=runs).aggregate(m=Min("period_start"))["m"]
    if message := payment_date_error(paid_on, period_start=earliest):
        raise ValidationError({"paid_on": message})
    marked = RetributionLine.objects.filter(pk__in=[pk for ids in runs.values() for pk in ids]
                                            ).update(paid_on=paid_on, payment_reference=reference[:100])
    forget_year_totals()  # a bulk update sends no post_save
    for run in RetributionRun.objects.filter(pk__in=runs).select_related("envelope__project"):
        audit_record(actor=actor, action=AuditEvent.Action.PAYMENT_MARKED, obj=run,
                     project=run.envelope.project, reason=reference,
                     data={"lines": runs[run.pk], "paid_on": paid_on.isoformat() if paid_on else None})
    return marked
