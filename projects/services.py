"""Writes about projects: envelopes, adjustments, transfers, adjustment requests and grains.

Every service that moves money follows the same order (STYLE.md §5): lock the project row
with ``SELECT … FOR UPDATE``, then read the totals and check the rules, then write, then
record the audit event — all in one transaction. Two pilots adjusting the same project at
the same moment are therefore serialised on the project row: the second one reads the sums
the first one committed, so the budget can never be oversubscribed and no update is lost.
"""
from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from contribbudget import limits
from contribbudget.limits import check_length, length_error
from contribbudget.models import AuditEvent, FieldOfAction, Member
from contribbudget.money import ZERO, format_money
from contribbudget.services import audit_record
from contribbudget.tasks import send_email

from .grain_rules import grain_holder_check
from .models import (
    Adjustment,
    AdjustmentRequest,
    CoordinationGrain,
    Envelope,
    Funding,
    Project,
    ProjectRole,
)

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


def _envelope_amount(envelope_id: int) -> Decimal:
    total = Adjustment.objects.filter(envelope_id=envelope_id).aggregate(t=Sum("delta"))["t"]
    return total or ZERO


def _envelope_distributed(envelope_id: int) -> Decimal:
    from retributions.models import RetributionRun

    total = RetributionRun.objects.filter(
        envelope_id=envelope_id, status=RetributionRun.Status.APPROVED).aggregate(
        t=Sum("distributed"))["t"]
    return total or ZERO


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


# --- Adjustment requests ---------------------------------------------------------------------

def _envelope_url(envelope: Envelope) -> str:
    return settings.SITE_URL + reverse("projects:envelope_detail", args=[envelope.pk])


@transaction.atomic
def adjustment_request_create(*, envelope: Envelope, requested_by: Member, delta,
                              work_estimate: str, reason: str) -> AdjustmentRequest:
    """A team member proposes to adjust an envelope; the project's pilots are emailed."""
    project = _lock_project(envelope.project_id)
    is_team = ProjectRole.objects.filter(project=project, member=requested_by).exists()
    if not (is_team or requested_by.is_coordinator):
        raise PermissionDenied
    delta = _money(delta, "delta")
    errors = {}
    if delta == 0:
        errors["delta"] = [_("Indiquez un montant différent de 0 €.")]
    if not (work_estimate or "").strip():
        errors["work_estimate"] = [_("Estimez le travail : combien d'heures, pour quoi ?")]
    if not (reason or "").strip():
        errors["reason"] = [_("Indiquez le motif de la demande.")]
    check_length((work_estimate or "").strip(), limits.WORK_ESTIMATE, "work_estimate",
                 lambda name, message: errors.setdefault(name, []).append(message))
    check_length((reason or "").strip(), limits.REASON, "reason",
                 lambda name, message: errors.setdefault(name, []).append(message))
    if errors:
        raise ValidationError(errors)
    request = AdjustmentRequest.objects.create(
        envelope=envelope, requested_by=requested_by, delta=delta,
        work_estimate=work_estimate.strip(), reason=reason.strip())
    audit_record(actor=requested_by.user, action=AuditEvent.Action.ADJUSTMENT_REQUESTED,
                 obj=request, project=project, reason=request.reason,
                 data={"envelope": envelope.pk, "delta": str(delta)})
    pilots = list(Member.objects.filter(
        project_roles__project=project, project_roles__role=ProjectRole.Role.PILOT)
        .exclude(pk=requested_by.pk).values_list("user__email", flat=True))
    if pilots:
        body = render_to_string("emails/projects_request_created.txt", {
            "request": request, "envelope": envelope, "project": project,
            "link": _envelope_url(envelope)})
        subject = _("Demande d'ajustement : %(envelope)s (%(project)s)") % {
            "envelope": envelope.name, "project": project.name}
        send_email.delay_on_commit(subject, body, pilots)
    return request


