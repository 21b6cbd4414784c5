"""Maintained hours totals (contributions/models_totals.py): create, rebuild, suspend.

The triggers keep the totals exact on every write, so ordinary code (forms, services,
imports with ``bulk_create``) calls nothing here. Two callers do:

* a bulk loader of millions of rows (``seed_scale``) wraps its load in :func:`bulk_load`,
  which drops the per-row triggers, and rebuilds both tables once at the end;
* anyone who wrote contributions with the triggers off calls :func:`rebuild_all`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from . import totals_sql


def _run(statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_triggers() -> None:
    if connection.vendor == "postgresql":
        _run([totals_sql.POSTGRES_DROP, totals_sql.POSTGRES_CREATE])
    else:
        _run(totals_sql.SQLITE_DROP + totals_sql.SQLITE_CREATE)


def drop_triggers() -> None:
    _run([totals_sql.POSTGRES_DROP] if connection.vendor == "postgresql" else totals_sql.SQLITE_DROP)


def rebuild_all() -> None:
    """Recompute both totals tables from the contributions (one transaction; a lock on the
    contributions' writes meanwhile on PostgreSQL, so no write falls between the two)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _run(["LOCK TABLE contributions_contribution IN SHARE MODE"])
        _run(totals_sql.rebuild_statements(connection.vendor))
        if connection.vendor == "postgresql":
            # Fresh statistics, else the planner takes the new rows for a few and picks
            # bitmap scans over the whole table (measured: overview 307 ms → 43 ms).
            _run([f"ANALYZE {totals_sql.ENVELOPE_TOTAL}", f"ANALYZE {totals_sql.MEMBER_TOTAL}"])
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # And a visibility map, so reads are index-only and their estimated cost stays
        # under PostgreSQL's JIT threshold (the overview: 374 ms of JIT compiling on a
        # 33 ms query before; autovacuum keeps it so afterwards).
        _run([f"VACUUM {totals_sql.ENVELOPE_TOTAL}", f"VACUUM {totals_sql.MEMBER_TOTAL}"])


@contextmanager
def bulk_load() -> Iterator[None]:
    """Load contributions without per-row trigger work, then rebuild the totals once."""
    drop_triggers()
    try:
        yield
    finally:
        install_triggers()
        rebuild_all()
