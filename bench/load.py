"""Pages under load: gunicorn (DEBUG off, 2 sync workers) and wrk, each page between two
measures of each baseline (the bare view and the authenticated one)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from .common import PG_BASE, ROOT, SECRET_KEY, fail

LOAD_SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 8))
PORT = int(os.environ.get("BENCH_PORT", 8765))


def wrk(url: str, cookie: str, *, method: str = "GET", body: str = "", expect: str = "") -> dict:
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_BODY": body, "BENCH_EXPECT": expect}
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{LOAD_SECONDS}s", "--timeout", "10s",
           "-s", str(ROOT / "bench" / "wrk_report.lua")]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    if method == "POST":  # as the browser's htmx posts it: the answer is the swapped zone
        cmd += ["-H", "Referer: http://127.0.0.1/", "-H", "HX-Request: true"]
    result = subprocess.run([*cmd, url], capture_output=True, text=True, env=env)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        fail(f"wrk gave no summary for {url}:\n{result.stdout}\n{result.stderr}")
    return json.loads(line.split(" ", 1)[1])


class Gunicorn:
    def __init__(self, db: str):
        self.db = db

    def __enter__(self):
        env = {**os.environ, "DATABASE_URL": f"{PG_BASE}/{self.db}", "DEBUG": "0",
               "SECRET_KEY": SECRET_KEY,
               "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0",
               "BENCH_BASELINE": "1", "REDIS_URL": "", "CONN_MAX_AGE": "600"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "contribbudget.wsgi:application", "--bind",
             f"127.0.0.1:{PORT}", "--workers", "2", "--worker-class", "sync",
             "--log-level", "warning"], cwd=ROOT, env=env)
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                return self
            except Exception:  # noqa: BLE001
                time.sleep(0.2)
        self.__exit__()
        fail("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=20)


def ratio(value, baseline):
    return round(value / baseline, 3) if baseline else None


def _mean(before: dict, after: dict) -> dict:
    return {k: round((before[k] + after[k]) / 2, 2) for k in ("rps", "p50_ms", "p95_ms", "p99_ms")}


def load_section(db: str, pages: list[dict], auth_cookie: str) -> dict:
    """Each page under wrk between two measures of each baseline (bare, authenticated), so
    drift of the machine during the run shows as a gap between "before" and "after"."""
    base = f"http://127.0.0.1:{PORT}"
    out = {"gunicorn": "2 sync workers", "wrk": f"2 threads, {CONNECTIONS} connections, {LOAD_SECONDS} s"}
    with Gunicorn(db):
        wrk(base + "/_bench/bare", "")  # warm-up
        wrk(base + "/_bench/authenticated", auth_cookie)
        bare_before = wrk(base + "/_bench/bare", "")
        auth_before = wrk(base + "/_bench/authenticated", auth_cookie)
        results = []
        for page in pages:
            if page.get("missing"):
                results.append({"name": page["name"], "missing": page["missing"]})
                continue
            args = (base + page["path"], page["cookie"])
            options = {"method": page["method"], "body": page.get("body", ""),
                       "expect": page.get("expect", "")}
            wrk(*args, **options)  # warm-up
            results.append({"name": page["name"], "path": page["path"], "method": page["method"],
                            **wrk(*args, **options)})
        bare_after = wrk(base + "/_bench/bare", "")
        auth_after = wrk(base + "/_bench/authenticated", auth_cookie)
    bare, auth = _mean(bare_before, bare_after), _mean(auth_before, auth_after)
    out["bare"] = {"before": bare_before, "after": bare_after, "mean": bare}
    out["authenticated"] = {"before": auth_before, "after": auth_after, "mean": auth,
                            "errors": auth_before["errors"] + auth_after["errors"]}
    for r in results:
        if "rps" in r:
            r["rps_ratio"] = ratio(r["rps"], bare["rps"])
            r["p95_ratio"] = ratio(r["p95_ms"], bare["p95_ms"])
            r["auth_ratio"] = ratio(r["rps"], auth["rps"])
            r["auth_p95_ratio"] = ratio(r["p95_ms"], auth["p95_ms"])
            # Issue 15's target, against the authenticated floor.
            r["target"] = "rps ≥ 25 % of the authenticated baseline, p95 ≤ 4× its p95, no error"
            r["meets_target"] = (r["auth_ratio"] >= 0.25 and r["auth_p95_ratio"] <= 4
                                 and r["errors"] == 0)
    out["pages"] = results
    return out
