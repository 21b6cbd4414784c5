"""``make bench``: measure the product against baselines taken in the same run.

Every figure is reported with its baseline and the ratio, because absolute times on a shared
machine are noise. Needs PostgreSQL and Redis (it says so and stops if they are missing).

Steps: (1) a federation-scale database (``seed_scale``, reused when already seeded with the
same parameters, migrated then) and a small one; (2) SQL queries per page at small and full
scale; (3) gunicorn (DEBUG off, 2 sync workers) under wrk for each page against a bare Django
view and an authenticated one (bench.load); (4) a retribution run against the bare
``SUM … GROUP BY``; (5) documents against a plain WeasyPrint document of the same page count;
(6) a 10,000-row CSV import against ``seed_scale``'s insert speed. Writes
bench/results/latest.json and .md.

``python -m bench.run --scale federation`` (``make bench SCALE=federation``) does (1)–(4) on
``contribbudget_bench_federation`` (10 M contributions, 30,000 members, 3,000 projects), the
run over 1 M contributions by 10,000 members, and writes bench/results/federation.json and
.md, compared page by page with latest.json (the 1 M run).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

from .common import PG_BASE, REDIS_URL, RESULTS, ROOT, SECRET_KEY, fail, in_django, manage, say
from .databases import SCALES, ensure_database
from .load import load_section
from .report import compare_federation, federation_markdown, write_markdown

FULL_DB = os.environ.get("BENCH_DB", "contribbudget_bench")
SMALL_DB = FULL_DB + "_small"
FEDERATION_DB = FULL_DB + "_federation"
SCALE = {"members": int(os.environ.get("BENCH_MEMBERS", SCALES["default"]["members"])),
         "projects": int(os.environ.get("BENCH_PROJECTS", SCALES["default"]["projects"])),
         "contributions": int(os.environ.get("BENCH_CONTRIBUTIONS",
                                             SCALES["default"]["contributions"]))}
# The retribution run measured at each scale (rows, members): bench.run_bench.
RUN_SIZE = {"default": (50_000, 1_000), "federation": (1_000_000, 10_000)}


def check_services() -> None:
    import psycopg
    import redis

    try:
        psycopg.connect(f"{PG_BASE}/postgres", connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001
        fail(f"PostgreSQL is required at {PG_BASE} (set BENCH_PG): {exc}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        fail(f"Redis is required at {REDIS_URL} (set REDIS_URL): {exc}")
    if not any((os.path.exists(os.path.join(p, "wrk"))) for p in os.environ["PATH"].split(":")):
        fail("wrk is required for the load test: apt-get install wrk")


def versions() -> dict:
    import importlib.metadata as md

    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {"python": platform.python_version(), "postgresql_client": pg,
            **{name: md.version(name) for name in ("django", "celery", "weasyprint", "gunicorn",
                                                   "psycopg")}}


def pages_and_run(results: dict, db: str, scale: str) -> None:
    """Steps 2–4 on ``db``: queries per page (against the small database), load, the run."""
    manage(db, "collectstatic", "--noinput", "-v0",
           env_extra={"DEBUG": "0", "SECRET_KEY": SECRET_KEY})
    say("queries per page, small and full scale …")
    small = in_django(SMALL_DB, "pages", "queries")
    full = in_django(db, "pages", "queries")
    results["queries"] = {name: {"small": small.get(name), "full": full.get(name)} for name in full}
    say("pages under load …")
    specs = in_django(db, "pages", "specs")
    results["load"] = load_section(db, specs["pages"], specs["auth_cookie"])
    rows, members = RUN_SIZE[scale]
    say(f"retribution_run ({rows} contributions by {members} members) …")
    results["retribution_run"] = in_django(db, "run_bench", "--rows", str(rows),
                                           "--members", str(members))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--scale", choices=["default", "federation"], default="default")
    scale = parser.parse_args().scale
    check_services()
    RESULTS.mkdir(parents=True, exist_ok=True)
    db, size = (FEDERATION_DB, SCALES["federation"]) if scale == "federation" else (FULL_DB, SCALE)
    results = {"date": time.strftime("%Y-%m-%d %H:%M:%S"),
               "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
               "versions": versions(), "scale": size}
    results["seed_scale"] = ensure_database(db, size)
    ensure_database(SMALL_DB, SCALES["small"])
    pages_and_run(results, db, scale)
    if scale == "federation":
        latest = RESULTS / "latest.json"
        reference = json.loads(latest.read_text()) if latest.exists() else None
        results["federation"] = compare_federation(results, reference)
        (RESULTS / "federation.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
        (RESULTS / "federation.md").write_text(federation_markdown(results))
        print(federation_markdown(results))
        return
    for key, module in (("documents", "documents_bench"), ("import", "import_bench")):
        if (ROOT / "bench" / f"{module}.py").exists():
            say(f"{key} …")
            results[key] = in_django(FULL_DB, module, env_extra={"BENCH_SEED_ROWS_PER_S": str(
                results["seed_scale"].get("rows_per_second") or "")})
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (RESULTS / "latest.md").write_text(write_markdown(results))
    print(write_markdown(results))


if __name__ == "__main__":
    sys.exit(main())
