"""The pages the benchmark loads, with the people who load them (run inside Django).

``python -m bench.pages specs``   → JSON: each page's path, method, body and session cookie.
``python -m bench.pages queries`` → JSON: SQL queries each page runs (test client).
The people are chosen in the data: the member with the most contributions, a pilot of the
largest project, a treasurer — so the full-scale numbers are the worst case.
"""
from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contribbudget.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from contribbudget.models import Member  # noqa: E402
from contributions.models import Contribution  # noqa: E402
from projects.models import Project, ProjectRole  # noqa: E402
from retributions.models import RetributionRun  # noqa: E402


def people() -> dict:
    busiest = (Contribution.objects.exclude(project__slug__startswith="bench-run").values("member")
               .annotate(n=Count("pk")).order_by("-n").first())
    contributor = Member.objects.get(pk=busiest["member"])
    # Not bench.run_bench's own project (up to 1 M rows at the federation scale): the pages
    # are measured on the seeded network's.
    largest = (Contribution.objects.exclude(project__slug__startswith="bench-run").values("project")
               .annotate(n=Count("pk")).order_by("-n").first())
    project = Project.objects.get(pk=largest["project"])
    pilot_role = ProjectRole.objects.filter(project=project, role="pilot").select_related("member").first()
    treasurer = Member.objects.filter(is_treasurer=True).first()
    if treasurer is None:
        treasurer = Member.objects.exclude(pk__in=[contributor.pk, pilot_role.member_id]).first()
        Member.objects.filter(pk=treasurer.pk).update(is_treasurer=True)
        treasurer.is_treasurer = True
    # The quick-log POST is loaded by the least busy member of the largest project's team, on
    # past days spread over the last 2.5 years: hundreds of entries in a few seconds would
    # fill a busy member's days, and 24 h a day is a rule the form enforces.
    team = list(ProjectRole.objects.filter(project=project).values_list("member", flat=True))
    counts = dict(Contribution.objects.filter(member__in=team).values("member")
                  .annotate(n=Count("pk")).values_list("member", "n"))
    ordered = sorted(team, key=lambda pk: (counts.get(pk, 0), pk))
    logger = Member.objects.get(pk=ordered[0])
    # The run page: the largest run of the largest project (the pilot's worst case).
    run = (RetributionRun.objects.filter(envelope__project=project)
           .annotate(n=Count("lines")).order_by("-n", "-pk").first())
    return {"contributor": contributor, "pilot": pilot_role.member, "project": project,
            "treasurer": treasurer, "logger": logger, "run": run}


def quick_log_body(project: Project, csrf: str, member: Member) -> str:
    """A valid quick-log POST on ``project`` by ``member`` (fields of
    contributions.forms.ContributionForm, and the stamp of the lists the page was written
    with, as the page sends it); wrk_report.lua fills __DATE__ (a past day) and __TOKEN__ (a
    new client token) per request."""
    from urllib.parse import urlencode

    from contributions import option_cache

    envelope = project.envelopes.filter(kind="production").first()
    return urlencode({
        "csrfmiddlewaretoken": csrf, "date": "__DATE__",
        "project": project.pk, "envelope": envelope.pk, "hours": "1h30", "kind": "production",
        "description": "Atelier (charge)", "action": "draft", "client_token": "__TOKEN__",
        "lists": option_cache.stamp(member),
    })


def page_list(who: dict) -> list[dict]:
    def url(name, *args):
        try:
            return reverse(name, args=args), None
        except NoReverseMatch:
            return None, f"URL {name} does not exist yet"

    specs = [
        ("contributor home", "contributor", "GET", url("home")),
        ("quick-log POST", "logger", "POST", url("contributions:quick_log")),
        ("week timesheet", "contributor", "GET", url("contributions:week")),
        ("my contributions", "contributor", "GET", url("contributions:mine")),
        ("pilot project page", "pilot", "GET", url("projects:detail", who["project"].slug)),
        ("validation queue", "pilot", "GET", url("contributions:validation")),
        ("treasurer desk", "treasurer", "GET", url("retributions:desk")),
        ("payments", "treasurer", "GET", url("retributions:payments")),
        ("network overview", "treasurer", "GET", url("projects:overview")),
        ("run page", "pilot", "GET", url("retributions:run_detail", who["run"].pk)
         if who["run"] else (None, "no approved run in the data")),
    ]
    return [{"name": name, "role": role, "method": method, "path": path, "missing": missing}
            for name, role, method, (path, missing) in specs]


def specs() -> dict:
    who = people()
    cookies = {}
    csrf = get_random_string(32)
    for role in ("contributor", "logger", "pilot", "treasurer"):
        client = Client()
        client.force_login(who[role].user)
        cookies[role] = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    pages = page_list(who)
    for page in pages:
        page["cookie"] = cookies[page["role"]]
        if page["method"] == "POST" and not page["missing"]:
            page["body"] = quick_log_body(who["project"], csrf, who["logger"])
            page["expect"] = "Brouillon enregistré"  # the htmx answer of a saved entry
    # The authenticated baseline is loaded as the busiest contributor (their 20 latest rows).
    return {"pages": pages, "auth_cookie": cookies["contributor"]}


def queries() -> dict:
    who = people()
    counts = {}
    for page in page_list(who):
        if page["missing"] or page["method"] != "GET":
            continue
        client = Client()
        client.force_login(who[page["role"]].user)
        client.get(page["path"])  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page["path"])
        counts[page["name"]] = len(ctx) if response.status_code == 200 else f"HTTP {response.status_code}"
    return counts


if __name__ == "__main__":
    print(json.dumps({"specs": specs, "queries": queries}[sys.argv[1]](), default=str))
