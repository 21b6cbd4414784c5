"""The SQL of the triggers that keep ``PaymentTotal`` exact (PostgreSQL and SQLite), and of
its rebuild from the lines.

A line counts when its run is approved and it has money, in the row of its paid state. The
invariant holds after every statement: a line's write moves its old values out and its new
ones in (an update that leaves money, payment and run alone — a sort key, an explanation —
moves nothing and takes no lock on the totals); a run that becomes approved, or stops being
approved, or is deleted while approved, moves all its lines at once. Drafts are computed,
recomputed and overridden without touching the totals.

On PostgreSQL the lines' triggers are per statement, over transition tables: marking 5,000
lines paid is one upsert, not 5,000 updates of the same two rows.
"""
from contribbudget import db_triggers

LINE = "retributions_retributionline"
RUN = "retributions_retributionrun"
TOTAL = "retributions_paymenttotal"

_UPSERT = f"""ON CONFLICT (paid) DO UPDATE SET lines = {TOTAL}.lines + excluded.lines,
                                                money = {TOTAL}.money + excluded.money"""


def _moves(rows: str, sign: str, extra_join: str = "", extra_where: str = "") -> str:
    """Add ``sign`` × the counted lines of the transition table ``rows``, per paid state."""
    return f"""
        INSERT INTO {TOTAL} (paid, lines, money)
        SELECT l.paid_on IS NOT NULL, {sign}count(*), {sign}sum(l.money)
        FROM {rows} l JOIN {RUN} r ON r.id = l.run_id {extra_join}
        WHERE r.status = 'approved' AND l.money > 0 {extra_where}
        GROUP BY 1 ORDER BY 1
        {_UPSERT};"""


# Only the updated lines whose money, payment or run changed.
_CHANGED_JOIN = "JOIN {other} c ON c.id = l.id"
_CHANGED = ("AND (l.money, l.paid_on, l.run_id) IS DISTINCT FROM (c.money, c.paid_on, c.run_id)")

POSTGRES_CREATE = f"""
CREATE OR REPLACE FUNCTION cb_line_payment_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN {_moves("new_lines", "")}
    ELSIF TG_OP = 'DELETE' THEN {_moves("old_lines", "-")}
    ELSE
        {_moves("old_lines", "-", _CHANGED_JOIN.format(other="new_lines"), _CHANGED)}
        {_moves("new_lines", "", _CHANGED_JOIN.format(other="old_lines"), _CHANGED)}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cb_line_payment_totals_insert AFTER INSERT ON {LINE}
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION cb_line_payment_totals();
CREATE TRIGGER cb_line_payment_totals_update AFTER UPDATE ON {LINE}
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION cb_line_payment_totals();
CREATE TRIGGER cb_line_payment_totals_delete AFTER DELETE ON {LINE}
    REFERENCING OLD TABLE AS old_lines
    FOR EACH STATEMENT EXECUTE FUNCTION cb_line_payment_totals();

CREATE OR REPLACE FUNCTION cb_run_payment_totals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    direction integer := -1;
    run_key integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        run_key := OLD.id;
    ELSE
        run_key := NEW.id;
        IF NEW.status = 'approved' THEN direction := 1; END IF;
    END IF;
    INSERT INTO {TOTAL} (paid, lines, money)
    SELECT paid_on IS NOT NULL, direction * count(*), direction * sum(money)
    FROM {LINE} WHERE run_id = run_key AND money > 0
    GROUP BY 1 ORDER BY 1
    {_UPSERT};
    RETURN NULL;
END $$;
CREATE TRIGGER cb_run_payment_totals_insert AFTER INSERT ON {RUN}
    FOR EACH ROW WHEN (NEW.status = 'approved') EXECUTE FUNCTION cb_run_payment_totals();
CREATE TRIGGER cb_run_payment_totals_update AFTER UPDATE OF status ON {RUN}
    FOR EACH ROW WHEN ((OLD.status = 'approved') IS DISTINCT FROM (NEW.status = 'approved'))
    EXECUTE FUNCTION cb_run_payment_totals();
CREATE TRIGGER cb_run_payment_totals_delete AFTER DELETE ON {RUN}
    FOR EACH ROW WHEN (OLD.status = 'approved') EXECUTE FUNCTION cb_run_payment_totals();
"""

POSTGRES_DROP = db_triggers.postgres_drop(
    [("cb_line_payment_totals_insert", LINE), ("cb_line_payment_totals_update", LINE), ("cb_line_payment_totals_delete", LINE), ("cb_run_payment_totals_insert", RUN), ("cb_run_payment_totals_update", RUN), ("cb_run_payment_totals_delete", RUN)],
    ["cb_line_payment_totals", "cb_run_payment_totals"])


