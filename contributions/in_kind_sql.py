"""The SQL that keeps ``EnvelopeYearInKindTotal`` exact (PostgreSQL and SQLite): the hours
of each envelope's counted contributions per calendar year, split by what the accounts value
in kind — salaried (staff made available) and, for the rest, whether the member gives their
time (a volunteer or symbolic preference). The treasurer's desk reads its in-kind figure from
these few rows a year instead of grouping the year's contributions (3.2 s at 10 M rows).

The volunteer flag is the member's, not the contribution's: a trigger on the members moves
their counted hours from one flag to the other when their preference crosses the line, so the
table always says what a GROUP BY over today's contributions and members would say.
Same rules as contributions/totals_sql.py: validated and retributed rows only, an update that
moves none of the key columns leaves the table alone, and the bulk writers that set
``DEFER_SETTING`` (totals.bulk_create_counted, totals.update_status_counted) do the work
themselves, once per key.
"""
from contribbudget import db_triggers

from .totals_sql import _IN_COUNTED, CONTRIBUTION, DEFER_SETTING

IN_KIND_TOTAL = "contributions_envelopeyearinkindtotal"
MEMBER = "contribbudget_member"
KEY_COLUMNS = ("envelope_id", "member_id", "status", "date", "hours", "salaried")
VOLUNTEER_PREFERENCES = ("volunteer", "symbolic")  # retributions.selectors.report's
_IN_VOLUNTEER = "IN ('volunteer', 'symbolic')"

PG_YEAR = "CAST(EXTRACT(YEAR FROM {row}.date) AS integer)"
SQLITE_YEAR = "CAST(strftime('%Y', {row}.date) AS integer)"
_KEY = "(year, envelope_id, salaried, volunteer)"


def _volunteer(row: str) -> str:
    return (f"COALESCE((SELECT m.preference {_IN_VOLUNTEER} FROM {MEMBER} m "
            f"WHERE m.id = {row}.member_id), FALSE)")


def _upsert(row: str, sign: str, year: str) -> str:
    return f"""
    INSERT INTO {IN_KIND_TOTAL} (year, envelope_id, salaried, volunteer, hours)
    VALUES ({year}, {row}.envelope_id, {row}.salaried, {_volunteer(row)}, {sign}{row}.hours)
    ON CONFLICT {_KEY} DO UPDATE SET hours = {IN_KIND_TOTAL}.hours + excluded.hours;"""


def _member_moves(year_of_date: str, flag: str, sign: str) -> str:
    """A member's counted hours, grouped per key, added under ``flag`` (OLD's or NEW's)."""
    return f"""
    INSERT INTO {IN_KIND_TOTAL} (year, envelope_id, salaried, volunteer, hours)
    SELECT {year_of_date}, c.envelope_id, c.salaried, {flag}, {sign}SUM(c.hours)
    FROM {CONTRIBUTION} c WHERE c.member_id = NEW.id AND c.status {_IN_COUNTED}
    GROUP BY {year_of_date}, c.envelope_id, c.salaried
    ON CONFLICT {_KEY} DO UPDATE SET hours = {IN_KIND_TOTAL}.hours + excluded.hours;"""


_CROSSES = f"((OLD.preference {_IN_VOLUNTEER}) IS DISTINCT FROM (NEW.preference {_IN_VOLUNTEER}))"
_PG_DATE_YEAR = "CAST(EXTRACT(YEAR FROM c.date) AS integer)"
_SQLITE_DATE_YEAR = "CAST(strftime('%Y', c.date) AS integer)"


_NAME = "cb_contribution_in_kind"
_PG_MEMBER = f"""
CREATE OR REPLACE FUNCTION cb_member_in_kind() RETURNS trigger AS $$
BEGIN{_member_moves(_PG_DATE_YEAR, f"(OLD.preference {_IN_VOLUNTEER})", "-")}{_member_moves(_PG_DATE_YEAR, f"(NEW.preference {_IN_VOLUNTEER})", "")}
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER cb_member_in_kind_update AFTER UPDATE OF preference ON {MEMBER}
  FOR EACH ROW WHEN {_CROSSES} EXECUTE FUNCTION cb_member_in_kind();
"""
POSTGRES_CREATE = db_triggers.postgres_counted(
    _NAME, CONTRIBUTION, _IN_COUNTED, KEY_COLUMNS, DEFER_SETTING,
    lambda row, sign: _upsert(row, sign, PG_YEAR.format(row=row))) + _PG_MEMBER
POSTGRES_DROP = db_triggers.postgres_drop(
    [(name, CONTRIBUTION) for name in db_triggers.counted_trigger_names(_NAME, "postgresql")]
    + [("cb_member_in_kind_update", MEMBER)], [_NAME, "cb_member_in_kind"])

_SQLITE_CROSSES = f"((OLD.preference {_IN_VOLUNTEER}) IS NOT (NEW.preference {_IN_VOLUNTEER}))"
# The member trigger's INSERT … SELECT has its WHERE clause, which SQLite needs before
# ON CONFLICT.
SQLITE_CREATE = db_triggers.sqlite_counted(
    _NAME, CONTRIBUTION, _IN_COUNTED, KEY_COLUMNS,
    lambda row, sign: _upsert(row, sign, SQLITE_YEAR.format(row=row))) + [
    f"""CREATE TRIGGER cb_member_in_kind_update AFTER UPDATE OF preference ON {MEMBER}
    WHEN {_SQLITE_CROSSES}
    BEGIN{_member_moves(_SQLITE_DATE_YEAR, f"(OLD.preference {_IN_VOLUNTEER})", "-")}{_member_moves(_SQLITE_DATE_YEAR, f"(NEW.preference {_IN_VOLUNTEER})", "")}
    END""",
]
SQLITE_DROP = db_triggers.sqlite_drop(db_triggers.counted_trigger_names(_NAME, "sqlite")
                                      + ["cb_member_in_kind_update"])


def rebuild_statements(vendor: str) -> list[str]:
    """Empty the table and fill it from the contributions and members (one GROUP BY)."""
    year = _PG_DATE_YEAR if vendor == "postgresql" else _SQLITE_DATE_YEAR
    volunteer = f"COALESCE(m.preference {_IN_VOLUNTEER}, FALSE)"
    return [
        f"DELETE FROM {IN_KIND_TOTAL}",
        f"""INSERT INTO {IN_KIND_TOTAL} (year, envelope_id, salaried, volunteer, hours)
        SELECT {year}, c.envelope_id, c.salaried, {volunteer}, SUM(c.hours)
        FROM {CONTRIBUTION} c LEFT JOIN {MEMBER} m ON m.id = c.member_id
        WHERE c.status {_IN_COUNTED} GROUP BY {year}, c.envelope_id, c.salaried, {volunteer}""",
    ]


UPSERT = f"""INSERT INTO {IN_KIND_TOTAL} (year, envelope_id, salaried, volunteer, hours)
    VALUES (%s, %s, %s, %s, %s) ON CONFLICT {_KEY}
    DO UPDATE SET hours = {IN_KIND_TOTAL}.hours + excluded.hours"""
