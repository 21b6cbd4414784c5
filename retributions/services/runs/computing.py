"""Computing a run: claim it, gather the hours, call the engine, write the lines in one
transaction; and ``compute_run``, the task that does it in a worker.

The task is defined here, beside its service (the seam every app uses, as pretix does: see
the README's layering): ``enqueue_compute`` sends it without importing a task module, and
``retributions.tasks.runs`` only re-exports it so Celery's autodiscovery registers it.

``acks_late`` and ``reject_on_worker_lost`` (settings) re-deliver the message of a worker
killed mid-compute; the claim lets that re-delivery (or a retry from the run's page) take the
run over, and the final transaction writes exactly one set of lines.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contribbudget.models import Member, NetworkSettings, Preference
from contribbudget.money import ZERO
from contributions.models import Contribution

from ... import engine
from ... import explanations as explain
from ... import selectors_runs as sel
from ...models import RetributionLine, RetributionRun
from ...override_carry import carry_over, previous_overrides

Status = RetributionRun.Status
Progress = Callable[[int, int], None]

ENGINE_PREFERENCE: dict[str, str] = {
    Preference.MONEY_SELF: "money", Preference.MONEY_PLACE: "money",
    Preference.SYMBOLIC: "symbolic", Preference.VOLUNTEER: "volunteer",
}
KIND_LABELS = dict(Contribution.Kind.choices)
# Steps reported while computing: gather the hours, compute the shares, write the lines.
STEPS = 3


def enqueue_compute(run: RetributionRun) -> None:
    """Send the compute task once the current transaction commits (the worker must see the
    run)."""
    compute_run.delay_on_commit(run.pk)  # type: ignore[attr-defined]  # celery-types lacks delay_on_commit (Celery ≥ 5.4)


def _member_id_key(member_id: int) -> str:
    """Engine ids: zero-padded so the engine's tie-break (ascending string) follows the pk."""
    return f"{member_id:010d}"


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


def _gather(run: RetributionRun) -> list[sel.MemberHours]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One GROUP BY over up to a million rows: sorted in memory rather than in temp
            # files (4 MB by default), and not JIT-compiled (~150 ms of LLVM for one query).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        return _gather_rows(run)


def _gather_rows(run: RetributionRun) -> list[sel.MemberHours]:
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
                 preference: str, outlier: Decimal | None) -> list:
    """Why this line: the rule, the weighting, a cap reached, a declined share, an outlier —
    as parts rendered in the reader's language when shown (retributions.explanations)."""
    envelope = run.envelope
    parts = [explain.part("weighted", weighted=("hours", row.weighted), hours=("hours", row.hours))]
    if run.rule == "time_rate":
        parts.append(explain.part("time_rate", h=("hours", row.weighted),
                                  hpd=("number", envelope.hours_per_day),
                                  rate=("money", envelope.daily_rate)))
    elif run.rule == "balanced":
        parts.append(explain.part("balanced", earned=("money", row.earned)))
    else:
        parts.append(explain.part("rule", rule=("rule", run.rule)))
    if envelope.cap is not None and share.bound is not None and share.money >= envelope.cap:
        parts.append(explain.part("cap", cap=("money", envelope.cap)))
    if ENGINE_PREFERENCE.get(preference) != "money":
        parts.append(explain.part("no_money", pref=("preference", preference)))
    if outlier is not None:
        parts.append(explain.part("outlier", rate=("money", outlier)))
    return parts


def _build_lines(run: RetributionRun, rows: list[sel.MemberHours],
                 available: Decimal) -> tuple[list[RetributionLine], engine.Result]:
    """Pure part of a compute, apart from one query loading the members."""
    envelope = run.envelope
    # Only what a line needs: 10,000 full members (IBAN, addresses…) cost more than the engine.
    members = Member.objects.only("pk", "preference", "symbolic_text", "home_place_id",
                                  "expected_daily_rate").in_bulk([r.member_id for r in rows])
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
    # In the language of whoever computes, as before (the explanations below are French).
    labels = (_("Rétribution symbolique"), _("Bénévole"))
    with explain.batch("fr") as render:
        lines = [_line(run, row, members[row.member_id], shares[_member_id_key(row.member_id)],
                       preferences[row.member_id], factor, render, labels) for row in rows]
    return lines, result


