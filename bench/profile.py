"""Where a page's time goes, measured in one process without load (run inside Django).

``python -m bench.profile [PAGE ...] [--n 30] [--cprofile] [--top 30]``

For each page of ``bench.pages`` (default: all, plus the authenticated baseline), logs in as
the page's person, warms up, then requests it ``--n`` times through Django's test client
and prints CPU milliseconds per request (``time.process_time``: what this process spent,
so the figure holds on a busy machine where wall time does not), wall milliseconds and SQL
queries. ``--cprofile`` adds the functions where the time went. Use it on the bench
database, DEBUG off::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contribbudget_bench DEBUG=0 \
        SECRET_KEY=x ALLOWED_HOSTS=testserver BENCH_BASELINE=1 \
        .venv/bin/python -m bench.profile "my contributions" --cprofile

``SORT=tottime`` (an environment variable) orders the ``--cprofile`` table by time spent
in each function itself instead of cumulative time.

The CPU figure is the one to compare between two versions of a page; the wrk figures of
``make bench`` stay the reference for the issue's targets.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time

os.environ.setdefault("BENCH_BASELINE", "1")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import pages as bench_pages  # noqa: E402 - sets Django up

BASELINE = {"name": "authenticated baseline", "role": "contributor", "method": "GET",
            "path": "/_bench/authenticated", "missing": None}


def request(client: Client, page: dict, body: str, index: int):
    if page["method"] == "GET":
        return client.get(page["path"])
    # A fresh past day and client token each time, as wrk_report.lua does.
    import datetime
    import uuid

    day = datetime.date.today() - datetime.timedelta(days=30 + index % 900)
    data = body.replace("__DATE__", day.isoformat()).replace("__TOKEN__", str(uuid.uuid4()))
    return client.post(page["path"], data, content_type="application/x-www-form-urlencoded",
                       HTTP_HX_REQUEST="true")


def measure(page: dict, who: dict, n: int, profile: bool, top: int) -> str:
    client = Client()
    client.force_login(who[page["role"]].user)
    body = ""
    if page["method"] == "POST":
        client.get("/")  # sets the CSRF cookie
        csrf = client.cookies["csrftoken"].value
        client = Client(enforce_csrf_checks=False)
        client.force_login(who[page["role"]].user)
        # After the login: it changes the members' list generation, part of the lists'
        # stamp the page sends (as in bench.pages.specs, which logs in first).
        body = bench_pages.quick_log_body(who["project"], csrf, who["logger"])
    response = request(client, page, body, 0)  # warm-up: caches, templates, content types
    if response.status_code not in (200, 204):
        return f"{page['name']}: HTTP {response.status_code}"
    with CaptureQueriesContext(connection) as ctx:
        request(client, page, body, 1)
    queries = len(ctx)  # now: the list is read from the connection's log, reset per request
    profiler = cProfile.Profile() if profile else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for i in range(n):
        request(client, page, body, 2 + i)
    if profiler:
        profiler.disable()
    cpu = (time.process_time() - cpu0) / n * 1000
    wall = (time.perf_counter() - wall0) / n * 1000
    line = f"{page['name']:<24} cpu {cpu:7.1f} ms/req  wall {wall:7.1f} ms/req  {queries:3d} queries"
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(top)
        line += "\n" + out.getvalue()
    return line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    who = bench_pages.people()
    candidates = [BASELINE, *bench_pages.page_list(who)]
    chosen = [p for p in candidates if not args.names or p["name"] in args.names]
    for page in chosen:
        if page["missing"]:
            print(f"{page['name']}: {page['missing']}")
            continue
        print(measure(page, who, args.n, args.cprofile, args.top), flush=True)


if __name__ == "__main__":
    main()
