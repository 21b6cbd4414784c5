"""The SQL shapes shared by the app's row triggers (PostgreSQL and SQLite): the maintained
totals of contributions (contributions/totals_sql.py, in_kind_sql.py) and of payments
(retributions/payment_sort_sql.py, payment_totals_sql.py) all drop their triggers the same
way, and the contribution totals keep their rows with one pattern: a counted row's old
values out, its new values in."""
from __future__ import annotations

from collections.abc import Callable, Iterable

OPERATIONS = ("insert", "update", "delete")


def postgres_drop(triggers: Iterable[tuple[str, str]], functions: Iterable[str]) -> str:
    """DROP … IF EXISTS of ``(trigger, table)`` pairs, then of the functions they ran."""
    return "".join([f"\nDROP TRIGGER IF EXISTS {name} ON {table};" for name, table in triggers]
                   + [f"\nDROP FUNCTION IF EXISTS {name}();" for name in functions]) + "\n"


def sqlite_drop(triggers: Iterable[str]) -> list[str]:
    """SQLite runs one statement per execute() through Django: a list."""
    return [f"DROP TRIGGER IF EXISTS {name}" for name in triggers]


def changed(columns: Iterable[str], vendor: str) -> str:
    """True when an update moves any of ``columns`` (NULLs compared as values)."""
    op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in columns)


# --- Counted contributions: one function, three triggers (PostgreSQL); four (SQLite) ---------

def counted_trigger_names(name: str, vendor: str) -> list[str]:
    names = [f"{name}_{op}" for op in OPERATIONS]
    # SQLite has no IF: an update is two triggers there, the old row out, the new row in.
    return names if vendor == "postgresql" else names + [f"{name}_update_in"]


def postgres_counted(name: str, table: str, counted: str, key_columns: Iterable[str],
                     defer_setting: str, upsert: Callable[[str, str], str]) -> str:
    """``name()`` and its triggers on ``table``: ``upsert(row, sign)`` takes a row whose
    status is ``counted`` (``"IN (…)"``) out (OLD, "-") and puts it in (NEW, ""); updates
    that move none of ``key_columns`` fire nothing; inserts and updates skip while the
    transaction has set ``defer_setting`` (the bulk writers do the work once per key)."""
    deferred = f"current_setting('{defer_setting}', true) IS DISTINCT FROM 'on'"
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
  IF (TG_OP = 'UPDATE' OR TG_OP = 'DELETE') AND OLD.status {counted} THEN{upsert("OLD", "-")}
  END IF;
  IF (TG_OP = 'UPDATE' OR TG_OP = 'INSERT') AND NEW.status {counted} THEN{upsert("NEW", "")}
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER {name}_insert AFTER INSERT ON {table}
  FOR EACH ROW WHEN (NEW.status {counted}
                     AND {deferred})
  EXECUTE FUNCTION {name}();
CREATE TRIGGER {name}_update AFTER UPDATE ON {table}
  FOR EACH ROW WHEN ((OLD.status {counted} OR NEW.status {counted}) AND ({changed(key_columns, "postgresql")})
                     AND {deferred})
  EXECUTE FUNCTION {name}();
CREATE TRIGGER {name}_delete AFTER DELETE ON {table}
  FOR EACH ROW WHEN (OLD.status {counted}) EXECUTE FUNCTION {name}();
"""


def sqlite_counted(name: str, table: str, counted: str, key_columns: Iterable[str],
                   upsert: Callable[[str, str], str]) -> list[str]:
    """:func:`postgres_counted` for SQLite (no deferral there: its bulk writers keep the
    triggers)."""
    moved = changed(key_columns, "sqlite")
    return [
        f"""CREATE TRIGGER {name}_insert AFTER INSERT ON {table}
    WHEN NEW.status {counted}
    BEGIN{upsert("NEW", "")}
    END""",
        f"""CREATE TRIGGER {name}_update AFTER UPDATE ON {table}
    WHEN OLD.status {counted} AND ({moved})
    BEGIN{upsert("OLD", "-")}
    END""",
        f"""CREATE TRIGGER {name}_update_in AFTER UPDATE ON {table}
    WHEN NEW.status {counted} AND ({moved})
    BEGIN{upsert("NEW", "")}
    END""",
        f"""CREATE TRIGGER {name}_delete AFTER DELETE ON {table}
    WHEN OLD.status {counted}
    BEGIN{upsert("OLD", "-")}
    END""",
    ]
