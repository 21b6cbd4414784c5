"""Maintained hours totals (contributions/models_totals.py): create, rebuild, suspend.

The triggers keep the totals exact on every write, so ordinary code (forms, services,
imports with ``bulk_create``) calls nothing here. Two callers do:

* a bulk insert of many rows (an import) may call :func:`bulk_create_counted` instead of
  ``bulk_create``: on PostgreSQL the per-row trigger work on insert is skipped and the new
  rows' hours are added once per totals key (``apply_rows``) in the same transaction;
* a status change of many rows at once (a run approval) may call
  :func:`update_status_counted` instead of ``QuerySet.update``, the same way;
* a bulk loader of millions of rows (``seed_scale``) wraps its load in :func:`bulk_load`,
  which drops the per-row triggers, and rebuilds both tables once at the end;
* anyone who wrote contributions with the triggers off calls :func:`rebuild_all`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth

from . import totals_sql
from .models import Contribution


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


def _upsert(envelopes: dict, members: dict) -> None:
    """Add grouped hours (key → hours) to both tables; keys sorted, so two concurrent
    writers take the rows' locks in the same order and cannot deadlock on them."""
    envelope_sql, member_sql = totals_sql.upsert_statements(connection.vendor)
    with connection.cursor() as cursor:
        if envelopes:
            cursor.executemany(envelope_sql, [(*k, v) for k, v in sorted(envelopes.items())])
        if members:
            cursor.executemany(member_sql, [(*k, v) for k, v in sorted(members.items())])


def apply_rows(rows: list[Contribution], sign: int = 1) -> None:
    """Add (``sign=-1``: take out) the hours of ``rows`` to the totals, grouped per key: for
    a writer that bypassed the triggers (:func:`bulk_create_counted`). Same transaction as
    the write; only validated and retributed rows count."""
    envelopes: dict[tuple, Decimal] = {}
    members: dict[tuple, Decimal] = {}
    for c in rows:
        if c.status not in totals_sql.COUNTED:
            continue
        month_key = (c.project_id, c.envelope_id, c.status, c.date.replace(day=1))
        envelopes[month_key] = envelopes.get(month_key, Decimal(0)) + sign * c.hours
        member_key = (c.project_id, c.member_id, c.status)
        members[member_key] = members.get(member_key, Decimal(0)) + sign * c.hours
    _upsert(envelopes, members)


@contextmanager
def _deferred() -> Iterator[None]:
    """The triggers skip their work for the rest of this block (PostgreSQL, same transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [totals_sql.DEFER_SETTING])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'off', true)", [totals_sql.DEFER_SETTING])


def update_status_counted(queryset: QuerySet[Contribution], status: str, **changes) -> int:
    """``queryset.update(status=status, **changes)`` with the totals moved once per key
    (two GROUP BY reads) instead of once per row — for a run approval that retributes a
    million validated rows (triggers: ~0.5 ms a row). ``changes`` may not touch what the
    totals are keyed on (project, envelope, member, date, hours)."""
    if set(changes) & {"project", "project_id", "envelope", "envelope_id", "member",
                       "member_id", "date", "hours"}:
        raise ValueError("update_status_counted only changes the status (and unkeyed fields)")
    with transaction.atomic():
        if connection.vendor != "postgresql":
            return queryset.update(status=status, **changes)
        counted = status in totals_sql.COUNTED
        qs = queryset.order_by()
        if not counted:  # only the counted rows' hours move
            qs = qs.filter(status__in=totals_sql.COUNTED)
        by_month = list(qs.annotate(month=TruncMonth("date"))
                        .values_list("project_id", "envelope_id", "status", "month")
                        .annotate(total=Sum("hours")))
        by_member = list(qs.values_list("project_id", "member_id", "status")
                         .annotate(total=Sum("hours")))
        with _deferred():
            count = queryset.update(status=status, **changes)
        envelopes: dict[tuple, Decimal] = {}
        members: dict[tuple, Decimal] = {}
        for *key, total in by_month:
            if key[2] in totals_sql.COUNTED:
                envelopes[tuple(key)] = envelopes.get(tuple(key), Decimal(0)) - total
            if counted:
                new = (key[0], key[1], status, key[3])
                envelopes[new] = envelopes.get(new, Decimal(0)) + total
        for *key, total in by_member:
            if key[2] in totals_sql.COUNTED:
                members[tuple(key)] = members.get(tuple(key), Decimal(0)) - total
            if counted:
                new_member = (key[0], key[1], status)
                members[new_member] = members.get(new_member, Decimal(0)) + total
        _upsert(envelopes, members)
        return count


def bulk_create_counted(objs: list[Contribution], batch_size: int | None = None) -> list[Contribution]:
    """``Contribution.objects.bulk_create(objs)`` with the totals added once per key rather
    than once per row (PostgreSQL; SQLite keeps its triggers). Keys are upserted in a sorted
    order, so two concurrent imports cannot deadlock on them."""
    with transaction.atomic():
        if connection.vendor != "postgresql":
            return Contribution.objects.bulk_create(objs, batch_size=batch_size)
        with _deferred():
            created = Contribution.objects.bulk_create(objs, batch_size=batch_size)
        apply_rows(created)
        return created
