"""English really English (issue 12, point 15): the key pages and the CSV exports, rendered
with the English interface, show no French text of the catalogue — a msgid that has an
English translation must never appear as such. Texts translated once at import time (a
module-level ``gettext``) or never marked for translation are what this catches."""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from contribbudget.models import Preference
from retributions.services import runs as run_services

from .. import factories
from ..retributions.runs_support import computed_run, validated

pytestmark = pytest.mark.django_db
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def french_catalogue() -> list[tuple[str, re.Pattern]]:
    """(msgid, pattern) for every msgid our catalogues translate into something that does
    not look like it. A one-word msgid must be a whole text (an English sentence may hold
    "coordination"); a longer one may sit inside a text, its placeholders matching anything."""
    catalog = trans_real.translation("en")._catalog
    translations: dict[str, list[str]] = {}
    for key, value in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if isinstance(msgid, str) and isinstance(value, str):
            translations.setdefault(msgid, []).append(value)
    out = []
    for msgid, values in translations.items():
        if "\x04" in msgid or not msgid.strip() or msgid in values:
            continue
        literal = PLACEHOLDER.sub("", msgid)
        if len(re.sub(r"\W", "", literal)) < 4:
            continue  # too short to tell apart from data ("Oui", "h")
        parts = [re.escape(" ".join(p.split())) for p in PLACEHOLDER.split(msgid)]
        body = r".{1,80}?".join(parts)
        single_word = " " not in literal.strip()
        pattern = re.compile(r"^" + body + r"$" if single_word else r"(?<!\w)" + body + r"(?!\w)")
        if any(pattern.search(" ".join(v.split())) for v in values):
            continue  # the French and the English read the same ("%(n)s grain")
        out.append((msgid, pattern))
    return out


def stored_data() -> set[str]:
    """Texts that are data, written by people (or the factories) in French: names, reasons."""
    from contribbudget.models import FieldOfAction, Place
    from projects.models import Adjustment, Envelope, Funding, Project

    values = set()
    for model, fields in ((Envelope, ["name"]), (Project, ["name"]), (Place, ["name"]),
                          (FieldOfAction, ["name"]), (Adjustment, ["reason"]),
                          (Funding, ["funder"])):
        for row in model.objects.values_list(*fields):
            values.update(v for v in row if v)
    return values


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and name in ("title", "aria-label", "placeholder", "data-label", "alt"):
                self.chunks.append(value)
            if value and name == "value" and tag in ("button", "input") and \
                    dict(attrs).get("type") == "submit":
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(data)


def visible_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(c.replace("\xa0", " ").replace("\u202f", " ").split())
            for c in parser.chunks]


def french_left(texts: list[str], catalogue) -> set[str]:
    found = set()
    data = stored_data()
    for text in texts:
        if text in data:
            continue
        for msgid, pattern in catalogue:
            if pattern.search(text):
                found.add(msgid)
    return found


def english_client(member) -> Client:
    client = Client()
    client.force_login(member.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def busy_world(world):
    """Every page has something to show: contributions in every status, an approved run
    with a paid line, a grain."""
    world.contributor.preference = Preference.MONEY_SELF
    world.contributor.save()
    validated(world.contributor, world.envelope, "7.00", description="Compost workshop")
    validated(world.copilot, world.envelope, "3.50", description="Seed library")
    factories.contribution(world.contributor, world.envelope, status="submitted",
                           description="Garden map")
    factories.contribution(world.contributor, world.envelope, status="rejected",
                           description="Duplicate", rejection_comment="Twice")
    factories.contribution(world.contributor, world.envelope, description="Draft notes")
    run = computed_run(world)
    run_services.run_approve(actor=world.pilot.user, run=run)
    factories.grain(world.pilot, world.envelope)
    world.run = run
    return world


def _pages(w):
    c = w.contributor.contributions.filter(status="submitted").first()
    return {
        w.contributor: ["/", reverse("contributions:quick_log"), reverse("contributions:week"),
                        reverse("contributions:mine"), reverse("contributions:dashboard"),
                        reverse("contributions:preferences"),
                        reverse("contributions:detail", args=[c.pk]),
                        reverse("retributions:my_retributions")],
        w.pilot: ["/", reverse("contributions:validation"), reverse("contributions:import"),
                  reverse("projects:list"), reverse("projects:detail", args=[w.project.slug]),
                  reverse("projects:envelope_detail", args=[w.envelope.pk]),
                  reverse("retributions:run_list"),
                  reverse("retributions:run_detail", args=[w.run.pk])],
        w.treasurer: ["/", reverse("retributions:desk"), reverse("retributions:payments"),
                      reverse("projects:overview")],
        w.coordinator: ["/", reverse("projects:grains"), reverse("projects:grain_create")],
    }


def test_key_pages_in_english_show_no_french_from_the_catalogue(busy_world):
    catalogue = french_catalogue()
    assert len(catalogue) > 500  # the catalogue is there
    problems = {}
    for member, urls in _pages(busy_world).items():
        client = english_client(member)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert 'lang="en"' in response.content.decode()[:300], url
            left = french_left(visible_texts(response.content.decode()), catalogue)
            if left:
                problems[url] = sorted(left)
    assert not problems, "\n".join(f"{url}: {left}" for url, left in problems.items())


def _csv_header(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return next(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_exports_in_english_have_english_headers_and_values(busy_world):
    catalogue = french_catalogue()
    w = busy_world
    exports = [
        (w.contributor, reverse("contributions:mine") + "?export=csv"),
        (w.treasurer, reverse("projects:overview") + "?export=csv"),
        (w.treasurer, reverse("retributions:payments") + "?export=csv"),
        *[(w.treasurer, reverse("retributions:desk_export", args=[t]) + "?format=csv")
          for t in ("contributions", "envelopes", "lines", "payments")],
    ]
    problems = {}
    for member, url in exports:
        response = english_client(member).get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        left = french_left([" ".join(cell.split()) for row in rows for cell in row], catalogue)
        if left:
            problems[url] = sorted(left)
    assert not problems, "\n".join(f"{url}: {left}" for url, left in problems.items())


def test_the_french_interface_still_speaks_french(busy_world):
    response = Client()
    response.force_login(busy_world.contributor.user)
    with translation.override("fr"):
        header = _csv_header(response.get(reverse("contributions:mine") + "?export=csv"))
    assert header[:3] == ["Date", "Projet", "Enveloppe"]
