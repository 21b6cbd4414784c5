"""The pilot's override of one line's money, with a reason (recorded)."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent
from contribbudget.money import ZERO, format_money
from contribbudget.services import audit_record

from ... import selectors_runs as sel
from ...models import RetributionLine
from ...run_rules import line_override_refusal
from .computing import Status
from .lifecycle import _lock_run

# --- Override ------------------------------------------------------------------------------

@transaction.atomic
def run_line_override(*, actor, line: RetributionLine, amount: Decimal | None,
                      reason: str) -> RetributionLine:
    """The pilot sets one line's money, with a reason (recorded). The run's total may not
    exceed what the envelope has available; volunteers and symbolic members get no money."""
    run = _lock_run(line.run)
    line = RetributionLine.objects.select_for_update().get(pk=line.pk)
    reason = (reason or "").strip()
    errors = {}
    if amount is None:
        errors["amount"] = _("Indiquez un montant.")
    elif amount < 0:
        errors["amount"] = _("Un montant ne peut pas être négatif.")
    elif amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = _("Un montant s'exprime en centimes (deux décimales au plus).")
    if not reason:
        errors["reason"] = _("Expliquez pourquoi vous modifiez cette part : le motif est "
                             "enregistré et visible.")
    if errors:
        raise ValidationError(errors)
    assert amount is not None  # refused above
    if run.status != Status.DRAFT:
        raise ValidationError(_("Seule une part d'un calcul en brouillon peut être modifiée."))
    if refusal := line_override_refusal(actor, line):
        raise ValidationError(refusal)
    if line.payee == RetributionLine.Payee.NONE and amount > 0:
        raise ValidationError({"amount": _(
            "Cette personne ne perçoit pas d'argent pour ce calcul (bénévole ou rétribution "
            "symbolique) : elle peut changer sa préférence avant l'approbation.")})
    others = run.lines.exclude(pk=line.pk).aggregate(t=Sum("money"))["t"] or ZERO
    available = sel.envelope_available(run.envelope_id)
    if others + amount > available:
        raise ValidationError({"amount": _(
            "Avec ce montant le calcul distribuerait %(total)s, plus que les %(available)s "
            "disponibles dans l'enveloppe.") % {"total": format_money(others + amount),
                                                "available": format_money(available)}})
    before = line.money
    line.money = amount
    line.override_reason = reason if amount != line.computed_money else ""
    line.save(update_fields=["money", "override_reason"])
    run.distributed = others + amount
    run.surplus = (run.available or available) - run.distributed
    run.save(update_fields=["distributed", "surplus"])
    audit_record(actor=actor, action=AuditEvent.Action.RUN_LINE_OVERRIDDEN, obj=run,
                 project=run.envelope.project, reason=reason,
                 data={"line": line.pk, "member": line.member_id, "before": str(before),
                       "after": str(amount), "computed": str(line.computed_money)})
    return line

