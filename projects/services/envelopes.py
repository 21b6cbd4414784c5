"""Envelopes: their parameters, creating and editing them, adjusting and transferring money."""
from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent
from contribbudget.money import ZERO, format_money
from contribbudget.services import audit_record

from ..models import (
    Adjustment,
    AdjustmentRequest,
    Envelope,
    Project,
)
from .checks import (
    CONTRIBUTION_KINDS,
    _allocated,
    _check_budget,
    _check_new_amount,
    _envelope_amount,
    _lock_project,
    _money,
    _require_reason,
)

# --- Envelope parameters ---------------------------------------------------------------------

ENVELOPE_FIELDS = ("name", "kind", "daily_rate", "hours_per_day", "rule", "cap",
                   "declined_shares", "surplus_policy", "surplus_commons_percent",
                   "coefficients", "coefficients_reason")


def _validate_parameters(envelope: Envelope, amount: Decimal) -> None:
    """The ranges of DESIGN.md §4: rates ≥ 0 (and > 0 for time × rate), a cap no larger than
    the envelope, percentages within 0–100, coefficients ≥ 0 with a reason."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if envelope.daily_rate is None or envelope.daily_rate < 0:
        add("daily_rate", _("Le coût journalier ne peut pas être négatif."))
    elif envelope.rule == Envelope.Rule.TIME_RATE and envelope.daily_rate == 0:
        add("daily_rate", _("La règle « au temps passé » a besoin d'un coût journalier."))
    if envelope.hours_per_day is None or not (0 < envelope.hours_per_day <= 24):
        add("hours_per_day", _("Une journée compte entre 0 et 24 heures."))
    if envelope.cap is not None:
        if envelope.cap <= 0:
            add("cap", _("Le plafond doit être positif (laissez vide pour aucun plafond)."))
        elif envelope.cap > amount:
            add("cap", _("Le plafond par personne (%(cap)s) dépasse le montant de l'enveloppe "
                         "(%(amount)s).") % {"cap": format_money(envelope.cap),
                                             "amount": format_money(amount)})
    percent = envelope.surplus_commons_percent
    if percent is None or not (0 <= percent <= 100):
        add("surplus_commons_percent", _("Un pourcentage est compris entre 0 et 100."))
    coefficients = envelope.coefficients or {}
    if not isinstance(coefficients, dict):
        add("coefficients", _("Les coefficients sont un dictionnaire type → coefficient."))
    else:
        for kind, value in coefficients.items():
            if kind not in CONTRIBUTION_KINDS:
                add("coefficients", _("Type de contribution inconnu : %(kind)s.") % {"kind": kind})
                continue
            try:
                number = Decimal(str(value))
            except (InvalidOperation, ValueError):
                number = Decimal("-1")
            if not number.is_finite() or number < 0 or number > 10:
                add("coefficients", _("Le coefficient de « %(kind)s » doit être compris entre "
                                      "0 et 10.") % {"kind": kind})
        if coefficients and not (envelope.coefficients_reason or "").strip():
            add("coefficients_reason", _("Expliquez pourquoi les coefficients diffèrent des "
                                         "valeurs par défaut."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def envelope_create(*, project: Project, author, name: str, kind: str,
                    daily_rate: Decimal = Decimal("250.00"), hours_per_day: Decimal = Decimal("7"),
                    rule: str = Envelope.Rule.TIME_RATE, cap: Decimal | None = None,
                    declined_shares: str = Envelope.DeclinedShares.RESPREAD,
                    surplus_policy: str = Envelope.SurplusPolicy.CARRY,
                    surplus_commons_percent: int = 50, coefficients: dict | None = None,
                    coefficients_reason: str = "", amount: Decimal = ZERO,
                    reason: str = "") -> Envelope:
    """Create an envelope of ``project`` and, when ``amount`` > 0, its first adjustment.
    The new amount must fit in what the budget has left."""
    project = _lock_project(project.pk)
    amount = _money(amount, "amount")
    if amount < 0:
        raise ValidationError({"amount": _("Une enveloppe ne peut pas être négative.")})
    envelope = Envelope(project=project, name=(name or "").strip(), kind=kind,
                        daily_rate=daily_rate, hours_per_day=hours_per_day, rule=rule, cap=cap,
                        declined_shares=declined_shares, surplus_policy=surplus_policy,
                        surplus_commons_percent=surplus_commons_percent,
                        coefficients=coefficients or {}, coefficients_reason=coefficients_reason)
    _validate_parameters(envelope, amount)
    envelope.full_clean()
    if amount > 0:
        reason = _require_reason(reason or _("Enveloppe initiale"))
        _check_budget(project, _allocated(project.pk) + amount, "amount")
    envelope.save()
    if amount > 0:
        Adjustment.objects.create(envelope=envelope, delta=amount, reason=reason,
                                  author=author)
    audit_record(actor=author, action=AuditEvent.Action.ENVELOPE_CREATED, obj=envelope,
                 project=project, reason=reason,
                 data={"name": envelope.name, "kind": kind, "rule": rule, "amount": str(amount)})
    return envelope


@transaction.atomic
def envelope_update(*, envelope: Envelope, author, reason: str = "", **changes) -> Envelope:
    """Change an envelope's name, kind, rule or rule parameters (never its amount: that is
    what adjustments are for). Unknown fields are refused."""
    unknown = set(changes) - set(ENVELOPE_FIELDS)
    if unknown:
        raise ValueError(f"not an envelope parameter: {sorted(unknown)}")
    _lock_project(envelope.project_id)
    envelope = Envelope.objects.select_for_update().get(pk=envelope.pk)
    before = {field: getattr(envelope, field) for field in changes}
    for field, value in changes.items():
        if field == "name":
            value = (value or "").strip()
        setattr(envelope, field, value)
    _validate_parameters(envelope, _envelope_amount(envelope.pk))
    envelope.full_clean()
    envelope.save()
    changed = {field: [str(before[field]), str(getattr(envelope, field))]
               for field in changes if before[field] != getattr(envelope, field)}
    audit_record(actor=author, action=AuditEvent.Action.ENVELOPE_UPDATED, obj=envelope,
                 project=envelope.project, reason=(reason or "").strip(), data=changed)
    return envelope


# --- Adjustments and transfers ---------------------------------------------------------------

@transaction.atomic
def envelope_adjust(*, envelope: Envelope, delta, reason: str, author,
                    request: AdjustmentRequest | None = None) -> Adjustment:
    """Add ``delta`` (positive or negative) to an envelope, with a reason. Refused when the
    envelope would go negative or below what approved runs distributed, or when the
    project's envelopes would exceed its budget."""
    delta = _money(delta, "delta")
    if delta == 0:
        raise ValidationError({"delta": _("Un ajustement de 0 € ne change rien.")})
    reason = _require_reason(reason)
    project = _lock_project(envelope.project_id)
    envelope = Envelope.objects.get(pk=envelope.pk)
    _check_new_amount(envelope, _envelope_amount(envelope.pk) + delta)
    if delta > 0:
        _check_budget(project, _allocated(project.pk) + delta)
    adjustment = Adjustment.objects.create(envelope=envelope, delta=delta, reason=reason,
                                           author=author, request=request)
    audit_record(actor=author, action=AuditEvent.Action.ENVELOPE_ADJUSTED, obj=envelope,
                 project=project, reason=reason,
                 data={"delta": str(delta), "adjustment": adjustment.pk})
    return adjustment


