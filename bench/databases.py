"""The bench's databases: made, migrated and seeded once, then reused while they hold the
same scale (the scale is written in the network's name, the seed's figures beside the
results). A reused database is migrated first, so it follows the code's migrations.

    python -m bench.databases contribbudget_bench_federation federation   # seed only
"""
from __future__ import annotations

import json
import sys
import time

from .common import PG_BASE, RESULTS, manage, say

SCALES = {
    # The default run (make bench): overridable with BENCH_MEMBERS etc. (see bench.run).
    "default": {"members": 3000, "projects": 300, "contributions": 1_000_000},
    # Issue 15's federation: ten times the rows, members and projects.
    "federation": {"members": 30_000, "projects": 3000, "contributions": 10_000_000},
    "small": {"members": 60, "projects": 6, "contributions": 2000},
}


# Bumped when seed_scale's data changes shape, so a database seeded by an older version is
# rebuilt rather than compared with a newer one. 2: counts planned per (project, member),
# nobody's day above 24 h (issue 15).
SEED_VERSION = 2


def _marker(scale: dict) -> str:
    return "bench " + json.dumps({**scale, "seed_version": SEED_VERSION}, sort_keys=True)


def _seeded_with(db: str) -> str | None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone():
            return None
    try:
        with psycopg.connect(f"{PG_BASE}/{db}") as conn:
            row = conn.execute("SELECT name FROM contribbudget_networksettings WHERE id = 1").fetchone()
    except Exception:  # noqa: BLE001 - half-made: rebuilt
        return ""
    return row[0] if row else ""


def ensure_database(db: str, scale: dict) -> dict:
    """Create, migrate and seed ``db`` unless it already holds this exact scale; migrate it
    when reused. Returns the seed's figures (seconds, by step)."""
    import psycopg

    seeded = _seeded_with(db)
    seed_file = RESULTS / f".{db}.seed.json"
    if seeded == _marker(scale) and seed_file.exists():
        say(f"{db}: already seeded with {scale}, reused (migrating)")
        manage(db, "migrate", "--noinput", "-v0")
        return json.loads(seed_file.read_text())
    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        if seeded is not None:
            conn.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    manage(db, "migrate", "--noinput", "-v0")
    say(f"{db}: seed_scale {scale} …")
    started = time.perf_counter()
    out = manage(db, "seed_scale", *[f"--{k}={v}" for k, v in scale.items()])
    seconds = time.perf_counter() - started
    last = out.strip().splitlines()[-1]
    steps = {}
    for part in last.removeprefix("seed_scale: ").split(", "):
        name, _, value = part.rpartition(" ")[0].rpartition(" ")
        steps[name] = float(value)
    seed = {"seconds": round(seconds, 2), "output": last, "steps": steps,
            "rows_per_second": round(scale["contributions"] / seconds) if seconds else None}
    # The marker goes in the network's name, through the model: seed_scale does not make the
    # settings row (it is made at first use), and an UPDATE of no row left the marker unset,
    # so every bench reseeded.
    manage(db, "shell", "-c", "from contribbudget.models import NetworkSettings as N; "
           f"s = N.load(); s.name = {_marker(scale)!r}; s.save(update_fields=['name'])")
    with psycopg.connect(f"{PG_BASE}/{db}") as conn:
        seed["database_bytes"] = conn.execute("SELECT pg_database_size(%s)", [db]).fetchone()[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    seed_file.write_text(json.dumps(seed))
    return seed


if __name__ == "__main__":
    print(json.dumps(ensure_database(sys.argv[1], SCALES[sys.argv[2]])))
