"""The rule pass of an import: ``services.contribution_check`` on every row that read well,
with what it needs read once for the whole file (issue 15, point 3).

The per-row service reads, for each row, the project's team and the member's hours on that
day; here both are read in one query each for the whole file, and the check is told what the
file itself adds as it goes, so the outcome is the one the service would reach writing the
rows in order:

- the 24 h a day rule counts the hours already recorded (``COUNTED_STATUSES``) plus the
  earlier accepted rows of the file on the same member-day;
- a newcomer's first accepted row on an open project makes them part of its team (the
  service's ``join_on_contribution``), so their later rows and invitations are checked as
  the team's;
- a row whose ``import_key`` is already written is skipped (the service's idempotency).

The preview and the commit both run it, so they report the same errors.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from projects.models import ProjectRole

from . import services
from .models import Contribution


def check_rules(parsed: list) -> None:
    """Second pass over the rows that read well: skip those already imported, run the
    service's rule check on the others with what it needs read in bulk."""
    candidates = [r for r in parsed if not r.errors and r.values]
    keys = [r.import_key for r in candidates]
    written = set()
    for start in range(0, len(keys), 900):  # SQLite's limit on query parameters
        written |= set(Contribution.objects.filter(import_key__in=keys[start:start + 900])
                       .values_list("import_key", flat=True))
    project_ids = {r.values["project"].pk for r in candidates}
    teams: dict[int, set[int]] = defaultdict(set)
    for project_id, member_id in ProjectRole.objects.filter(
            project_id__in=project_ids).values_list("project_id", "member_id"):
        teams[project_id].add(member_id)
    member_ids = {r.values["member"].pk for r in candidates}
    dates = [r.values["date"] for r in candidates]
    recorded: dict[tuple, Decimal] = defaultdict(lambda: Decimal("0"))
    if candidates:
        for member_id, date, total in (
                Contribution.objects.filter(member_id__in=member_ids, date__gte=min(dates),
                                            date__lte=max(dates),
                                            status__in=services.COUNTED_STATUSES)
                .values("member_id", "date").annotate(total=Sum("hours"))
                .values_list("member_id", "date", "total").order_by()):
            recorded[(member_id, date)] = total
    day_extra: dict[tuple, Decimal] = defaultdict(lambda: Decimal("0"))
    today = timezone.localdate()  # one "today" for the whole file
    for row in candidates:
        if row.import_key in written:
            row.skipped = True
            continue
        v = row.values
        day = (v["member"].pk, v["date"])
        try:
            services.contribution_check(
                member=v["member"], project=v["project"], envelope=v["envelope"],
                date=v["date"], hours=v["hours"], kind=v["kind"], description=v["description"],
                invited_by=v["invited_by"], team=teams[v["project"].pk],
                day_hours=recorded[day], extra_day_hours=day_extra[day], today=today)
        except ValidationError as error:
            row.errors.extend(error.messages)
        else:
            day_extra[day] += v["hours"]
            team = teams[v["project"].pk]
            if v["project"].is_open and v["member"].pk not in team:
                # The service makes a newcomer part of the team with their first row, so
                # their later rows (and their invitations) are checked as the team's.
                row.joins_team = True
                team.add(v["member"].pk)
