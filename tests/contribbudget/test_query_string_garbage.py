"""Issue 12 point 6: no GET parameter, however out of range or malformed, gives a 5xx.

The pages come from the URLconf (every pattern that answers GET), their parameters from what
each view actually reads: while a page is requested the test records every key the view asks
``request.GET`` for (forms, filters, sorting, pagination included), then requests the page
again with each key set to each garbage value — as a coordinator and as a contributor."""
from __future__ import annotations

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

from projects.models import AdjustmentRequest
from retributions.models import Document, ShareLink
from tests import factories
from tests.retributions._documents_helpers import approved_run

pytestmark = pytest.mark.django_db

GARBAGE = ["abc", "0", "-5", "99999", "9" * 30, "0001-W01", "9999-W52", "31/12/9999",
           "9999-12-31", "1e309", "a\x00b", "x" * 3000]
SKIP_PREFIXES = ("/admin/", "/accounts/", "/i18n/", "/_bench/")


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    out = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            out += _patterns(entry, route)
        else:
            out.append((route, entry))
    return out


@pytest.fixture
def full_world(world):
    """One object of every kind a URL names, so every pattern has something to show."""
    w = world
    factories.contribution(w.contributor, w.envelope, status="submitted",
                           date=datetime.date(2026, 2, 2))
    run = approved_run(w.envelope, w.coordinator.user, [
        {"member": w.contributor, "hours": "2.00", "money": "80.00"}])
    doc = Document.objects.create(kind=Document.Kind.STATEMENT, run=run, member=w.contributor,
                                  author=w.contributor.user)
    ShareLink.objects.create(document=doc, created_by=w.treasurer.user)
    AdjustmentRequest.objects.create(envelope=w.envelope, delta=Decimal("10.00"),
                                     reason="Besoin", work_estimate="2 j", requested_by=w.contributor)
    factories.grain(w.contributor, w.envelope)
    w.project.public_page = True
    w.project.save()
    return w


def _candidates(w):
    """Values to try for each URL argument: the first that answers non-404 is kept."""
    from django.apps import apps

    ints = []
    for model in apps.get_models():
        if model._meta.app_label in ("contribbudget", "contributions", "projects", "retributions"):
            ints += list(model.objects.order_by("pk").values_list("pk", flat=True)[:1])
    return {"int": sorted(set(ints)), "slug": [w.project.slug],
            "str": [ShareLink.objects.first().token, "contributions", "envelopes", "lines",
                    "payments"],
            "path": ["x"]}


def _urls(client, w) -> list[str]:
    """Every GET-able URL of the URLconf, its arguments filled with candidates: for an id or
    a slug the first candidate that answers (not 404/405); for a free string (the desk's
    export tables) every candidate that answers."""
    candidates = _candidates(w)
    urls = []
    for route, _pattern in _patterns(get_resolver()):
        path = "/" + route
        if path.startswith(SKIP_PREFIXES):
            continue
        parts = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if not parts:
            urls.append(path)
            continue
        every = all((kind or "str") == "str" for kind, _name in parts)
        options = [candidates.get(kind or "str", ["1"]) for kind, _name in parts]
        found = []
        for combo in itertools.islice(itertools.product(*options), 60):
            url = path
            for (kind, name), value in zip(parts, combo, strict=True):
                url = re.sub(rf"<(?:{kind}:)?{name}>", str(value), url, count=1)
            if client.get(url).status_code not in (404, 405):
                found.append(url)
                if not every:
                    break
        urls += found or [url]
    return urls


class KeySpy:
    """Records the keys a view reads from a QueryDict while a request runs."""

    def __init__(self, monkeypatch):
        self.keys: set[str] = set()
        spy = self
        for name in ("get", "__getitem__", "getlist", "__contains__"):
            original = getattr(QueryDict, name)

            def wrapper(self, key, *args, _original=original, **kwargs):
                if isinstance(key, str):
                    spy.keys.add(key)
                return _original(self, key, *args, **kwargs)

            monkeypatch.setattr(QueryDict, name, wrapper)


def _fuzz(client, urls, spy) -> tuple[list[str], int]:
    failures, requests = [], 0
    for url in urls:
        spy.keys.clear()
        client.get(url)
        todo, done = set(spy.keys), set()
        while todo:
            key = todo.pop()
            done.add(key)
            for value in GARBAGE:
                spy.keys.clear()
                response = client.get(url, {key: value})
                requests += 1
                if response.status_code >= 500:
                    failures.append(f"{url}?{key}={value[:20]!r} → {response.status_code}")
                todo |= spy.keys - done
        for value in GARBAGE if done else ():  # every key at once
            response = client.get(url, {key: value for key in done})
            requests += 1
            if response.status_code >= 500:
                failures.append(f"{url}?<all>={value[:20]!r} → {response.status_code}")
    return failures, requests


@pytest.mark.parametrize("who", ["coordinator", "contributor"])
def test_no_page_answers_5xx_to_garbage_query_strings(full_world, client_for, monkeypatch, who):
    client = client_for(getattr(full_world, who))
    client.raise_request_exception = False
    urls = _urls(client_for(full_world.coordinator), full_world)
    assert len(urls) >= 40
    assert any("/contributions/semaine/" in u for u in urls)
    spy = KeySpy(monkeypatch)
    import logging

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 4xx are expected
    failures, requests = _fuzz(client, urls, spy)
    assert not failures, "\n".join(failures[:40])
    assert requests > 150
