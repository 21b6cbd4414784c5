"""Append-only tables, enforced by the database itself (a trigger per table and vendor),
so neither a bug, the admin nor a raw SQL session can rewrite history."""
from django.db import migrations


def append_only_sql(table: str, vendor: str) -> tuple[list[str], list[str]]:
    """(forward statements, backward statements) creating triggers that refuse UPDATE and
    DELETE on ``table``."""
    if vendor == "postgresql":
        fn = f"{table}_append_only"
        forward = [
            f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION '{table} is append-only' USING ERRCODE = 'restrict_violation'; END; $$ LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER {fn}_trg BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION {fn}();""",
        ]
        backward = [f"DROP TRIGGER IF EXISTS {fn}_trg ON {table};", f"DROP FUNCTION IF EXISTS {fn}();"]
        return forward, backward
    if vendor == "sqlite":
        # SQLite (the embedded default) refuses updates only: Django's test flush empties
        # tables with DELETE (PostgreSQL uses TRUNCATE, which row triggers do not see).
        # Deletes are still refused by PROTECT foreign keys and the admin.
        forward = [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
        ]
        backward = [f"DROP TRIGGER IF EXISTS {table}_no_update;",
                    f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
        return forward, backward
    return [], []


def append_only_operation(table: str):
    """A migration operation installing the append-only triggers on ``table``."""

    def forward(apps, schema_editor):
        for sql in append_only_sql(table, schema_editor.connection.vendor)[0]:
            schema_editor.execute(sql)

    def backward(apps, schema_editor):
        for sql in append_only_sql(table, schema_editor.connection.vendor)[1]:
            schema_editor.execute(sql)

    return migrations.RunPython(forward, backward)
