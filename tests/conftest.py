"""Shared fixtures: the five people of every permission test (contributor, pilot, treasurer,
coordinator, outsider) around one project, plus the real-service switches.

Real services: with ``DATABASE_URL`` pointing to PostgreSQL the whole suite runs on it, and
tests marked ``postgres`` run (else they skip, saying why). With ``REDIS_URL``, tests marked
``worker`` start a real Celery worker process. Tests marked ``browser`` need Debian's
Chromium at /usr/bin/chromium.
"""
import os

import pytest
from django.conf import settings

from contribbudget.celery import app as celery_app

from . import factories

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
HAS_REDIS = bool(os.environ.get("REDIS_URL"))
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (.ci/run does)")
    skip_redis = pytest.mark.skip(reason="needs Redis for a real Celery worker: set REDIS_URL (.ci/run does)")
    skip_browser = pytest.mark.skip(reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)
        if "worker" in item.keywords and not (HAS_REDIS and ON_POSTGRES):
            item.add_marker(skip_redis)
        if "browser" in item.keywords and not os.path.exists(CHROMIUM):
            item.add_marker(skip_browser)


@pytest.fixture(autouse=True)
def _eager_celery_and_fast_hashing(settings, tmp_path):
    """Tasks run in-process unless a test asks for the real worker; files go to a temp dir;
    passwords hash fast (the real hasher is tested by allauth)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # A fresh cache per test: no desk totals cached by another test's data.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": str(tmp_path)}}
    yield


@pytest.fixture(autouse=True)
def _no_database_connection_left_open(request, django_db_blocker):
    """On PostgreSQL, a test that used the database leaves no other connection to it open
    (a thread or a worker that did not close its own): see tests/dbleaks.py."""
    yield
    uses_db = (request.node.get_closest_marker("django_db") is not None
               or {"db", "transactional_db", "live_server"} & set(request.fixturenames))
    if not ON_POSTGRES or not uses_db:
        return
    from .dbleaks import leaked_connections

    with django_db_blocker.unblock():
        leaked = leaked_connections()
    assert not leaked, f"connections to the test database left open by this test: {leaked}"


@pytest.fixture
def world(db):
    """A network with one project and its people. Attributes: project, other_project,
    envelope, contributor, pilot, copilot, treasurer, coordinator, outsider (members)."""
    return factories.World.build()


@pytest.fixture
def client_for(client):
    """``client_for(member)`` → a test client logged in as that member."""
    from django.test import Client

    def make(member):
        c = Client()
        c.force_login(member.user)
        return c

    return make


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker process on Redis, reading the test database. Tasks sent while it
    runs go through the broker (not eager). Stopped (and its queue purged) afterwards."""
    from .realservices import running_worker

    celery_app.conf.task_always_eager = False
    with running_worker() as worker:
        yield worker
    celery_app.conf.task_always_eager = True


@pytest.fixture
def browser_page(live_server):
    """A Playwright page in Debian's headless Chromium, with ``page.base_url`` set."""
    from .realservices import chromium_page

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are still synchronous. Only for the duration of the browser test.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with chromium_page(live_server.url) as page:
            yield page
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
