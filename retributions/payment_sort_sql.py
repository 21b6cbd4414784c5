"""The SQL of the triggers that keep a retribution line's payment sort key (its payee place's
name, its member's last and first names: ``RetributionLine.sort_*``) equal to the names it
copies, on PostgreSQL and SQLite.

The payments page sorts by those names; read through joins, every unpaid line of the network
had to be joined and sorted before the first 500 were kept (150 ms at 66,000 lines). Copied
on the line, the sort is an index walk that stops at 500. The copy is written by the
database, not by Python, so every writer is covered: the compute's COPY, ``bulk_create``,
the admin, a queryset ``update`` of a member's name, a fixture that loads the lines before
their members (the foreign keys are deferred: the member's insert fills them in then).
"""
from contribbudget import db_triggers

LINE = "retributions_retributionline"
MEMBER = "contribbudget_member"
PLACE = "contribbudget_place"
# A line's own write re-reads the names when it moves to another member or place, or when
# someone writes the copies themselves (Django's save() sets every column: they are put back).
LINE_COLUMNS = ("member_id", "payee_place_id", "sort_place_name", "sort_last_name",
                "sort_first_name")

_OF_LINE = ", ".join(LINE_COLUMNS)

POSTGRES_CREATE = f"""
CREATE OR REPLACE FUNCTION cb_line_sort_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One read of the member, none of a place for a line paid to its member: this runs
    -- for every line a compute writes.
    SELECT last_name, first_name INTO NEW.sort_last_name, NEW.sort_first_name
    FROM {MEMBER} WHERE id = NEW.member_id;
    IF NOT FOUND THEN  -- a member not inserted yet (deferred keys): its insert fills them
        NEW.sort_last_name := '';
        NEW.sort_first_name := '';
    END IF;
    IF NEW.payee_place_id IS NULL THEN
        NEW.sort_place_name := NULL;
    ELSE
        NEW.sort_place_name := (SELECT name FROM {PLACE} WHERE id = NEW.payee_place_id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cb_line_sort_key BEFORE INSERT OR UPDATE OF {_OF_LINE} ON {LINE}
    FOR EACH ROW EXECUTE FUNCTION cb_line_sort_key();

CREATE OR REPLACE FUNCTION cb_member_line_sort_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {LINE} SET sort_last_name = NEW.last_name, sort_first_name = NEW.first_name
    WHERE member_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER cb_member_line_sort_key_insert AFTER INSERT ON {MEMBER}
    FOR EACH ROW EXECUTE FUNCTION cb_member_line_sort_key();
CREATE TRIGGER cb_member_line_sort_key_update AFTER UPDATE OF last_name, first_name ON {MEMBER}
    FOR EACH ROW WHEN (OLD.last_name IS DISTINCT FROM NEW.last_name
                       OR OLD.first_name IS DISTINCT FROM NEW.first_name)
    EXECUTE FUNCTION cb_member_line_sort_key();

CREATE OR REPLACE FUNCTION cb_place_line_sort_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {LINE} SET sort_place_name = NEW.name WHERE payee_place_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER cb_place_line_sort_key_insert AFTER INSERT ON {PLACE}
    FOR EACH ROW EXECUTE FUNCTION cb_place_line_sort_key();
CREATE TRIGGER cb_place_line_sort_key_update AFTER UPDATE OF name ON {PLACE}
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION cb_place_line_sort_key();
"""

POSTGRES_DROP = db_triggers.postgres_drop(
    [("cb_line_sort_key", LINE), ("cb_member_line_sort_key_insert", MEMBER), ("cb_member_line_sort_key_update", MEMBER), ("cb_place_line_sort_key_insert", PLACE), ("cb_place_line_sort_key_update", PLACE)],
    ["cb_line_sort_key", "cb_member_line_sort_key", "cb_place_line_sort_key"])

# SQLite has no BEFORE trigger that can change NEW: the line is updated after its write.
# Its recursive_triggers pragma is off (the default, and Django leaves it), so that update
# does not fire the same trigger again.
_SQLITE_SET_LINE = f"""
    UPDATE {LINE} SET
        sort_last_name = COALESCE((SELECT last_name FROM {MEMBER} WHERE id = NEW.member_id), ''),
        sort_first_name = COALESCE((SELECT first_name FROM {MEMBER} WHERE id = NEW.member_id), ''),
        sort_place_name = (SELECT name FROM {PLACE} WHERE id = NEW.payee_place_id)
    WHERE id = NEW.id;"""
_SQLITE_SET_MEMBER = f"""
    UPDATE {LINE} SET sort_last_name = NEW.last_name, sort_first_name = NEW.first_name
    WHERE member_id = NEW.id;"""
_SQLITE_SET_PLACE = f"""
    UPDATE {LINE} SET sort_place_name = NEW.name WHERE payee_place_id = NEW.id;"""

SQLITE_CREATE = [
    f"CREATE TRIGGER cb_line_sort_key_insert AFTER INSERT ON {LINE} BEGIN{_SQLITE_SET_LINE} END",
    f"CREATE TRIGGER cb_line_sort_key_update AFTER UPDATE OF {_OF_LINE} ON {LINE} "
    f"BEGIN{_SQLITE_SET_LINE} END",
    f"CREATE TRIGGER cb_member_line_sort_key_insert AFTER INSERT ON {MEMBER} "
    f"BEGIN{_SQLITE_SET_MEMBER} END",
    f"CREATE TRIGGER cb_member_line_sort_key_update AFTER UPDATE OF last_name, first_name "
    f"ON {MEMBER} WHEN OLD.last_name IS NOT NEW.last_name OR OLD.first_name IS NOT NEW.first_name "
    f"BEGIN{_SQLITE_SET_MEMBER} END",
    f"CREATE TRIGGER cb_place_line_sort_key_insert AFTER INSERT ON {PLACE} "
    f"BEGIN{_SQLITE_SET_PLACE} END",
    f"CREATE TRIGGER cb_place_line_sort_key_update AFTER UPDATE OF name ON {PLACE} "
    f"WHEN OLD.name IS NOT NEW.name BEGIN{_SQLITE_SET_PLACE} END",
]
SQLITE_DROP = db_triggers.sqlite_drop([
    "cb_line_sort_key_insert", "cb_line_sort_key_update", "cb_member_line_sort_key_insert",
    "cb_member_line_sort_key_update", "cb_place_line_sort_key_insert",
    "cb_place_line_sort_key_update"])

# Every line's copies from the names as they are (the migration, after the triggers).
BACKFILL = f"""
UPDATE {LINE} SET
    sort_last_name = COALESCE((SELECT last_name FROM {MEMBER} WHERE {MEMBER}.id = {LINE}.member_id), ''),
    sort_first_name = COALESCE((SELECT first_name FROM {MEMBER} WHERE {MEMBER}.id = {LINE}.member_id), ''),
    sort_place_name = (SELECT name FROM {PLACE} WHERE {PLACE}.id = {LINE}.payee_place_id)
"""


def install(cursor, vendor: str) -> None:
    """The triggers (again, if there), then every line's copies."""
    drop(cursor, vendor)
    for sql in [POSTGRES_CREATE] if vendor == "postgresql" else SQLITE_CREATE:
        cursor.execute(sql)
    backfill(cursor)


def backfill(cursor) -> None:
    """Every line's copies (after writing lines with the triggers off)."""
    cursor.execute(BACKFILL)


def drop(cursor, vendor: str) -> None:
    for sql in [POSTGRES_DROP] if vendor == "postgresql" else SQLITE_DROP:
        cursor.execute(sql)
