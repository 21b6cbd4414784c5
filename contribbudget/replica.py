"""Optional read replica: reads of read-only requests go to a streaming replica of PostgreSQL.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database, this router and its
middleware. The rules, so that nobody ever reads something older than what they just did:

- writes always go to the primary (``default``);
- a read goes to the replica only inside a *safe* request (GET, HEAD, OPTIONS) — the pages,
  reports and exports people read — and never inside a transaction (``atomic`` blocks read
  what they are about to change, under their locks);
- a request that may write (POST, PUT, PATCH, DELETE) reads from the primary, and pins the
  person to the primary for ``REPLICA_PIN_SECONDS`` (5 s by default) through a small signed
  cookie, so the page they are redirected to shows their own change even if the replica is
  a few milliseconds behind;
- sessions and accounts are always read from the primary (a session saved a moment ago must
  be found, or the person is logged out);
- outside requests (Celery tasks, commands) everything stays on the primary: a task reads
  rows its caller has just committed.

Without ``DATABASE_REPLICA_URL`` nothing of this is installed and every query goes to the one
database.
"""
from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "cb_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read from the primary whatever the request: what was written a moment ago must be found.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "account", "contenttypes"})

_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "replica_allowed", default=False)


def pin_seconds() -> int:
    return int(getattr(settings, "REPLICA_PIN_SECONDS", 5))


class PrimaryReplicaRouter:
    """Django database router: see the module docstring for the rules."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if not _replica_allowed.get():
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Both aliases hold the same rows (the replica is a copy of the primary).
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


def _pinned(request: HttpRequest) -> bool:
    value = request.COOKIES.get(PIN_COOKIE)
    if not value:
        return False
    try:
        signing.loads(value, salt=PIN_COOKIE, max_age=pin_seconds())
    except signing.BadSignature:  # expired or forged: not pinned
        return False
    return True


class ReplicaRoutingMiddleware:
    """Allows replica reads for safe, unpinned requests; pins after a write request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        safe = request.method in SAFE_METHODS
        token = _replica_allowed.set(safe and not _pinned(request))
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if not safe:
            response.set_cookie(PIN_COOKIE, signing.dumps(int(time.time()), salt=PIN_COOKIE),
                                max_age=pin_seconds(), httponly=True, samesite="Lax",
                                secure=request.is_secure())
        return response
