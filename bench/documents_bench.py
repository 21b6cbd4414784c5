"""Documents: time and peak memory to render a funder report and a contributor statement,
each in a fresh process, against WeasyPrint rendering a plain document of the same page
count in a fresh process too (run inside Django, on the bench DB).

``python -m bench.documents_bench``            → JSON summary (spawns the measures below)
``python -m bench.documents_bench one KIND ID`` → one measure: KIND is report, statement,
long-statement (ID = its contributions, see :func:`long_statement`), plain or bare (ID = page
count for these two); prints seconds, peak RSS (MB) and pages.

``time_ratio`` and ``meets_target`` compare with ``plain`` (the app's page, see
:data:`PLAIN_TEMPLATE`); ``bare`` (WeasyPrint's default page and font, the baseline of the
first measures) is kept beside it for comparison with earlier figures.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contribbudget.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from contribbudget.models import Member  # noqa: E402
from contribbudget.money import to_cents  # noqa: E402
from contributions.models import Contribution  # noqa: E402
from projects.fundings import funding_create  # noqa: E402
from projects.models import Envelope, Project  # noqa: E402
from projects.selectors import envelope_available  # noqa: E402
from projects.services.envelopes import envelope_adjust  # noqa: E402
from retributions.models import RetributionLine, RetributionRun  # noqa: E402
from retributions.selectors_runs import run_contributions  # noqa: E402
from retributions.services.documents import (  # noqa: E402
    funder_report_html,
    render_pdf,
    statement_html,
)
from retributions.services.runs import run_approve, run_compute, run_create  # noqa: E402

# One A4 page of text each (a heading and 15 paragraphs fit in the app's page margins).
PLAIN_PAGE = ("<section style='break-before: page'><h1>Page</h1>"
              + "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>" * 15 + "</section>")
#: The plain document is laid out like the app's documents, so the ratio measures what a
#: document's content costs, not a different page: it extends ``pdf/_base.html`` (its A4
#: page, margins, running header and footer with "page n / m", DejaVu Sans 9.5 pt) and puts
#: only plain paragraphs in the body.
PLAIN_TEMPLATE = '{% extends "pdf/_base.html" %}{% block body %}{{ pages }}{% endblock %}'
BASELINE = ("plain paragraphs (a heading and 15 one-line paragraphs a page) in the app's "
            "pdf/_base.html: same A4 page, margins, running header and footer, base font")
TARGET = "≤ 2× the plain document; peak memory ≤ 300 MB"
#: Contributions on the long statement: 29 pages, the issue's case (~30 rows a page).
LONG_STATEMENT_ROWS = 880


def plain_html(pages: int) -> str:
    from django.template import engines
    from django.utils.safestring import mark_safe

    context = {"title": "Page", "header_left": "Réseau", "header_right": "Document",
               "generated_at": timezone.localtime(), "identity": None,
               "pages": mark_safe(PLAIN_PAGE * pages)}  # noqa: S308 - constant text above
    return engines["django"].from_string(PLAIN_TEMPLATE).render(context)


def long_statement(rows: int) -> tuple[RetributionRun, Member]:
    """A real statement of ``rows`` contributions: the seed's approved runs give nobody more
    than ~290 (10 pages), so this does what a pilot would do for the busiest contributor —
    the member with the most validated, not yet retributed work on one envelope, over the
    last period holding ``rows`` of it — through the app's own services: a new grant added
    to the envelope (the seed's runs spent more than it held), then ``run_create``,
    ``run_compute``, ``run_approve`` (everyone's work on the envelope in that period is
    retributed, as in the app). Call it inside a transaction that is rolled back: the bench
    database stays as seeded."""
    work = Contribution.objects.filter(status=Contribution.Status.VALIDATED, salaried=False,
                                       retributed_in__isnull=True).exclude(
        envelope__kind=Envelope.Kind.RESERVE)
    top = (work.values("member", "envelope").annotate(n=Count("pk")).order_by("-n", "member")
           .first())
    if top is None or top["n"] < rows:
        raise RuntimeError(f"nobody has {rows} contributions to retribute on one envelope")
    days = list(work.filter(member=top["member"], envelope=top["envelope"])
                .order_by("-date").values_list("date", flat=True)[:rows])
    start, end = days[-1], days[0]
    envelope = Envelope.objects.select_related("project").get(pk=top["envelope"])
    # Whoever steers it gets no line from it (nobody approves a run that pays them).
    actor = (get_user_model().objects.exclude(member__contributions__envelope=envelope)
             .order_by("pk").first())
    # Enough for the period's work at the envelope's daily rate an hour (more than any
    # rule hands out: the surplus goes where the envelope's policy says).
    hours = run_contributions(envelope, start, end).aggregate(h=Sum("hours"))["h"]
    grant = to_cents(max(-envelope_available(envelope.pk), Decimal(0))
                     + hours * (envelope.daily_rate or Decimal(250)))
    project = envelope.project
    funding_create(project=project, author=actor, funder="Bench", reference="bench-long-statement",
                   amount=grant, start=start, end=end)
    envelope_adjust(envelope=envelope, delta=grant, reason="Bench: long statement", author=actor)
    run = run_create(actor=actor, envelope=envelope, period_start=start, period_end=end)
    run_compute(run_id=run.pk)
    run = run_approve(actor=actor, run=RetributionRun.objects.get(pk=run.pk))
    return run, Member.objects.get(pk=top["member"])


def _reset_peak() -> None:
    """Peak RSS from now on (Linux: ``clear_refs`` 5 resets the high-water mark), so setting
    up the long statement's run is not counted as the render's memory."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # not Linux: the peak then includes the setup (an overestimate)
        pass


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one(kind: str, ident: int) -> dict:
    """``seconds`` is wall time (what the bench compares, on a quiet machine);
    ``cpu_seconds`` the process's CPU over the same span, which holds on a busy one."""
    if kind == "long-statement":
        with transaction.atomic():
            run, member = long_statement(ident)
            _reset_peak()
            result = _measured("statement", 0, run=run, member=member)
            result["contributions"] = run.contributions.filter(member=member).count()
            transaction.set_rollback(True)
        return result
    return _measured(kind, ident)


def _measured(kind: str, ident: int, *, run=None, member=None) -> dict:
    started, cpu_started = time.perf_counter(), _cpu()
    with translation.override("fr"):
        if run is not None:
            html = statement_html(run=run, member=member)
        elif kind == "report":
            html = funder_report_html(project=Project.objects.get(pk=ident))
        elif kind == "statement":
            line = RetributionLine.objects.select_related("run", "member").get(pk=ident)
            html = statement_html(run=line.run, member=line.member)
        elif kind == "bare":  # the former baseline: WeasyPrint's default page and font
            html = "<html><body>" + PLAIN_PAGE * ident + "</body></html>"
        else:
            html = plain_html(ident)
        pdf, pages = render_pdf(html)
    seconds, cpu_seconds = time.perf_counter() - started, _cpu() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 3), "cpu_seconds": round(cpu_seconds, 3),
            "peak_mb": round(peak_mb, 1), "pages": pages, "bytes": len(pdf)}


