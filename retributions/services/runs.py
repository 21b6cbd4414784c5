"""Retribution runs: start, compute (in a Celery task), override a line, approve, recompute,
and each member's preference for one run (DESIGN.md §4, issue #5).

Life of a run: ``queued`` → ``computing`` → ``draft`` → ``approved`` (or ``failed`` /
``cancelled``). How the jobs stay correct:

- :func:`run_compute` claims the run with a conditional ``UPDATE … WHERE status IN (queued,
  computing)`` that writes a fresh claim token in ``task_id`` (``computing`` is claimable
  again, so a message re-delivered after a worker was killed, or a retry, takes over). It
  then writes the lines in ONE transaction, after ``SELECT … FOR UPDATE`` on the run and a
  check that its claim is still the current one: of two concurrent computes of one run, the
  one that lost the claim writes nothing; and the unique constraint (run, member) makes a
  second set of lines impossible anyway.
- :func:`run_approve` locks the project then the run, so a double click approves once (the
  second call finds the run approved and returns it); it refuses a run whose inputs changed
  since it was computed (fingerprint) or that distributes more than is available.
- Surplus (DESIGN.md §4): on approval the envelope's surplus policy decides where
  ``available − distributed`` goes. ``carry`` keeps it in the envelope. ``commons`` and
  ``reserve`` move it, as a transfer (two linked adjustments), to the project's commons or
  smoothing-reserve envelope — created, empty, if the project has none — so every envelope's
  available amount stays ``adjustments − approved runs`` and the reserve that smoothing rounds
  draw from is simply the reserve envelope's available amount. ``split`` sends
  ``surplus_commons_percent`` % (half-up to the cent) to the commons, the rest to the reserve.
  Each destination is also written as a :class:`LedgerEntry`.

Rules that need per-member inputs (peer points, requests, manual amounts) read them from
``run.parameters`` (``{"points": {member_id: "40"}, "requests": {…}, "manual": {…}}``); without
them the shares are zero and the pilot sets them with line overrides (with a reason).
"""
from __future__ import annotations

import datetime
import os
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent, Member, NetworkSettings, Preference
from contribbudget.money import ZERO, format_hours, format_money
from contribbudget.services import audit_record
from contributions.models import Contribution
from projects.models import Adjustment, Envelope, Project

from .. import engine
from .. import selectors_runs as sel
from ..models import LedgerEntry, RetributionLine, RetributionRun
from ..overrides import carry_over, previous_overrides
from ..run_rules import approval_refusal, line_override_refusal

Status = RetributionRun.Status
Progress = Callable[[int, int], None]

ENGINE_PREFERENCE = {
    Preference.MONEY_SELF: "money", Preference.MONEY_PLACE: "money",
    Preference.SYMBOLIC: "symbolic", Preference.VOLUNTEER: "volunteer",
}
KIND_LABELS = dict(Contribution.Kind.choices)
# Steps reported while computing: gather the hours, compute the shares, write the lines.
STEPS = 3


def enqueue_compute(run: RetributionRun) -> None:
    """Send the compute task once the current transaction commits (the worker must see the
    run). Module-level so a test can replace it."""
    from ..tasks.runs import compute_run

    compute_run.delay_on_commit(run.pk)


def _member_id_key(member_id: int) -> str:
    """Engine ids: zero-padded so the engine's tie-break (ascending string) follows the pk."""
    return f"{member_id:010d}"


# --- Start ---------------------------------------------------------------------------------

def _refuse_open_overlap(envelope: Envelope, kind: str, start: datetime.date,
                         end: datetime.date, exclude_pk: int | None = None) -> None:
    others = RetributionRun.objects.filter(
        envelope=envelope, kind=kind, status__in=RetributionRun.OPEN_STATUSES,
        period_start__lte=end, period_end__gte=start)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is not None:
        raise ValidationError(_(
            "Un calcul de cette enveloppe pour une période qui chevauche celle-ci est déjà "
            "ouvert (%(status)s, du %(start)s au %(end)s) : approuvez-le ou abandonnez-le "
            "d'abord.") % {"status": other.get_status_display().lower(),
                           "start": other.period_start.strftime("%d/%m/%Y"),
                           "end": other.period_end.strftime("%d/%m/%Y")})


