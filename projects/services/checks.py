"""What every budget service shares: the project lock, the totals read under it, and the checks
(an amount typed, an envelope never below what it distributed, a budget never exceeded)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from contribbudget import limits
from contribbudget.limits import length_error
from contribbudget.money import ZERO, format_money

from ..models import (
    Adjustment,
    Envelope,
    Funding,
    Project,
)
from ..selectors import envelope_amount, envelope_distributed

CONTRIBUTION_KINDS = ("production", "coordination", "creative", "support", "meeting")


# --- Locks and totals ------------------------------------------------------------------------

def _lock_project(project_id: int) -> Project:
    """Take the project's row lock: every money change of a project queues here."""
    return Project.objects.select_for_update().get(pk=project_id)


def _budget(project_id: int) -> Decimal:
    total = Funding.objects.filter(project_id=project_id).aggregate(t=Sum("amount"))["t"]
    return total or ZERO


def _allocated(project_id: int) -> Decimal:
    total = Adjustment.objects.filter(envelope__project_id=project_id).aggregate(
        t=Sum("delta"))["t"]
    return total or ZERO


# The envelope's totals have one home, the selectors; read under the service's lock.
_envelope_amount = envelope_amount
_envelope_distributed = envelope_distributed


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({field: _("Saisissez un montant valide.")}) from exc
    if not amount.is_finite():
        raise ValidationError({field: _("Saisissez un montant valide.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Un montant s'exprime au centime près.")})
    return amount.quantize(Decimal("0.01"))


def _check_new_amount(envelope: Envelope, new_amount: Decimal, field: str = "delta") -> None:
    """An envelope never goes negative, nor below what approved runs already distributed."""
    if new_amount < 0:
        raise ValidationError({field: _(
            "L'enveloppe « %(name)s » deviendrait négative (%(amount)s).") % {
            "name": envelope.name, "amount": format_money(new_amount)}})
    distributed = _envelope_distributed(envelope.pk)
    if new_amount < distributed:
        raise ValidationError({field: _(
            "L'enveloppe « %(name)s » passerait à %(amount)s, sous les %(distributed)s déjà "
            "distribués par des calculs approuvés.") % {
            "name": envelope.name, "amount": format_money(new_amount),
            "distributed": format_money(distributed)}})


def _check_budget(project: Project, new_allocated: Decimal, field: str = "delta") -> None:
    budget = _budget(project.pk)
    if new_allocated > budget:
        raise ValidationError({field: _(
            "Les enveloppes totaliseraient %(allocated)s, au-delà du budget du projet "
            "(%(budget)s) : il reste %(left)s à répartir.") % {
            "allocated": format_money(new_allocated), "budget": format_money(budget),
            "left": format_money(max(budget - _allocated(project.pk), ZERO))}})


def _require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Indiquez le motif : chaque changement d'enveloppe "
                                        "est expliqué à l'équipe.")})
    too_long = length_error(reason, limits.REASON)
    if too_long:
        raise ValidationError({field: too_long})
    return reason

