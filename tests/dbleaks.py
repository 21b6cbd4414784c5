"""No test leaves a database connection open (issue 12, point 17).

A connection opened by a thread or a subprocess that a test forgets to close outlives the
test; at the end of the run PostgreSQL refuses to drop the test database while it is open
("database is being accessed by other users"). After every test that used the database on
PostgreSQL, :func:`other_connections` must be empty (the worker and live-server tests wait a
moment for their backends to go away); a leak fails that test, names what was left open, and
is terminated so the rest of the run is not affected.
"""
from __future__ import annotations

import time

from django.db import connection

QUERY = """
    SELECT pid, application_name, state, backend_start, left(query, 200)
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend'
"""


def other_connections() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(QUERY)
        return cursor.fetchall()


def leaked_connections(grace_seconds: float = 5.0) -> list[tuple]:
    """The other connections to the test database still open after ``grace_seconds`` (a
    stopped process's backend takes a moment to exit); they are terminated before returning."""
    deadline = time.monotonic() + grace_seconds
    while True:
        others = other_connections()
        if not others or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if others:
        with connection.cursor() as cursor:
            for pid, *_rest in others:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    return others
