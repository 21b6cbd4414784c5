"""Import: a 10,000-row CSV of past contributions — preview (every row checked) and commit
(all-or-nothing, through the same service as the forms) — against seed_scale's insert
speed per row (run inside Django, on the bench DB). Contributions are never deleted, so
each bench run imports into a fresh envelope."""
from __future__ import annotations

import datetime
import io
import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contribbudget.settings")
django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from contribbudget.models import Member  # noqa: E402
from contributions.imports import import_commit, import_create  # noqa: E402
from contributions.models import ContributionImport  # noqa: E402
from projects.models import Envelope, Project, ProjectRole  # noqa: E402

ROWS = 10_000


def csv_bytes(project: Project, envelope: Envelope, emails: list[str]) -> bytes:
    """10,000 valid rows: members of the project, past weekdays, 1 h each (never above
    24 h a day for anyone)."""
    out = io.StringIO()
    out.write("email,date,hours,project,envelope,kind,description\n")
    today = timezone.localdate()
    for i in range(ROWS):
        day = today - datetime.timedelta(days=1 + (i // len(emails)) % 300)
        out.write(f"{emails[i % len(emails)]},{day.isoformat()},1,{project.slug},"
                  f"{envelope.name},production,Import bench {i}\n")
    return out.getvalue().encode()


def main() -> dict:
    busiest = (ProjectRole.objects.values("project").annotate(n=Count("member"))
               .order_by("-n").first())
    project = Project.objects.get(pk=busiest["project"])
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    envelope = Envelope.objects.create(project=project, name=f"Import bench {stamp}",
                                       kind="production")
    emails = list(ProjectRole.objects.filter(project=project)
                  .values_list("member__user__email", flat=True))
    coordinator = Member.objects.order_by("pk").first()
    Member.objects.filter(pk=coordinator.pk).update(is_coordinator=True)
    content = csv_bytes(project, envelope, emails)
    started = time.perf_counter()
    imp, rows = import_create(user=coordinator.user,
                              upload=SimpleUploadedFile(f"bench-{stamp}.csv", content, "text/csv"))
    preview = time.perf_counter() - started
    errors = len(imp.errors)
    ContributionImport.objects.filter(pk=imp.pk).update(status=ContributionImport.Status.QUEUED)
    started = time.perf_counter()
    result = import_commit(import_id=imp.pk)
    commit = time.perf_counter() - started
    seed_rate = float(os.environ.get("BENCH_SEED_ROWS_PER_S") or 0)
    per_row = commit / ROWS
    return {
        "rows": ROWS, "preview_seconds": round(preview, 2), "preview_errors": errors,
        "commit_seconds": round(commit, 2), "created": result.get("created"),
        "status": result.get("status"),
        "per_row_ms": round(per_row * 1000, 3),
        "baseline_seed_scale_per_row_ms": round(1000 / seed_rate, 4) if seed_rate else None,
        "ratio_per_row": round(per_row * seed_rate, 1) if seed_rate else None,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
