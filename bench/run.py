"""``make bench``: measure the product against baselines taken in the same run.

Every figure is reported with its baseline and the ratio, because absolute times on a shared
machine are noise. Needs PostgreSQL and Redis (it says so and stops if they are missing).

Steps: (1) a federation-scale database (``seed_scale``, reused when already seeded with the
same parameters) and a small one; (2) SQL queries per page at small and full scale;
(3) gunicorn (DEBUG off, 2 sync workers) under wrk for each page against a bare Django view;
(4) a retribution run over 50,000 contributions against the bare ``SUM … GROUP BY``;
(5) documents against a plain WeasyPrint document of the same page count; (6) a 10,000-row
CSV import against ``seed_scale``'s insert speed. Writes bench/results/latest.json and .md.
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_BASE = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
FULL_DB = os.environ.get("BENCH_DB", "contribbudget_bench")
SMALL_DB = FULL_DB + "_small"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/7"
SCALE = {"members": int(os.environ.get("BENCH_MEMBERS", 3000)),
         "projects": int(os.environ.get("BENCH_PROJECTS", 300)),
         "contributions": int(os.environ.get("BENCH_CONTRIBUTIONS", 1_000_000))}
SMALL_SCALE = {"members": 60, "projects": 6, "contributions": 2000}
LOAD_SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 8))
PORT = int(os.environ.get("BENCH_PORT", 8765))


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[bench] ERROR: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


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
    if not any((Path(p) / "wrk").exists() for p in os.environ["PATH"].split(":")):
        fail("wrk is required for the load test: apt-get install wrk")


def manage(db: str, *args: str, env_extra: dict | None = None, capture: bool = True) -> str:
    env = {**os.environ, "DATABASE_URL": f"{PG_BASE}/{db}", "REDIS_URL": "", "DEBUG": "1",
           **(env_extra or {})}
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=capture, text=True)
    if result.returncode != 0:
        fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def ensure_database(db: str, scale: dict) -> dict:
    """Create, migrate and seed ``db`` unless it already holds this exact scale."""
    import psycopg

    marker = json.dumps(scale, sort_keys=True)
    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
    if exists:
        try:
            with psycopg.connect(f"{PG_BASE}/{db}") as conn:
                row = conn.execute("SELECT name FROM contribbudget_networksettings WHERE id = 1").fetchone()
            if row and row[0] == f"bench {marker}":
                say(f"{db}: already seeded with {marker}, reused")
                return json.loads((RESULTS / f".{db}.seed.json").read_text())
        except Exception:  # noqa: BLE001 - stale or half-made: rebuild
            pass
        with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{db}" WITH (FORCE)')
    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    manage(db, "migrate", "--noinput", "-v0")
    say(f"{db}: seed_scale {marker} …")
    started = time.perf_counter()
    out = manage(db, "seed_scale", *[f"--{k}={v}" for k, v in scale.items()])
    seconds = time.perf_counter() - started
    seed = {"seconds": round(seconds, 2), "output": out.strip().splitlines()[-1],
            "rows_per_second": round(scale["contributions"] / seconds) if seconds else None}
    with psycopg.connect(f"{PG_BASE}/{db}") as conn:
        conn.execute("UPDATE contribbudget_networksettings SET name = %s WHERE id = 1",
                     [f"bench {marker}"])
        conn.commit()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f".{db}.seed.json").write_text(json.dumps(seed))
    return seed


def in_django(db: str, module: str, *args: str, env_extra: dict | None = None) -> dict:
    """Run ``python -m bench.<module>`` against ``db`` and return its JSON output."""
    env = {**os.environ, "DATABASE_URL": f"{PG_BASE}/{db}", "DEBUG": "0",
           "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
           "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "SECURE_SSL_REDIRECT": "0",
           "REDIS_URL": "", **(env_extra or {})}
    result = subprocess.run([sys.executable, "-m", f"bench.{module}", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"bench.{module} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


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
               "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
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


def versions() -> dict:
    import importlib.metadata as md

    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {"python": platform.python_version(), "postgresql_client": pg,
            **{name: md.version(name) for name in ("django", "celery", "weasyprint", "gunicorn",
                                                   "psycopg")}}


def write_markdown(results: dict) -> str:
    lines = [f"# Benchmark — {results['date']}", "",
             f"Machine: {results['machine']['cpus']} CPUs, {results['machine']['platform']}; "
             + ", ".join(f"{k} {v}" for k, v in results["versions"].items()), "",
             f"Scale: {results['scale']} — seed_scale {results['seed_scale']['seconds']} s "
             f"({results['seed_scale']['rows_per_second']} contributions/s)", ""]
    load = results.get("load")
    if load:
        bare = load["bare"]["mean"]
        auth = load.get("authenticated", {}).get("mean", {})
        lines += ["## Pages under load", "",
                  f"Baselines ({load['gunicorn']}; wrk {load['wrk']}): bare Django view, 20 rows: "
                  f"{bare['rps']} req/s, p95 {bare['p95_ms']} ms; authenticated view (session, "
                  f"user, member, one indexed query of 20 rows): {auth.get('rps')} req/s, p95 "
                  f"{auth.get('p95_ms')} ms. Target: ≥ 0.25× the authenticated baseline's req/s, "
                  "p95 ≤ 4× its p95, no error.", "",
                  "| page | req/s | / bare | / authenticated | p50 ms | p95 ms | p95 / authenticated | errors | target met |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for p in load["pages"]:
            if "missing" in p:
                lines.append(f"| {p['name']} | — | — | — | — | — | — | — | missing: {p['missing']} |")
                continue
            lines.append(f"| {p['name']} | {p['rps']} | {p['rps_ratio']} | {p.get('auth_ratio')} | "
                         f"{p['p50_ms']} | {p['p95_ms']} | {p.get('auth_p95_ratio')} | {p['errors']} | "
                         f"{'yes' if p['meets_target'] else 'NO'} |")
        lines.append("")
    queries = results.get("queries")
    if queries:
        lines += ["## SQL queries per page", "", "| page | small scale | full scale | identical |", "|---|---|---|---|"]
        for name, q in queries.items():
            lines.append(f"| {name} | {q.get('small')} | {q.get('full')} | {'yes' if q.get('small') == q.get('full') else 'NO'} |")
        lines.append("")
    for key, title in (("retribution_run", "Retribution run"), ("documents", "Documents"),
                       ("import", "Import")):
        section = results.get(key)
        if section:
            lines += [f"## {title}", "", "```json", json.dumps(section, indent=2, ensure_ascii=False), "```", ""]
    return "\n".join(lines)


def main() -> None:
    check_services()
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = {"date": time.strftime("%Y-%m-%d %H:%M:%S"),
               "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
               "versions": versions(), "scale": SCALE}
    results["seed_scale"] = ensure_database(FULL_DB, SCALE)
    ensure_database(SMALL_DB, SMALL_SCALE)
    manage(FULL_DB, "collectstatic", "--noinput", "-v0",
           env_extra={"DEBUG": "0", "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef"})
    say("queries per page, small and full scale …")
    small = in_django(SMALL_DB, "pages", "queries")
    full = in_django(FULL_DB, "pages", "queries")
    results["queries"] = {name: {"small": small.get(name), "full": full.get(name)} for name in full}
    say("pages under load …")
    specs = in_django(FULL_DB, "pages", "specs")
    results["load"] = load_section(FULL_DB, specs["pages"], specs["auth_cookie"])
    for key, module in (("retribution_run", "run_bench"), ("documents", "documents_bench"),
                        ("import", "import_bench")):
        if (ROOT / "bench" / f"{module}.py").exists():
            say(f"{key} …")
            results[key] = in_django(FULL_DB, module, env_extra={"BENCH_SEED_ROWS_PER_S": str(
                results["seed_scale"].get("rows_per_second") or "")})
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (RESULTS / "latest.md").write_text(write_markdown(results))
    print(write_markdown(results))


if __name__ == "__main__":
    main()