def measure(kind: str, ident: int) -> dict:
    result = subprocess.run([sys.executable, "-m", "bench.documents_bench", "one", kind, str(ident)],
                            capture_output=True, text=True, env=os.environ)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def project_near(rows: int) -> tuple[Project, int]:
    """The project whose contribution count is closest to ``rows``."""
    counts = (Contribution.objects.values("project").annotate(n=Count("pk")).order_by("-n"))
    best = min(counts, key=lambda c: abs(c["n"] - rows))
    return Project.objects.get(pk=best["project"]), best["n"]


def meets(document: dict, plain: dict) -> bool:
    return document["seconds"] <= 2 * plain["seconds"] and document["peak_mb"] <= 300


def compared(document: dict, plain: dict, bare: dict) -> dict:
    """The document against the plain page (``time_ratio``, wall: what the target is about),
    the same in CPU (``cpu_ratio``: holds on a busy machine) and against the bare page of
    the first measures (``time_ratio_bare``)."""
    return {**document, "baseline_plain_same_pages": plain, "baseline_bare_same_pages": bare,
            "time_ratio": round(document["seconds"] / plain["seconds"], 2),
            "cpu_ratio": round(document["cpu_seconds"] / plain["cpu_seconds"], 2),
            "time_ratio_bare": round(document["seconds"] / bare["seconds"], 2),
            "baseline": BASELINE, "target": TARGET, "meets_target": meets(document, plain)}


def main() -> dict:
    out = {}
    for label, rows in (("funder_report_10k", 10_000), ("funder_report_largest", 10**9)):
        project, n = project_near(rows)
        report = measure("report", project.pk)
        out[label] = {"project": project.slug, "contributions": n, **compared(
            report, measure("plain", report["pages"]), measure("bare", report["pages"]))}
    line = RetributionLine.objects.order_by("-money").first()
    if line:
        statement = {"contributions": line.run.contributions.filter(member=line.member_id).count(),
                     **measure("statement", line.pk)}
        out["statement"] = compared(statement, measure("plain", statement["pages"]),
                                    measure("bare", statement["pages"]))
    # The case: a 29-page statement (a run made for it, rolled back: long_statement).
    long = measure("long-statement", LONG_STATEMENT_ROWS)
    out["statement_29_pages"] = compared(long, measure("plain", long["pages"]),
                                         measure("bare", long["pages"]))
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "one":
        print(json.dumps(one(sys.argv[2], int(sys.argv[3]))))
    else:
        print(json.dumps(main()))