def _check_period(start: datetime.date | None, end: datetime.date | None) -> None:
    if start is None or end is None:
        raise ValidationError({"period_start": _("Indiquez le début et la fin de la période.")})
    if end < start:
        raise ValidationError({"period_end": _("La fin de la période précède son début.")})


@transaction.atomic
def run_create(*, actor, envelope: Envelope, period_start: datetime.date,
               period_end: datetime.date, parameters: dict | None = None) -> RetributionRun:
    """Queue a regular run of ``envelope`` over a period; the compute task starts after commit.

    Refused: a reserve envelope (use a smoothing round), a period without validated work to
    retribute, and a period overlapping another open run of the envelope."""
    _check_period(period_start, period_end)
    Envelope.objects.select_for_update().filter(pk=envelope.pk).first()  # serialise starts
    if envelope.kind == Envelope.Kind.RESERVE:
        raise ValidationError({"envelope": _(
            "La réserve de lissage se distribue par un tour de lissage, pas par un calcul.")})
    if not sel.has_validated_work(envelope, period_start, period_end):
        raise ValidationError(_(
            "Aucune contribution validée et pas encore rétribuée sur « %(envelope)s » entre le "
            "%(start)s et le %(end)s : il n'y a rien à rétribuer.") % {
            "envelope": envelope.name, "start": period_start.strftime("%d/%m/%Y"),
            "end": period_end.strftime("%d/%m/%Y")})
    _refuse_open_overlap(envelope, RetributionRun.Kind.REGULAR, period_start, period_end)
    run = _insert_run(actor=actor, envelope=envelope, kind=RetributionRun.Kind.REGULAR,
                      period_start=period_start, period_end=period_end,
                      parameters=parameters or {})
    enqueue_compute(run)
    return run


def _insert_run(*, actor, envelope: Envelope, kind: str, period_start, period_end,
                parameters: dict, rule: str | None = None) -> RetributionRun:
    try:
        with transaction.atomic():
            run = RetributionRun.objects.create(
                envelope=envelope, kind=kind, period_start=period_start, period_end=period_end,
                rule=rule or envelope.rule, parameters=parameters, created_by=actor,
                progress_total=STEPS)
    except IntegrityError as exc:  # run_one_open_per_envelope_period: a concurrent start won
        raise ValidationError(_("Un calcul de cette enveloppe pour cette période est déjà "
                                "ouvert.")) from exc
    audit_record(actor=actor, action=AuditEvent.Action.RUN_STARTED, obj=run,
                 project=envelope.project,
                 data={"envelope": envelope.pk, "kind": kind,
                       "period": [period_start.isoformat(), period_end.isoformat()]})
    return run


# --- Compute -------------------------------------------------------------------------------

def _claim(run_id: int, token: str) -> bool:
    """Conditional UPDATE: only a queued run, or one left ``computing`` by a lost worker."""
    return bool(RetributionRun.objects
                .filter(pk=run_id, status__in=[Status.QUEUED, Status.COMPUTING])
                .update(status=Status.COMPUTING, task_id=token, progress_done=0,
                        progress_total=STEPS, error=""))


def _report(run_id: int, token: str, done: int, progress: Progress | None) -> None:
    RetributionRun.objects.filter(pk=run_id, task_id=token).update(progress_done=done)
    if progress is not None:
        progress(done, STEPS)
    delay = os.environ.get("CONTRIBBUDGET_TEST_TASK_DELAY")
    if delay:  # test-only: lets the kill -9 test catch a worker in the middle of a compute
        time.sleep(int(delay))  # whole seconds


def _gather(run: RetributionRun) -> list[sel.MemberHours]:
    envelope = run.envelope
    if run.kind == RetributionRun.Kind.SMOOTHING:
        ids = list(run.selected_members.values_list("pk", flat=True))
        return sel.smoothing_member_hours(envelope=envelope, period_start=run.period_start,
                                          period_end=run.period_end, member_ids=ids)
    return sel.run_member_hours(envelope=envelope, period_start=run.period_start,
                                period_end=run.period_end)


