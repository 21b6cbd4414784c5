"""Starting the real components the suite talks to: a Celery worker process on Redis, and
Debian's Chromium driven by Playwright. No mocks: these are the production components."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection, connections

from contribbudget.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--no-first-run"]


def test_database_url() -> str:
    """The URL of the database the tests use right now (pytest-django's test database)."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_command(queues: str = "default,pdf") -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "contribbudget", "worker", "-Q", queues,
            "--concurrency=1", "--pool=prefork", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-l", "warning"]


def start_worker(queues: str = "default,pdf") -> subprocess.Popen:
    from django.conf import settings

    # The worker reads the test database and writes files where the test looks for them.
    env = {**os.environ, "DATABASE_URL": test_database_url(), "CONN_MAX_AGE": "0",
           "REDIS_URL": os.environ["REDIS_URL"], "DEBUG": "1",
           "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    process = subprocess.Popen(worker_command(queues), cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace")
            raise RuntimeError(f"Celery worker exited at start:\n{output}")
        replies = celery_app.control.ping(timeout=1.0)
        if replies:
            return process
    stop_worker(process)
    raise RuntimeError("Celery worker did not answer a ping within 60 s")


def stop_worker(process: subprocess.Popen, *, kill: bool = False) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextlib.contextmanager
def running_worker(queues: str = "default,pdf"):
    celery_app.control.purge()
    process = start_worker(queues)
    try:
        yield process
    finally:
        stop_worker(process)
        celery_app.control.purge()


@contextlib.contextmanager
def chromium_page(base_url: str, *, viewport=None):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, locale="fr-FR",
                                      viewport=viewport or {"width": 1280, "height": 900},
                                      accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = base_url
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # While Playwright's loop runs, Django keeps this thread's connections per
            # context (asgiref), apart from the test's own: the ORM calls the test made in
            # the meantime opened one that nothing else would close.
            connections.close_all()
