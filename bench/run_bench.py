"""Retribution run over ``--rows`` contributions (50,000) by ``--members`` members (1,000),
against the bare SQL ``SUM(hours) … GROUP BY member`` over the same rows (run inside Django,
on the bench DB). ``--rows 1000000 --members 10000`` is issue 15's federation run.

The envelope and its rows are created for the measure (inside PostgreSQL, no Python per row)
in a project of their own (``bench-run``, or ``bench-run-<rows>-<members>`` for another
size), with the members it lacks; then the run is created and computed end to end by the
same service the Celery task calls; the rows are left for the next bench run to reuse.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contribbudget.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from contribbudget.models import FieldOfAction, Member  # noqa: E402
from contributions import totals  # noqa: E402
from contributions.models import Contribution  # noqa: E402
from projects.models import Adjustment, Envelope, Funding, Project  # noqa: E402
from retributions.models import RetributionLine, RetributionRun  # noqa: E402
from retributions.services.runs import compute_run, run_compute, run_create  # noqa: E402

ROWS, MEMBERS = 50_000, 1_000


def ensure_members(n: int) -> list[int]:
    """The first ``n`` members' ids, creating the missing ones (``bench-member-<i>``)."""
    from django.contrib.auth import get_user_model

    missing = n - Member.objects.count()
    if missing > 0:
        users = get_user_model().objects.bulk_create([
            get_user_model()(username=f"bench-member-{i}@example.org", password="!",
                             email=f"bench-member-{i}@example.org") for i in range(missing)],
            batch_size=2000)
        Member.objects.bulk_create([Member(user=u, first_name=f"Bench{i}", last_name="Run")
                                    for i, u in enumerate(users)], batch_size=2000)
    return list(Member.objects.order_by("pk").values_list("pk", flat=True)[:n])


def bench_envelope(rows: int = ROWS, n_members: int = MEMBERS) -> Envelope:
    slug = "bench-run" if (rows, n_members) == (ROWS, MEMBERS) else f"bench-run-{rows}-{n_members}"
    project = Project.objects.filter(slug=slug).first()
    if project:
        return project.envelopes.get(kind="production")
    today = timezone.localdate()
    start = today.replace(year=today.year - 1)
    # The rows go in without the hours totals' per-row triggers (~0.2 ms a row); both totals
    # tables are rebuilt once after (contributions.totals.bulk_load).
    with totals.bulk_load(), transaction.atomic():
        field = FieldOfAction.objects.order_by("pk").first()
        project = Project.objects.create(field=field, name=f"Bench run {rows}", slug=slug,
                                         start=start, phase="production")
        Funding.objects.create(project=project, funder="Bench", reference="BENCH-RUN",
                               amount="10000000.00", start=start, end=today)
        envelope = Envelope.objects.create(project=project, name="Production", kind="production",
                                           daily_rate="250.00", rule="prorata")
        author = Member.objects.order_by("pk").first().user
        Adjustment.objects.create(envelope=envelope, delta="2000000.00", reason="Bench",
                                  author=author)
        member_ids = ensure_members(n_members)
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO contributions_contribution
                    (member_id, project_id, envelope_id, date, hours, kind, description,
                     deliverable_url, salaried, status, rejection_comment, coefficient_reason,
                     created_at, updated_at)
                SELECT (%(members)s::bigint[])[1 + (g %% %(n_members)s)], %(project)s, %(envelope)s,
                       %(start)s::date + (g / %(n_members)s) %% 300, (1 + (g / 7) %% 16) / 4.0,
                       (ARRAY['production','production','support','meeting','creative'])[1 + g %% 5],
                       'Bench', '', false, 'validated', '', '', now(), now()
                FROM generate_series(1, %(rows)s) AS g""",
                {"members": member_ids, "n_members": len(member_ids), "project": project.pk,
                 "envelope": envelope.pk, "start": start, "rows": rows})
        cursor = connection.cursor()
        cursor.execute("ANALYZE contributions_contribution")
    return envelope


def bare_sql(envelope: Envelope) -> float:
    best = None
    for _ in range(5):
        started = time.perf_counter()
        list(Contribution.objects.filter(envelope=envelope, status="validated")
             .values("member").annotate(total=Sum("hours")).order_by())
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def main() -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.run_bench")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--profile", action="store_true", help="cProfile of the compute (stderr)")
    args = parser.parse_args()
    envelope = bench_envelope(args.rows, args.members)
    baseline = bare_sql(envelope)
    # A fresh run each time: earlier draft runs of the bench are cancelled.
    RetributionRun.objects.filter(envelope=envelope, status__in=RetributionRun.OPEN_STATUSES) \
        .update(status="cancelled")
    today = timezone.localdate()
    actor = Member.objects.order_by("pk").first().user
    # Measure the compute itself below, not an eager one inside run_create.
    compute_run.delay_on_commit = lambda run_id: None
    started = time.perf_counter()
    run = run_create(actor=actor, envelope=envelope, period_start=today.replace(year=today.year - 1),
                     period_end=today)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with CaptureQueriesContext(connection) as queries:
        run_compute(run_id=run.pk)
    if profiler is not None:
        import pstats
        import sys

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    elapsed = time.perf_counter() - started
    run.refresh_from_db()
    lines = RetributionLine.objects.filter(run=run).count()
    return {
        "contributions": Contribution.objects.filter(envelope=envelope).count(),
        "members": lines,
        "status": run.status,
        "distributed": str(run.distributed),
        "run_seconds": round(elapsed, 3),
        "run_queries": len(queries),
        "baseline_sql_group_by_seconds": round(baseline, 4),
        "ratio": round(elapsed / baseline, 2) if baseline else None,
        "target": "≤ 5× the bare SQL aggregate and under 10 s; at 1 M rows by 10,000 members, "
                  "≤ 5 s (issue 15)",
        "meets_target": (elapsed <= 5 * baseline and elapsed < 10
                         and (args.rows < 1_000_000 or elapsed <= 5)),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
