"""The SQL of the triggers that keep contributions/models_totals.py exact (PostgreSQL and
SQLite), and of the rebuild from the contributions themselves.

A contribution counts in its envelope's month and in its member's project row; an update
that moves any of (project, envelope, member, status, date, hours) takes the old values out
and puts the new ones in, and an update that touches none of them (a description, a
comment, ``updated_at``) leaves the totals — and their row locks — alone.
"""
from contribbudget import db_triggers

CONTRIBUTION = "contributions_contribution"
ENVELOPE_TOTAL = "contributions_envelopemonthtotal"
MEMBER_TOTAL = "contributions_memberprojecttotal"
KEY_COLUMNS = ("project_id", "envelope_id", "member_id", "status", "date", "hours")
# Only the statuses the pages sum are kept: drafts and submissions (every member's quick
# log, all day long) then take no row lock on a shared total; a totals row is written only
# when a pilot validates or rejects, or a run retributes, and by edits of counted rows.
COUNTED = ("validated", "retributed")
_IN_COUNTED = "IN ('validated', 'retributed')"


def _upserts(row: str, sign: str, month: str) -> str:
    """Two upserts adding ``sign`` × ``row``'s hours (row is NEW or OLD)."""
    return f"""
    INSERT INTO {ENVELOPE_TOTAL} (project_id, envelope_id, status, month, hours)
    VALUES ({row}.project_id, {row}.envelope_id, {row}.status, {month}, {sign}{row}.hours)
    ON CONFLICT (project_id, envelope_id, status, month)
    DO UPDATE SET hours = {ENVELOPE_TOTAL}.hours + excluded.hours;
    INSERT INTO {MEMBER_TOTAL} (project_id, member_id, status, hours)
    VALUES ({row}.project_id, {row}.member_id, {row}.status, {sign}{row}.hours)
    ON CONFLICT (project_id, member_id, status)
    DO UPDATE SET hours = {MEMBER_TOTAL}.hours + excluded.hours;"""


# Set (transaction-local) by totals.bulk_create_counted and update_status_counted: the
# insert and update triggers then leave the totals to them (deletes always count).
DEFER_SETTING = "contribbudget.totals_deferred"

PG_MONTH = "date_trunc('month', {row}.date)::date"
SQLITE_MONTH = "date({row}.date, 'start of month')"

_NAME = "cb_contribution_totals"
POSTGRES_CREATE = db_triggers.postgres_counted(
    _NAME, CONTRIBUTION, _IN_COUNTED, KEY_COLUMNS, DEFER_SETTING,
    lambda row, sign: _upserts(row, sign, PG_MONTH.format(row=row)))
POSTGRES_DROP = db_triggers.postgres_drop(
    [(name, CONTRIBUTION) for name in db_triggers.counted_trigger_names(_NAME, "postgresql")],
    [_NAME])
SQLITE_CREATE = db_triggers.sqlite_counted(
    _NAME, CONTRIBUTION, _IN_COUNTED, KEY_COLUMNS,
    lambda row, sign: _upserts(row, sign, SQLITE_MONTH.format(row=row)))
SQLITE_DROP = db_triggers.sqlite_drop(db_triggers.counted_trigger_names(_NAME, "sqlite"))


def rebuild_statements(vendor: str) -> list[str]:
    """Empty both tables and fill them from the contributions (one GROUP BY each)."""
    month = "date_trunc('month', date)::date" if vendor == "postgresql" else "date(date, 'start of month')"
    return [
        f"DELETE FROM {ENVELOPE_TOTAL}",
        f"DELETE FROM {MEMBER_TOTAL}",
        f"""INSERT INTO {ENVELOPE_TOTAL} (project_id, envelope_id, status, month, hours)
        SELECT project_id, envelope_id, status, {month}, SUM(hours) FROM {CONTRIBUTION}
        WHERE status {_IN_COUNTED} GROUP BY project_id, envelope_id, status, {month}""",
        f"""INSERT INTO {MEMBER_TOTAL} (project_id, member_id, status, hours)
        SELECT project_id, member_id, status, SUM(hours) FROM {CONTRIBUTION}
        WHERE status {_IN_COUNTED} GROUP BY project_id, member_id, status""",
    ]


def upsert_statements(vendor: str) -> tuple[str, str]:
    """Add grouped hours to both tables (``executemany`` parameters: see totals.apply_rows)."""
    p = "%s"
    return (f"""INSERT INTO {ENVELOPE_TOTAL} (project_id, envelope_id, status, month, hours)
    VALUES ({p}, {p}, {p}, {p}, {p}) ON CONFLICT (project_id, envelope_id, status, month)
    DO UPDATE SET hours = {ENVELOPE_TOTAL}.hours + excluded.hours""",
            f"""INSERT INTO {MEMBER_TOTAL} (project_id, member_id, status, hours)
    VALUES ({p}, {p}, {p}, {p}) ON CONFLICT (project_id, member_id, status)
    DO UPDATE SET hours = {MEMBER_TOTAL}.hours + excluded.hours""")
