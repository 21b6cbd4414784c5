"""``seed_scale``'s bulk load, inside PostgreSQL: the contributions of ``demo.scale_plan``'s
plan and the lines of the approved runs, with no Python per row.

The plan (one row a (project, member): ~80,000 at 10 M contributions) goes in by COPY; one
``INSERT … SELECT`` expands it with ``generate_series``. ``setseed`` and a serial plan make
``random()`` reproducible. The secondary indexes are dropped before and rebuilt after (one
sorted build each is several times cheaper than 10 M insertions into nine B-trees), and the
foreign-key triggers are skipped when allowed: the references are valid by construction.
"""
from __future__ import annotations

import datetime

from .scale_plan import RECENT_DAYS, RECENT_SHARE, SLOTS_PER_DAY, Entry, spread

CONTRIBUTION_KINDS = ["production"] * 6 + ["support"] * 2 + ["coordination", "meeting", "creative"]
ENVELOPE_FOR_KIND = {"production": "production", "support": "support_com",
                     "coordination": "coordination", "meeting": "production",
                     "creative": "creative"}
# Settled work: 70 validated, 20 retributed (production only: the rest is validated, as its
# envelope has no approved run), 5 rejected, out of 95; the other 5 % are the recent drafts
# (2/5) and submitted work (3/5).
VALIDATED, RETRIBUTED = 70 / 95, 90 / 95
QUARTERS = 16  # a contribution lasts a quarter of an hour to 4 h (2 h on average)
TABLE = "contributions_contribution"


def skip_foreign_key_triggers(cursor) -> None:
    """Allowed to a superuser (as in benchmarks); otherwise the checks stay."""
    from django.db import transaction

    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except Exception:  # noqa: BLE001 - not a superuser: keep the checks
        pass


def drop_secondary_indexes(cursor) -> list[str]:
    """Drop the contribution table's indexes that back no constraint; return their DDL."""
    cursor.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND i.schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = (quote_ident(i.schemaname) || '.'
                                              || quote_ident(i.indexname))::regclass)
        ORDER BY i.indexname""", [TABLE])
    rows = cursor.fetchall()
    for name, _ in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [ddl for _, ddl in rows]


def create_indexes(cursor, ddl: list[str]) -> None:
    # 1 GB measured no faster at 10 M rows (119.5 s against 114.8 s, on a busy machine).
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for statement in ddl:
        cursor.execute(statement)


def copy_plan(cursor, entries: list[Entry], member_pks: list[int], project_pks: list[int],
              envelopes: dict[tuple[int, str], int], runs: dict[int, int]) -> None:
    """The plan as a temporary table: a row an entry, with the member's total, recent count and
    spreading multiplier, the envelope of each contribution kind and the project's run."""
    totals: dict[int, int] = {}
    for e in entries:
        totals[e.member] = totals.get(e.member, 0) + e.count
    cursor.execute("DROP TABLE IF EXISTS scale_plan")  # a second seed in one transaction (tests)
    cursor.execute("CREATE TEMP TABLE scale_plan (member_id bigint, project_id bigint, n int, "
                   "base int, total int, recent int, mult int, run_id bigint, "
                   "envelopes bigint[]) ON COMMIT DROP")
    with cursor.cursor.copy("COPY scale_plan FROM STDIN") as copy:
        for e in entries:
            project = project_pks[e.project]
            total = totals[e.member]
            copy.write_row((member_pks[e.member], project, e.count, e.base, total,
                            round(total * RECENT_SHARE), spread(total), runs[project],
                            [envelopes[(project, ENVELOPE_FOR_KIND[k])] for k in CONTRIBUTION_KINDS]))


