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
from django.db.models import BooleanField, Case, QuerySet, Sum, When
from django.db.models.functions import ExtractYear, TruncMonth

from contribbudget.models import Member

from . import in_kind_sql, totals_sql
from .models import Contribution


def _run(statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# ``in_kind=False``: migration 0006 installs and fills the hours totals before 0007 makes
# the in-kind table; everyone else keeps all three tables.
def install_triggers(*, in_kind: bool = True) -> None:
    if connection.vendor == "postgresql":
        _run([totals_sql.POSTGRES_DROP, totals_sql.POSTGRES_CREATE]
             + ([in_kind_sql.POSTGRES_DROP, in_kind_sql.POSTGRES_CREATE] if in_kind else []))
    else:
        _run(totals_sql.SQLITE_DROP + totals_sql.SQLITE_CREATE
             + (in_kind_sql.SQLITE_DROP + in_kind_sql.SQLITE_CREATE if in_kind else []))


def drop_triggers() -> None:
    if connection.vendor == "postgresql":
        _run([totals_sql.POSTGRES_DROP, in_kind_sql.POSTGRES_DROP])
    else:
        _run(totals_sql.SQLITE_DROP + in_kind_sql.SQLITE_DROP)


def rebuild_all(*, in_kind: bool = True) -> None:
    """Recompute the totals tables from the contributions (one transaction; a lock on the
    contributions' writes meanwhile on PostgreSQL, so no write falls between the two)."""
    tables = [totals_sql.ENVELOPE_TOTAL, totals_sql.MEMBER_TOTAL]
    statements = totals_sql.rebuild_statements(connection.vendor)
    if in_kind:
        tables.append(in_kind_sql.IN_KIND_TOTAL)
        statements += in_kind_sql.rebuild_statements(connection.vendor)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _run(["LOCK TABLE contributions_contribution IN SHARE MODE"])
        _run(statements)
        if connection.vendor == "postgresql":
            # Fresh statistics, else the planner takes the new rows for a few and picks
            # bitmap scans over the whole table (measured: overview 307 ms → 43 ms).
            _run([f"ANALYZE {table}" for table in tables])
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # And a visibility map, so reads are index-only and their estimated cost stays
        # under PostgreSQL's JIT threshold (the overview: 374 ms of JIT compiling on a
        # 33 ms query before; autovacuum keeps it so afterwards).
        _run([f"VACUUM {table}" for table in tables])


@contextmanager
def bulk_load() -> Iterator[None]:
    """Load contributions without per-row trigger work, then rebuild the totals once."""
    drop_triggers()
    try:
        yield
    finally:
        install_triggers()
        rebuild_all()


def _upsert(envelopes: dict, members: dict, in_kind: dict) -> None:
    """Add grouped hours (key → hours) to the tables; keys sorted, so two concurrent
    writers take the rows' locks in the same order and cannot deadlock on them."""
    envelope_sql, member_sql = totals_sql.upsert_statements(connection.vendor)
    with connection.cursor() as cursor:
        for sql, grouped in ((envelope_sql, envelopes), (member_sql, members),
                             (in_kind_sql.UPSERT, in_kind)):
            if grouped:
                cursor.executemany(sql, [(*k, v) for k, v in sorted(grouped.items())])


def _add(grouped: dict, key: tuple, hours: Decimal) -> None:
    grouped[key] = grouped.get(key, Decimal(0)) + hours


VOLUNTEER = Case(When(member__preference__in=in_kind_sql.VOLUNTEER_PREFERENCES, then=True),
                 default=False, output_field=BooleanField())


def apply_rows(rows: list[Contribution], sign: int = 1) -> None:
    """Add (``sign=-1``: take out) the hours of ``rows`` to the totals, grouped per key: for
    a writer that bypassed the triggers (:func:`bulk_create_counted`). Same transaction as
    the write; only validated and retributed rows count."""
    envelopes: dict[tuple, Decimal] = {}
    members: dict[tuple, Decimal] = {}
    in_kind: dict[tuple, Decimal] = {}
    counted = [c for c in rows if c.status in totals_sql.COUNTED]
    volunteers = set(Member.objects.filter(
        pk__in={c.member_id for c in counted},
        preference__in=in_kind_sql.VOLUNTEER_PREFERENCES).values_list("pk", flat=True)) if counted else set()
    for c in counted:
        hours = sign * c.hours
        _add(envelopes, (c.project_id, c.envelope_id, c.status, c.date.replace(day=1)), hours)
        _add(members, (c.project_id, c.member_id, c.status), hours)
        _add(in_kind, (c.date.year, c.envelope_id, c.salaried, c.member_id in volunteers), hours)
    _upsert(envelopes, members, in_kind)


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
    totals are keyed on (project, envelope, member, date, hours, salaried)."""
    if set(changes) & {"project", "project_id", "envelope", "envelope_id", "member",
                       "member_id", "date", "hours", "salaried"}:
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
        # In kind, the status is not in the key: only rows entering or leaving the counted
        # statuses move hours.
        crossing = (qs.exclude(status__in=totals_sql.COUNTED) if counted
                    else qs.filter(status__in=totals_sql.COUNTED))
        by_year = list(crossing.annotate(year=ExtractYear("date"), volunteer=VOLUNTEER)
                       .values_list("year", "envelope_id", "salaried", "volunteer")
                       .annotate(total=Sum("hours")))
        with _deferred():
            count = queryset.update(status=status, **changes)
        envelopes: dict[tuple, Decimal] = {}
        members: dict[tuple, Decimal] = {}
        in_kind = {tuple(key): total if counted else -total for *key, total in by_year}
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
        _upsert(envelopes, members, in_kind)
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
