"""The read replica router against a real streaming replica of PostgreSQL.

The fixture builds a throw-away primary cluster and a standby made with ``pg_basebackup -R``
(physical streaming replication), both on loopback ports of this machine. The checks run in
a separate Django process whose settings carry ``DATABASE_URL`` (primary) and
``DATABASE_REPLICA_URL`` (standby), exactly as production would. To *see* which server a
read went to, the standby's replay is paused, then a row is written on the primary: a read
that finds it came from the primary, one that does not came from the replica.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES

ROOT = Path(__file__).resolve().parents[2]
PRIMARY_PORT, REPLICA_PORT = 5441, 5442


def _pg_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


def _as_postgres(*cmd: str | Path) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *map(str, cmd)], check=True,
                   capture_output=True, timeout=120)


@pytest.fixture
def streaming_replica():
    bin_dir = _pg_bin()
    if not ON_POSTGRES or bin_dir is None or os.geteuid() != 0:
        pytest.skip("needs PostgreSQL's server binaries and root to run them as postgres")
    base = Path(tempfile.mkdtemp(prefix="cb-replica-"))
    shutil.chown(base, "postgres")
    primary, replica = base / "primary", base / "replica"
    opts = "-c listen_addresses=127.0.0.1 -k {sock} -p {port} -c fsync=off"
    try:
        _as_postgres(bin_dir / "initdb", "-D", primary, "--auth=trust", "-U", "postgres")
        _as_postgres(bin_dir / "pg_ctl", "-D", primary, "-w", "-l", base / "primary.log",
                     "-o", opts.format(sock=base, port=PRIMARY_PORT), "start")
        _as_postgres(bin_dir / "createdb", "-h", "127.0.0.1", "-p", PRIMARY_PORT, "cbreplica")
        _as_postgres(bin_dir / "pg_basebackup", "-h", "127.0.0.1", "-p", PRIMARY_PORT,
                     "-D", replica, "-R", "-X", "stream")
        _as_postgres(bin_dir / "pg_ctl", "-D", replica, "-w", "-l", base / "replica.log",
                     "-o", opts.format(sock=base, port=REPLICA_PORT), "start")
        yield (f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/cbreplica",
               f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/cbreplica")
    finally:
        for data in (replica, primary):
            if (data / "postmaster.pid").exists():
                subprocess.run(["runuser", "-u", "postgres", "--", str(bin_dir / "pg_ctl"),
                                "-D", str(data), "-m", "immediate", "stop"],
                               capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


CHECKS = r'''
import time
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from contribbudget.models import Place
from contribbudget.replica import PIN_COOKIE, ReplicaRoutingMiddleware

primary, replica = connections["default"], connections["replica"]

def replica_count():
    with replica.cursor() as c:
        c.execute("SELECT count(*) FROM contribbudget_place")
        return c.fetchone()[0]

Place.objects.create(name="Avant la pause", slug="avant")
deadline = time.monotonic() + 30
while replica_count() != 1 and time.monotonic() < deadline:
    time.sleep(0.1)
assert replica_count() == 1, "the standby never received the first row"

with replica.cursor() as c:
    c.execute("SELECT pg_wal_replay_pause()")
Place.objects.create(name="Pendant la pause", slug="pendant")   # on the primary only
session = SessionStore(); session["who"] = "ana"; session.create()  # saved on the primary

seen = {}
def view(request):
    seen["places"] = Place.objects.count()
    seen["session"] = SessionStore(session.session_key).load().get("who")
    with transaction.atomic():
        seen["in_atomic"] = Place.objects.count()
    return HttpResponse("ok")

page = ReplicaRoutingMiddleware(view)
rf = RequestFactory()

page(rf.get("/"))
assert seen["places"] == 1, ("a safe request reads the replica", seen)
assert seen["in_atomic"] == 2, ("a transaction reads the primary", seen)
assert seen["session"] == "ana", ("sessions are read from the primary", seen)

response = page(rf.post("/"))
assert seen["places"] == 2, ("a write request reads the primary", seen)
cookie = response.cookies[PIN_COOKIE].value

pinned = rf.get("/"); pinned.COOKIES[PIN_COOKIE] = cookie
page(pinned)
assert seen["places"] == 2, ("just after a write the person reads the primary", seen)

forged = rf.get("/"); forged.COOKIES[PIN_COOKIE] = "forged"
page(forged)
assert seen["places"] == 1, ("a forged pin is ignored", seen)

time.sleep(1.2)
expired = rf.get("/"); expired.COOKIES[PIN_COOKIE] = cookie
page(expired)
assert seen["places"] == 1, ("after the pin expires, reads go back to the replica", seen)

assert Place.objects.count() == 2, "outside a request (tasks, commands) reads the primary"

with replica.cursor() as c:
    c.execute("SELECT pg_wal_replay_resume()")
deadline = time.monotonic() + 30
while replica_count() != 2 and time.monotonic() < deadline:
    time.sleep(0.1)
assert replica_count() == 2, "the standby caught up after the pause"
print("REPLICA CHECKS PASSED")
'''


@pytest.mark.postgres
def test_reads_go_to_the_replica_only_when_nothing_newer_is_expected(streaming_replica):
    primary_url, replica_url = streaming_replica
    env = {**os.environ, "DATABASE_URL": primary_url, "DATABASE_REPLICA_URL": replica_url,
           "REPLICA_PIN_SECONDS": "1", "CONN_MAX_AGE": "0", "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                   env=env, check=True, timeout=300)
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", CHECKS], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "REPLICA CHECKS PASSED" in result.stdout
