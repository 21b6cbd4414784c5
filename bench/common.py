"""What every step of ``make bench`` shares: paths, services, and running ``manage.py`` or a
``bench.<module>`` against one database (each in its own process, with its own settings)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_BASE = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/7"
SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[bench] ERROR: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


def manage(db: str, *args: str, env_extra: dict | None = None, capture: bool = True) -> str:
    env = {**os.environ, "DATABASE_URL": f"{PG_BASE}/{db}", "REDIS_URL": "", "DEBUG": "1",
           **(env_extra or {})}
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=capture, text=True)
    if result.returncode != 0:
        fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def in_django(db: str, module: str, *args: str, env_extra: dict | None = None) -> dict:
    """Run ``python -m bench.<module>`` against ``db`` and return its JSON output."""
    env = {**os.environ, "DATABASE_URL": f"{PG_BASE}/{db}", "DEBUG": "0",
           "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
           "SECURE_SSL_REDIRECT": "0", "REDIS_URL": "", **(env_extra or {})}
    result = subprocess.run([sys.executable, "-m", f"bench.{module}", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"bench.{module} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])