def _member_preference(member: Member, parameters: dict) -> tuple[str, str]:
    chosen = (parameters.get("preferences") or {}).get(str(member.pk))
    if chosen:
        return chosen["preference"], chosen.get("symbolic_text", "")
    return member.preference, member.symbolic_text


def _explanation(run: RetributionRun, row: sel.MemberHours, share: engine.Share,
                 preference: str, outlier: Decimal | None, rule: str) -> str:
    """Why this line: the rule, the weighting, a cap reached, a declined share, an outlier.
    ``rule`` is the rule's label, computed once per run (a display lookup per line cost a
    quarter of a 1,000-line compute)."""
    envelope = run.envelope
    parts = [_("%(weighted)s pondérées sur %(hours)s") % {
        "weighted": format_hours(row.weighted), "hours": format_hours(row.hours)}]
    if run.rule == "time_rate":
        parts.append(_("au temps passé : %(h)s ÷ %(hpd)s h × %(rate)s") % {
            "h": format_hours(row.weighted), "hpd": envelope.hours_per_day.normalize(),
            "rate": format_money(envelope.daily_rate)})
    elif run.rule == "balanced":
        parts.append(_("lissage : déjà perçu %(earned)s sur la période") % {
            "earned": format_money(row.earned)})
    else:
        parts.append(_("règle : %(rule)s") % {"rule": rule})
    if envelope.cap is not None and share.bound is not None and share.money >= envelope.cap:
        parts.append(_("plafond de %(cap)s atteint") % {"cap": format_money(envelope.cap)})
    if ENGINE_PREFERENCE.get(preference) != "money":
        parts.append(_("ne perçoit pas d'argent (%(pref)s) : heures valorisées seulement") % {
            "pref": Preference(preference).label.lower()})
    if outlier is not None:
        parts.append(_("⚠ coût journalier attendu %(rate)s, bien au-delà de la référence") % {
            "rate": format_money(outlier)})
    return " ; ".join(str(p) for p in parts) + "."


def _build_lines(run: RetributionRun, rows: list[sel.MemberHours],
                 available: Decimal) -> tuple[list[RetributionLine], engine.Result]:
    """Pure part of a compute, apart from one query loading the members."""
    envelope = run.envelope
    members = Member.objects.in_bulk([r.member_id for r in rows])
    parameters = run.parameters or {}
    points, requests, manual = (parameters.get(k) or {} for k in ("points", "requests", "manual"))
    inputs, preferences = [], {}
    for row in rows:
        member = members[row.member_id]
        preference, symbolic = _member_preference(member, parameters)
        preferences[row.member_id] = (preference, symbolic)
        key = str(row.member_id)
        inputs.append(engine.MemberInput(
            id=_member_id_key(row.member_id), hours=max(row.weighted, ZERO),
            preference=ENGINE_PREFERENCE.get(preference, "money"),
            points=Decimal(str(points.get(key, "0"))), request=Decimal(str(requests.get(key, "0"))),
            manual=Decimal(str(manual.get(key, "0"))), earned=row.earned))
    scenario = engine.Scenario(
        rule=run.rule, available=max(available, ZERO), members=tuple(inputs),
        daily_rate=envelope.daily_rate, hours_per_day=envelope.hours_per_day, cap=envelope.cap,
        declined_shares=envelope.declined_shares)
    result = engine.compute(scenario)
    shares = {s.id: s for s in result.shares}
    factor = NetworkSettings.load().daily_rate_outlier_factor
    rule_label = run.get_rule_display().lower()
    lines = []
    for row in rows:
        member = members[row.member_id]
        share = shares[_member_id_key(row.member_id)]
        preference, symbolic = preferences[row.member_id]
        takes_money = ENGINE_PREFERENCE.get(preference) == "money"
        if not takes_money:
            payee, place = RetributionLine.Payee.NONE, None
        elif preference == Preference.MONEY_PLACE and member.home_place_id:
            payee, place = RetributionLine.Payee.PLACE, member.home_place_id
        else:
            payee, place = RetributionLine.Payee.SELF, None
        non_financial = ""
        if preference == Preference.SYMBOLIC:
            non_financial = symbolic or _("Rétribution symbolique")
        elif preference == Preference.VOLUNTEER:
            non_financial = _("Bénévole")
        rate = member.expected_daily_rate
        outlier = rate if rate is not None and rate > envelope.daily_rate * factor else None
        lines.append(RetributionLine(
            run=run, member=member, hours=row.hours, weighted_hours=row.weighted,
            hours_by_kind={k: str(v) for k, v in row.by_kind.items()},
            valued=share.valued, computed_money=share.money, money=share.money,
            preference=preference, payee=payee, payee_place_id=place,
            non_financial=non_financial[:200],
            explanation=_explanation(run, row, share, preference, outlier, rule_label)))
    return lines, result