@transaction.atomic
def envelope_transfer(*, source: Envelope, target: Envelope, amount, reason: str,
                      author) -> tuple[Adjustment, Adjustment]:
    """Move ``amount`` from ``source`` to ``target`` (same project): two adjustments sharing
    one ``transfer_id`` that sum to zero. The budget total is unchanged; the source may not
    fall below zero or below what was distributed from it."""
    amount = _money(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": _("Le montant d'un virement est positif.")})
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choisissez deux enveloppes différentes.")})
    if source.project_id != target.project_id:
        raise ValidationError({"target": _("Un virement se fait entre deux enveloppes du même "
                                           "projet.")})
    reason = _require_reason(reason)
    project = _lock_project(source.project_id)
    source = Envelope.objects.get(pk=source.pk)
    target = Envelope.objects.get(pk=target.pk)
    _check_new_amount(source, _envelope_amount(source.pk) - amount, "amount")
    transfer_id = uuid.uuid4()
    out = Adjustment.objects.create(envelope=source, delta=-amount, reason=reason, author=author,
                                    transfer_id=transfer_id)
    into = Adjustment.objects.create(envelope=target, delta=amount, reason=reason, author=author,
                                     transfer_id=transfer_id)
    audit_record(actor=author, action=AuditEvent.Action.ENVELOPE_TRANSFER, obj=source,
                 project=project, reason=reason,
                 data={"amount": str(amount), "source": source.pk, "target": target.pk,
                       "transfer_id": str(transfer_id)})
    audit_record(actor=author, action=AuditEvent.Action.ENVELOPE_TRANSFER, obj=target,
                 project=project, reason=reason,
                 data={"amount": str(amount), "source": source.pk, "target": target.pk,
                       "transfer_id": str(transfer_id)})
    return out, into