def _line(run: RetributionRun, row: sel.MemberHours, member: Member, share: engine.Share,
          chosen: tuple[str, str], factor: Decimal, render: Callable[[list], str],
          labels: tuple[str, str]) -> RetributionLine:
    """One member's line: payee, what they get instead of money, and why."""
    envelope = run.envelope
    preference, symbolic = chosen
    takes_money = ENGINE_PREFERENCE.get(preference) == "money"
    if not takes_money:
        payee, place = RetributionLine.Payee.NONE, None
    elif preference == Preference.MONEY_PLACE and member.home_place_id:
        payee, place = RetributionLine.Payee.PLACE, member.home_place_id
    else:
        payee, place = RetributionLine.Payee.SELF, None
    non_financial = ""
    if preference == Preference.SYMBOLIC:
        non_financial = symbolic or labels[0]
    elif preference == Preference.VOLUNTEER:
        non_financial = labels[1]
    rate = member.expected_daily_rate
    outlier = rate if rate is not None and rate > envelope.daily_rate * factor else None
    why = _explanation(run, row, share, preference, outlier)
    return RetributionLine(
        run=run, member=member, hours=row.hours, weighted_hours=row.weighted,
        hours_by_kind={k: str(v) for k, v in row.by_kind.items()},
        valued=share.valued, computed_money=share.money, money=share.money,
        preference=preference, payee=payee, payee_place_id=place,
        non_financial=non_financial[:200],
        # The sentence for the record is French, whoever computes; pages and PDFs
        # render the parts in their reader's language.
        explanation=render(why), explanation_parts=why)


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
        _insert_lines(lines)
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


def _insert_lines(lines: list[RetributionLine]) -> None:
    """The lines in one statement: on PostgreSQL a COPY (10,000 lines in a third of the time
    of Django's INSERT, most of which is building its parameters in Python), each value
    prepared by its field as ``bulk_create`` would; elsewhere ``bulk_create``. The caller
    needs no primary keys back."""
    if connection.vendor != "postgresql" or not lines:
        RetributionLine.objects.bulk_create(lines)
        return
    fields = [f for f in RetributionLine._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(RetributionLine._meta.db_table)
    with connection.cursor() as cursor, \
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for line in lines:
            copy.write_row([f.get_db_prep_save(f.pre_save(line, True), connection)
                            for f in fields])


def _fail(run_id: int, token: str, message: str) -> None:
    RetributionRun.objects.filter(pk=run_id, task_id=token, status=Status.COMPUTING).update(
        status=Status.FAILED, error=message)


def run_mark_failed(*, run_id: int, message: str) -> None:
    """The task's last resort (an unexpected error): the run shows it and can be retried."""
    RetributionRun.objects.filter(pk=run_id, status__in=[Status.QUEUED, Status.COMPUTING]
                                  ).update(status=Status.FAILED, error=message[:2000])



@shared_task(name="retributions.tasks.compute_run", bind=True)
def compute_run(self, run_id: int) -> dict:
    """Thin: the run's id in, :func:`run_compute`, a JSON-safe status out. An unexpected
    error marks the run failed (it can be retried from its page) and is raised again."""

    def progress(done: int, total: int) -> None:
        if self.request.id and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    try:
        run = run_compute(run_id=run_id, token=self.request.id or "", progress=progress)
    except Exception as exc:
        run_mark_failed(run_id=run_id, message=f"{type(exc).__name__}: {exc}")
        raise
    if run is None:
        return {"run": run_id, "status": "skipped"}
    return {"run": run_id, "status": run.status}