def run_compute(*, run_id: int, token: str = "", progress: Progress | None = None
                ) -> RetributionRun | None:
    """Compute a run's lines (called by the task). Returns the run, or None when another
    compute owns it or it is no longer open (nothing is written then).

    Not atomic as a whole: the claim and the progress are committed as they happen so the
    browser sees them; the lines are written in one transaction at the end."""
    # Unique per execution, even for a message delivered twice (same Celery task id).
    token = f"{uuid.uuid4().hex[:12]}-{token}"[:64] if token else uuid.uuid4().hex
    if not _claim(run_id, token):
        return None
    run = RetributionRun.objects.select_related("envelope__project").get(pk=run_id)
    rows = _gather(run)
    _report(run_id, token, 1, progress)
    fingerprint = sel.inputs_fingerprint(run.envelope, rows, run.parameters or {})
    available = sel.envelope_available(run.envelope_id)
    if not rows:
        _fail(run_id, token, _("Plus aucune contribution validée à rétribuer sur cette "
                               "période : le calcul est vide."))
        return RetributionRun.objects.get(pk=run_id)
    try:
        lines, result = _build_lines(run, rows, available)
    except engine.EngineInputError as exc:
        _fail(run_id, token, str(exc))
        return RetributionRun.objects.get(pk=run_id)
    _report(run_id, token, 2, progress)
    with transaction.atomic():
        locked = RetributionRun.objects.select_for_update().filter(pk=run_id).first()
        if locked is None or locked.status != Status.COMPUTING or locked.task_id != token:
            return None  # a newer claim, a recompute or a cancel took the run over
        # The pilot's overrides survive the recompute (or are named if they cannot).
        distributed, carried = carry_over(lines, previous_overrides(run_id), max(available, ZERO))
        RetributionLine.objects.filter(run_id=run_id).delete()
        RetributionLine.objects.bulk_create(lines, batch_size=1000)
        locked.status = Status.DRAFT
        locked.available = max(available, ZERO)
        locked.distributed = distributed
        locked.surplus = result.surplus + result.distributed - distributed
        locked.carried_overrides = carried if carried["kept"] or carried["dropped"] else {}
        locked.inputs_fingerprint = fingerprint
        locked.progress_done = STEPS
        locked.computed_at = timezone.now()
        locked.save(update_fields=["status", "available", "distributed", "surplus",
                                   "inputs_fingerprint", "progress_done", "computed_at",
                                   "carried_overrides"])
    if progress is not None:
        progress(STEPS, STEPS)
    return locked


def _fail(run_id: int, token: str, message: str) -> None:
    RetributionRun.objects.filter(pk=run_id, task_id=token, status=Status.COMPUTING).update(
        status=Status.FAILED, error=message)


def run_mark_failed(*, run_id: int, message: str) -> None:
    """The task's last resort (an unexpected error): the run shows it and can be retried."""
    RetributionRun.objects.filter(pk=run_id, status__in=[Status.QUEUED, Status.COMPUTING]
                                  ).update(status=Status.FAILED, error=message[:2000])


# --- Recompute, cancel, per-run preference --------------------------------------------------