def _sqlite_line(row: str, sign: str) -> str:
    """Add ``sign`` × the line ``row`` (NEW or OLD) when it counts."""
    return f"""
    INSERT INTO {TOTAL} (paid, lines, money)
    SELECT {row}.paid_on IS NOT NULL, {sign}1, {sign}{row}.money
    WHERE {row}.money > 0 AND (SELECT status FROM {RUN} WHERE id = {row}.run_id) = 'approved'
    {_UPSERT};"""


def _sqlite_run(row: str, sign: str) -> str:
    return f"""
    INSERT INTO {TOTAL} (paid, lines, money)
    SELECT paid_on IS NOT NULL, {sign}count(*), {sign}sum(money)
    FROM {LINE} WHERE run_id = {row}.id AND money > 0 GROUP BY 1
    {_UPSERT};"""


_SQLITE_LINE_CHANGED = ("OLD.money IS NOT NEW.money OR OLD.paid_on IS NOT NEW.paid_on "
                        "OR OLD.run_id IS NOT NEW.run_id")
_SQLITE_RUN_FLIPPED = "(OLD.status = 'approved') IS NOT (NEW.status = 'approved')"

SQLITE_CREATE = [
    f"CREATE TRIGGER cb_line_payment_totals_insert AFTER INSERT ON {LINE} "
    f"BEGIN{_sqlite_line('NEW', '')} END",
    f"CREATE TRIGGER cb_line_payment_totals_update AFTER UPDATE OF money, paid_on, run_id "
    f"ON {LINE} WHEN {_SQLITE_LINE_CHANGED} "
    f"BEGIN{_sqlite_line('OLD', '-')}{_sqlite_line('NEW', '')} END",
    f"CREATE TRIGGER cb_line_payment_totals_delete AFTER DELETE ON {LINE} "
    f"BEGIN{_sqlite_line('OLD', '-')} END",
    f"CREATE TRIGGER cb_run_payment_totals_insert AFTER INSERT ON {RUN} "
    f"WHEN NEW.status = 'approved' BEGIN{_sqlite_run('NEW', '')} END",
    f"CREATE TRIGGER cb_run_payment_totals_update AFTER UPDATE OF status ON {RUN} "
    f"WHEN {_SQLITE_RUN_FLIPPED} AND NEW.status = 'approved' BEGIN{_sqlite_run('NEW', '')} END",
    f"CREATE TRIGGER cb_run_payment_totals_unapprove AFTER UPDATE OF status ON {RUN} "
    f"WHEN {_SQLITE_RUN_FLIPPED} AND OLD.status = 'approved' BEGIN{_sqlite_run('NEW', '-')} END",
    f"CREATE TRIGGER cb_run_payment_totals_delete AFTER DELETE ON {RUN} "
    f"WHEN OLD.status = 'approved' BEGIN{_sqlite_run('OLD', '-')} END",
]
SQLITE_DROP = db_triggers.sqlite_drop([
    "cb_line_payment_totals_insert", "cb_line_payment_totals_update",
    "cb_line_payment_totals_delete", "cb_run_payment_totals_insert",
    "cb_run_payment_totals_update", "cb_run_payment_totals_unapprove",
    "cb_run_payment_totals_delete"])

REBUILD = [
    f"DELETE FROM {TOTAL}",
    f"""INSERT INTO {TOTAL} (paid, lines, money)
    SELECT l.paid_on IS NOT NULL, count(*), sum(l.money)
    FROM {LINE} l JOIN {RUN} r ON r.id = l.run_id
    WHERE r.status = 'approved' AND l.money > 0 GROUP BY 1""",
]


def install(cursor, vendor: str) -> None:
    """The triggers (again, if there), then the totals of the lines already there."""
    drop(cursor, vendor)
    for sql in [POSTGRES_CREATE] if vendor == "postgresql" else SQLITE_CREATE:
        cursor.execute(sql)
    rebuild(cursor, vendor)


def rebuild(cursor, vendor: str) -> None:
    """The totals from the lines (after writing lines with the triggers off); inside a
    transaction on PostgreSQL."""
    if vendor == "postgresql":
        # No write of a line or run between the two statements.
        cursor.execute(f"LOCK TABLE {LINE}, {RUN} IN SHARE MODE")
    for sql in REBUILD:
        cursor.execute(sql)


def drop(cursor, vendor: str) -> None:
    for sql in [POSTGRES_DROP] if vendor == "postgresql" else SQLITE_DROP:
        cursor.execute(sql)