@transaction.atomic
def adjustment_request_decide(*, request: AdjustmentRequest, decided_by: Member, accept: bool,
                              comment: str = "") -> AdjustmentRequest:
    """Accept (the request becomes an adjustment, through :func:`envelope_adjust`, so every
    budget rule holds) or decline with a comment. The requester is emailed either way."""
    project = _lock_project(request.envelope.project_id)
    request = AdjustmentRequest.objects.select_for_update().select_related(
        "envelope", "requested_by__user").get(pk=request.pk)
    if request.status != AdjustmentRequest.Status.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Expliquez le refus à la personne qui a fait la "
                                            "demande.")})
    too_long = length_error(comment, limits.COMMENT)
    if too_long:
        raise ValidationError({"comment": too_long})
    if accept:
        reason = _("Demande de %(who)s acceptée : %(reason)s") % {
            "who": request.requested_by.full_name, "reason": request.reason}
        if comment:
            reason += f" — {comment}"
        # The full texts stay on the request; the adjustment's reason quotes them within
        # the one limit every reason has.
        reason = Truncator(reason).chars(limits.REASON)
        envelope_adjust(envelope=request.envelope, delta=request.delta, reason=reason,
                        author=decided_by.user, request=request)
    request.status = (AdjustmentRequest.Status.ACCEPTED if accept
                      else AdjustmentRequest.Status.DECLINED)
    request.decided_by = decided_by
    request.decision_comment = comment
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decision_comment", "decided_at"])
    audit_record(actor=decided_by.user, action=AuditEvent.Action.ADJUSTMENT_DECIDED,
                 obj=request, project=project, reason=comment,
                 data={"status": request.status, "delta": str(request.delta)})
    body = render_to_string("emails/projects_request_decided.txt", {
        "request": request, "envelope": request.envelope, "project": project,
        "link": _envelope_url(request.envelope)})
    subject = _("Votre demande d'ajustement : %(status)s") % {
        "status": request.get_status_display().lower()}
    send_email.delay_on_commit(subject, body, [request.requested_by.user.email])
    return request


# --- Coordination grains ---------------------------------------------------------------------

@transaction.atomic
def grain_create(*, author, member: Member, field: FieldOfAction, project: Project,
                 envelope: Envelope, start, end,
                 mode: str = CoordinationGrain.Mode.CONTRIBUTIVE,
                 yearly_cost: Decimal | None = None,
                 fte_drive: Decimal = CoordinationGrain.DRIVE_FTE,
                 fte_contribute: Decimal = CoordinationGrain.CONTRIBUTE_FTE) -> CoordinationGrain:
    """A coordinator gives ``member`` a 0.3-FTE grain (0.2 driving ``project`` + 0.1 to
    contribute elsewhere) on ``field`` for a period, paid from ``envelope`` of ``project``.
    A member may hold several grains (several fields or periods)."""
    author_member = getattr(author, "member", None)
    if not (author_member and author_member.is_coordinator):
        raise PermissionDenied
    project = _lock_project(project.pk)
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if (Decimal(str(fte_drive)) != CoordinationGrain.DRIVE_FTE
            or Decimal(str(fte_contribute)) != CoordinationGrain.CONTRIBUTE_FTE):
        add("fte_drive", _("Un grain de coordination vaut 0,3 ETP : 0,2 pour piloter un projet "
                           "et 0,1 pour contribuer ailleurs."))
    if start and end and end <= start:
        add("end", _("La fin doit être après le début."))
    if start and start < field.start:
        add("start", _("Le grain ne peut pas commencer avant le champ d'action « %(field)s » "
                       "(%(date)s).") % {"field": field.name,
                                        "date": field.start.strftime("%d/%m/%Y")})
    if end and field.end and end > field.end:
        add("end", _("Le grain ne peut pas finir après le champ d'action « %(field)s » "
                     "(%(date)s).") % {"field": field.name, "date": field.end.strftime("%d/%m/%Y")})
    if envelope.project_id != project.pk:
        add("envelope", _("L'enveloppe qui paie le grain doit appartenir au projet piloté "
                          "(« %(project)s »).") % {"project": project.name})
    Member.objects.select_for_update().filter(pk=member.pk).first()  # one grain at a time
    grain_holder_check(member=member, field=field, project=project, start=start, end=end, add=add)
    if mode == CoordinationGrain.Mode.SALARIED and not yearly_cost:
        add("yearly_cost", _("Un grain salarié a un coût annuel."))
    if yearly_cost is not None and yearly_cost < 0:
        add("yearly_cost", _("Le coût annuel ne peut pas être négatif."))
    if errors:
        raise ValidationError(errors)
    grain = CoordinationGrain(member=member, field=field, project=project, envelope=envelope,
                              start=start, end=end, mode=mode,
                              yearly_cost=yearly_cost if mode == CoordinationGrain.Mode.SALARIED
                              else None,
                              fte_drive=CoordinationGrain.DRIVE_FTE,
                              fte_contribute=CoordinationGrain.CONTRIBUTE_FTE)
    grain.full_clean()
    grain.save()
    audit_record(actor=author, action=AuditEvent.Action.GRAIN_CREATED, obj=grain, project=project,
                 data={"member": member.pk, "field": field.pk, "envelope": envelope.pk,
                       "start": start.isoformat(), "end": end.isoformat(), "mode": mode})
    return grain
