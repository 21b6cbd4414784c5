"""Approving a run: the money leaves the envelope and the surplus goes where the policy says."""
from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent
from contribbudget.money import ZERO, format_date, format_money
from contribbudget.services import audit_record
from contributions import totals
from contributions.models import Contribution
from projects.models import Adjustment, Envelope, Project

from ... import engine
from ... import selectors_runs as sel
from ...models import LedgerEntry, RetributionRun
from ...run_rules import approval_refusal
from .. import invoicing
from .computing import Status, _gather
from .lifecycle import _lock_run

# --- Approve -------------------------------------------------------------------------------

def _fund_envelope(project: Project, kind: str) -> Envelope:
    """The project's commons or reserve envelope, created empty if it has none."""
    envelope = project.envelopes.filter(kind=kind).order_by("pk").first()
    if envelope is not None:
        return envelope
    name = str(Envelope.Kind(kind).label)
    rule = Envelope.Rule.BALANCED if kind == Envelope.Kind.RESERVE else Envelope.Rule.MANUAL
    if project.envelopes.filter(name=name).exists():
        name = f"{name} ({project.pk})"
    return Envelope.objects.create(project=project, name=name, kind=kind, rule=rule)


def _transfer(*, actor, source: Envelope, target: Envelope, amount: Decimal,
              run: RetributionRun) -> None:
    if amount <= 0 or source.pk == target.pk:
        return
    transfer = uuid.uuid4()
    reason = _("Excédent du calcul de rétribution du %(start)s au %(end)s") % {
        "start": format_date(run.period_start), "end": format_date(run.period_end)}
    Adjustment.objects.bulk_create([
        Adjustment(envelope=source, delta=-amount, reason=reason, author=actor,
                   transfer_id=transfer),
        Adjustment(envelope=target, delta=amount, reason=reason, author=actor,
                   transfer_id=transfer)])
    audit_record(actor=actor, action=AuditEvent.Action.ENVELOPE_TRANSFER, obj=source,
                 project=source.project, reason=reason,
                 data={"to": target.pk, "amount": str(amount), "run": run.pk})


def _surplus_split(envelope: Envelope, surplus: Decimal) -> dict[str, Decimal]:
    policy = envelope.surplus_policy
    if surplus <= 0:
        return {}
    if policy == Envelope.SurplusPolicy.COMMONS:
        return {LedgerEntry.Kind.COMMONS: surplus}
    if policy == Envelope.SurplusPolicy.RESERVE:
        return {LedgerEntry.Kind.RESERVE: surplus}
    if policy == Envelope.SurplusPolicy.SPLIT:
        commons = engine.round_half_up_cents(surplus * envelope.surplus_commons_percent / 100)
        return {k: v for k, v in ((LedgerEntry.Kind.COMMONS, commons),
                                  (LedgerEntry.Kind.RESERVE, surplus - commons)) if v > 0}
    return {LedgerEntry.Kind.CARRY: surplus}


@transaction.atomic
def run_approve(*, actor, run: RetributionRun) -> RetributionRun:
    """Approve a draft: in one transaction the run becomes immutable, its contributions
    become *retributed*, the envelope's available amount drops, the surplus goes where the
    envelope's policy says, and it is all audited. Approving an approved run returns it
    unchanged (double click)."""
    project = Project.objects.select_for_update().get(pk=run.envelope.project_id)
    run = _lock_run(run)
    if run.status == Status.APPROVED:
        return run
    if run.status != Status.DRAFT:
        raise ValidationError(_("Ce calcul est %(status)s : seul un brouillon s'approuve.")
                              % {"status": run.get_status_display().lower()})
    if refusal := approval_refusal(actor, run):
        # Nobody validates their own work (DESIGN.md §2): approving a run that pays you is
        # left to another pilot of the project or to the coordination.
        raise ValidationError(refusal)
    envelope = Envelope.objects.select_for_update().get(pk=run.envelope_id)
    rows = _gather(run)
    if sel.inputs_fingerprint(envelope, rows, run.parameters or {}) != run.inputs_fingerprint:
        raise ValidationError(_(
            "Les contributions ou les réglages de l'enveloppe ont changé depuis le calcul : "
            "recalculez-le avant de l'approuver."))
    distributed = run.lines.aggregate(t=Sum("money"))["t"] or ZERO
    available = sel.envelope_available(envelope.pk)
    if distributed > available:
        raise ValidationError(_(
            "Ce calcul distribue %(total)s mais l'enveloppe n'a plus que %(available)s "
            "disponibles.") % {"total": format_money(distributed),
                               "available": format_money(available)})
    surplus = available - distributed
    now = timezone.now()
    retributed = 0
    ledger = [LedgerEntry(run=run, project=project, kind=LedgerEntry.Kind.DISTRIBUTED,
                          amount=distributed, created_at=now)]
    if run.kind == RetributionRun.Kind.SMOOTHING:
        ledger.append(LedgerEntry(run=run, project=project, kind=LedgerEntry.Kind.RESERVE_DRAWN,
                                  amount=distributed, created_at=now))
        split = {}
    else:
        # One UPDATE … WHERE: the rows the fingerprint just confirmed; the hours totals move
        # once per key, not once per row through their triggers (~0.5 ms a row).
        retributed = totals.update_status_counted(
            sel.run_contributions(envelope, run.period_start, run.period_end),
            Contribution.Status.RETRIBUTED, retributed_in=run, updated_at=now)
        split = _surplus_split(envelope, surplus)
        ledger += [LedgerEntry(run=run, project=project, kind=k, amount=v, created_at=now)
                   for k, v in split.items()]
    run.status = Status.APPROVED
    run.distributed = distributed
    run.surplus = surplus
    run.available = available
    run.approved_by = actor
    run.approved_at = now
    run.save(update_fields=["status", "distributed", "surplus", "available", "approved_by",
                            "approved_at"])
    LedgerEntry.objects.bulk_create(ledger)
    for kind, target_kind in ((LedgerEntry.Kind.COMMONS, Envelope.Kind.COMMONS),
                              (LedgerEntry.Kind.RESERVE, Envelope.Kind.RESERVE)):
        if kind in split:
            _transfer(actor=actor, source=envelope, target=_fund_envelope(project, target_kind),
                      amount=split[kind], run=run)
    audit_record(actor=actor, action=AuditEvent.Action.RUN_APPROVED, obj=run, project=project,
                 data={"distributed": str(distributed), "surplus": str(surplus),
                       "contributions": retributed,
                       "ledger": {k: str(v) for k, v in split.items()}})
    # Payees under a self-billing mandate get their invoice in the same transaction.
    invoicing.invoices_issue_for_run(run=run)
    return run