def _requeue(run: RetributionRun) -> RetributionRun:
    """Back to queued (any running compute then loses its claim) and enqueue a compute."""
    if run.status == Status.FAILED:
        _refuse_open_overlap(run.envelope, run.kind, run.period_start, run.period_end,
                             exclude_pk=run.pk)
    run.status = Status.QUEUED
    run.progress_done = 0
    run.error = ""
    run.task_id = ""
    try:
        with transaction.atomic():
            run.save(update_fields=["status", "progress_done", "error", "task_id"])
    except IntegrityError as exc:
        raise ValidationError(_("Un autre calcul de cette enveloppe pour cette période est "
                                "déjà ouvert.")) from exc
    enqueue_compute(run)
    return run


def _lock_run(run: RetributionRun) -> RetributionRun:
    return (RetributionRun.objects.select_for_update().select_related("envelope__project")
            .get(pk=run.pk))


@transaction.atomic
def run_recompute(*, actor, run: RetributionRun) -> RetributionRun:
    """Compute a draft again (its inputs changed), retry a failed run, or re-queue a run
    left ``computing`` by a lost worker. The pilot's overrides are carried over."""
    run = _lock_run(run)
    if run.status not in (Status.DRAFT, Status.FAILED, Status.COMPUTING, Status.QUEUED):
        raise ValidationError(_("Ce calcul est %(status)s : il ne peut plus être recalculé.")
                              % {"status": run.get_status_display().lower()})
    audit_record(actor=actor, action=AuditEvent.Action.RUN_RECOMPUTED, obj=run,
                 project=run.envelope.project, data={"from": run.status})
    return _requeue(run)


@transaction.atomic
def run_cancel(*, actor, run: RetributionRun) -> RetributionRun:
    """Abandon an open run (its lines stay for the record; nothing was retributed)."""
    run = _lock_run(run)
    if run.status not in RetributionRun.OPEN_STATUSES and run.status != Status.FAILED:
        raise ValidationError(_("Seul un calcul non approuvé peut être abandonné."))
    previous = run.status
    run.status = Status.CANCELLED
    run.task_id = ""
    run.save(update_fields=["status", "task_id"])
    audit_record(actor=actor, action=AuditEvent.Action.RUN_CANCELLED, obj=run,
                 project=run.envelope.project, data={"from": previous})
    return run


@transaction.atomic
def run_preference_set(*, member: Member, run: RetributionRun, preference: str,
                       symbolic_text: str = "") -> RetributionRun:
    """A member changes their retribution preference for one run, before it is approved.
    Shares of the others depend on it (re-spread), so the run is computed again."""
    run = _lock_run(run)
    if run.status not in RetributionRun.OPEN_STATUSES:
        raise ValidationError(_("Ce calcul est déjà %(status)s : votre préférence ne peut plus "
                                "changer.") % {"status": run.get_status_display().lower()})
    if not run.lines.filter(member=member).exists():
        raise ValidationError(_("Vous n'avez pas de part dans ce calcul."))
    if preference not in Preference.values:
        raise ValidationError({"preference": _("Choisissez une préférence.")})
    if preference == Preference.MONEY_PLACE and member.home_place_id is None:
        raise ValidationError({"preference": _(
            "Vous n'avez pas de lieu d'attache : la rétribution ne peut pas lui être versée.")})
    symbolic_text = (symbolic_text or "").strip()
    if preference == Preference.SYMBOLIC and not symbolic_text:
        raise ValidationError({"symbolic_text": _(
            "Dites quelle rétribution symbolique vous souhaitez.")})
    parameters = dict(run.parameters or {})
    parameters["preferences"] = {**(parameters.get("preferences") or {}),
                                 str(member.pk): {"preference": preference,
                                                  "symbolic_text": symbolic_text[:200]}}
    run.parameters = parameters
    run.save(update_fields=["parameters"])
    audit_record(actor=member.user, action=AuditEvent.Action.RUN_PREFERENCE_SET, obj=run,
                 project=run.envelope.project,
                 data={"member": member.pk, "preference": preference})
    return _requeue(run)


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
        "start": run.period_start.strftime("%d/%m/%Y"), "end": run.period_end.strftime("%d/%m/%Y")}
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
        # One UPDATE … WHERE: the rows the fingerprint just confirmed.
        retributed = sel.run_contributions(envelope, run.period_start, run.period_end).update(
            status=Contribution.Status.RETRIBUTED, retributed_in=run, updated_at=now)
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
    return run


