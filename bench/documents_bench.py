"""Documents: time and peak memory to render a funder report and a contributor statement,
each in a fresh process, against WeasyPrint rendering a plain document of the same page
count in a fresh process too (run inside Django, on the bench DB).

``python -m bench.documents_bench``            → JSON summary (spawns the measures below)
``python -m bench.documents_bench one KIND ID`` → one measure: KIND is report, statement or
plain (ID = page count for plain); prints seconds, peak RSS (MB) and pages.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contribbudget.settings")
django.setup()

from django.db.models import Count  # noqa: E402
from django.utils import translation  # noqa: E402

from contributions.models import Contribution  # noqa: E402
from projects.models import Project  # noqa: E402
from retributions.models import RetributionLine  # noqa: E402
from retributions.services.documents import (  # noqa: E402
    funder_report_html,
    render_pdf,
    statement_html,
)

# One A4 page of text each (a heading and 15 paragraphs fit in the app's page margins).
PLAIN_PAGE = ("<section style='break-before: page'><h1>Page</h1>"
              + "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>" * 15 + "</section>")


def one(kind: str, ident: int) -> dict:
    started = time.perf_counter()
    with translation.override("fr"):
        if kind == "report":
            html = funder_report_html(project=Project.objects.get(pk=ident))
        elif kind == "statement":
            line = RetributionLine.objects.select_related("run", "member").get(pk=ident)
            html = statement_html(run=line.run, member=line.member)
        else:
            html = "<html><body>" + PLAIN_PAGE * ident + "</body></html>"
        pdf, pages = render_pdf(html)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 3), "peak_mb": round(peak_mb, 1), "pages": pages,
            "bytes": len(pdf)}


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


def main() -> dict:
    out = {}
    for label, rows in (("funder_report_10k", 10_000), ("funder_report_largest", 10**9)):
        project, n = project_near(rows)
        report = measure("report", project.pk)
        plain = measure("plain", report["pages"])
        out[label] = {"project": project.slug, "contributions": n, **report,
                      "baseline_plain_same_pages": plain,
                      "time_ratio": round(report["seconds"] / plain["seconds"], 2),
                      "target": "≤ 2× the plain document; peak memory ≤ 300 MB",
                      "meets_target": report["seconds"] <= 2 * plain["seconds"] and report["peak_mb"] <= 300}
    line = RetributionLine.objects.order_by("-money").first()
    if line:
        statement = measure("statement", line.pk)
        plain = measure("plain", statement["pages"])
        out["statement"] = {**statement, "baseline_plain_same_pages": plain,
                            "time_ratio": round(statement["seconds"] / plain["seconds"], 2)}
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "one":
        print(json.dumps(one(sys.argv[2], int(sys.argv[3]))))
    else:
        print(json.dumps(main()))
