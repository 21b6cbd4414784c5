"""Starting a run, recomputing it, cancelling it, and a member's preference for one run."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent, Member, Preference
from contribbudget.money import format_date
from contribbudget.periods import check_period
from contribbudget.services import audit_record
from projects.models import Envelope

from ... import selectors_runs as sel
from ...models import RetributionRun
from .computing import STEPS, Status, enqueue_compute

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
                           "start": format_date(other.period_start),
                           "end": format_date(other.period_end)})


def _check_period(start: datetime.date | None, end: datetime.date | None) -> None:
    """A run (or a smoothing round, or its request) needs both dates, in order."""
    check_period(start, end, required=True)


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
            "envelope": envelope.name, "start": format_date(period_start),
            "end": format_date(period_end)})
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
    left ``computing`` by a lost worker. The pilot's overrides are carried over
    (retributions.override_carry)."""
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