def insert_contributions(cursor, today: datetime.date, span_days: int, seed: float) -> None:
    """Each member's contributions are ranked 0…total−1 (base + i, permuted by ``mult``); a
    rank is a slot (6 a day), distinct by construction, so no day exceeds 6 × 4 h: the first
    ``recent`` ranks are drafts and submitted work spread evenly over the last month, the
    others settled work placed by the age law span × u^0.7 over the older days."""
    kinds = "ARRAY[" + ",".join(f"'{k}'" for k in CONTRIBUTION_KINDS) + "]"
    productive = [i + 1 for i, k in enumerate(CONTRIBUTION_KINDS) if ENVELOPE_FOR_KIND[k] == "production"]
    recent_slots = RECENT_DAYS * SLOTS_PER_DAY
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    cursor.execute("SELECT setseed(%s)", [seed])
    cursor.execute(f"""
        INSERT INTO {TABLE}
            (member_id, project_id, envelope_id, date, hours, kind, description,
             deliverable_url, salaried, status, rejection_comment, coefficient_reason,
             retributed_in_id, created_at, updated_at)
        SELECT d.member_id, d.project_id, d.envelopes[d.k],
               %(today)s::date - (CASE WHEN d.r < d.recent
                                   THEN floor(d.r * {recent_slots}::float8 / d.recent)
                                   ELSE {recent_slots} + floor(%(settled_slots)s * power(
                                        (d.r - d.recent + 0.5::float8) / (d.total - d.recent), 0.7::float8))
                                   END)::int / {SLOTS_PER_DAY},
               d.quarters / 4.0, ({kinds})[d.k], 'Contribution générée', '', d.s %% 37 = 0,
               d.status, CASE WHEN d.status = 'rejected' THEN 'Hors périmètre' ELSE '' END, '',
               CASE WHEN d.status = 'retributed' THEN d.run_id END, now(), now()
        FROM (
            SELECT q.*, g.s, g.r, g.k, g.quarters,
                   CASE WHEN g.r < q.recent THEN CASE WHEN g.r %% 5 < 2 THEN 'draft' ELSE 'submitted' END
                        WHEN g.u < {VALIDATED} THEN 'validated'
                        WHEN g.u < {RETRIBUTED} THEN CASE WHEN g.k = ANY(%(productive)s)
                                                     THEN 'retributed' ELSE 'validated' END
                        ELSE 'rejected' END AS status
            FROM scale_plan q CROSS JOIN LATERAL (
                SELECT s, (s::bigint * q.mult) %% q.total AS r,
                       1 + floor(random() * {len(CONTRIBUTION_KINDS)})::int AS k,
                       random() AS u, 1 + floor(random() * {QUARTERS})::int AS quarters
                FROM generate_series(q.base, q.base + q.n - 1) AS s
                OFFSET 0  -- each random() drawn once a row, in this order
            ) g
        ) d
    """, {"today": today, "settled_slots": (span_days - RECENT_DAYS) * SLOTS_PER_DAY,
          "productive": productive})


def approved_run_lines(cursor, run_ids: list[int]) -> None:
    """The approved runs' lines, aggregated by the database, and their totals."""
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("""
        INSERT INTO retributions_retributionline
            (run_id, member_id, hours, weighted_hours, hours_by_kind, valued,
             computed_money, money, override_reason, preference, payee, non_financial,
             explanation, explanation_parts, payment_reference)
        SELECT c.retributed_in_id, c.member_id, SUM(c.hours), SUM(c.hours), '{}',
               ROUND(SUM(c.hours) * 250 / 7, 2), ROUND(SUM(c.hours) * 250 / 7, 2),
               ROUND(SUM(c.hours) * 250 / 7, 2), '', 'money_self', 'self', '', '', '[]', ''
        FROM contributions_contribution c
        WHERE c.retributed_in_id = ANY(%s)
        GROUP BY c.retributed_in_id, c.member_id""", [run_ids])
    cursor.execute("""
        UPDATE retributions_retributionrun r SET distributed = COALESCE(
            (SELECT SUM(money) FROM retributions_retributionline l WHERE l.run_id = r.id), 0)
        WHERE r.id = ANY(%s)""", [run_ids])
