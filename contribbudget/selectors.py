"""Reads for the home pages. Every figure is one SQL aggregate."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from contributions.models import Contribution
from contributions.review_rule import reviewable_by
from projects.models import Adjustment, Funding, Project, ProjectRole
from projects.selectors import projects_with_totals
from retributions.models import RetributionLine, RetributionRun

from .models import Member

HOURS: DecimalField = DecimalField(max_digits=12, decimal_places=2)
MONEY: DecimalField = DecimalField(max_digits=13, decimal_places=2)


def _zero(output=HOURS):
    return Value(Decimal("0"), output_field=output)


def contributor_home(member: Member) -> dict:
    """Recent contributions and hours this month / this year (two queries)."""
    today = timezone.localdate()
    month_start = today.replace(day=1)
    year_start = datetime.date(today.year, 1, 1)
    mine = Contribution.objects.filter(member=member)
    totals = mine.exclude(status=Contribution.Status.REJECTED).aggregate(
        month=Coalesce(Sum("hours", filter=Q(date__gte=month_start, date__lte=today)), _zero()),
        year=Coalesce(Sum("hours", filter=Q(date__gte=year_start, date__lte=today)), _zero()),
    )
    recent = list(mine.select_related("project", "envelope").order_by("-date", "-pk")[:8])
    return {"hours_month": totals["month"], "hours_year": totals["year"], "recent": recent}


def pilot_home(member: Member) -> list:
    """The projects this member pilots, with their money totals (one query)."""
    # What the pilot may validate, by the same rule as the queue (not their own work).
    pending = (reviewable_by(member.user, Contribution.objects.filter(
                   project=OuterRef("pk"), status="submitted"))
               .order_by().values("project").annotate(n=Count("pk")).values("n")[:1])
    qs = Project.objects.filter(roles__member=member, roles__role=ProjectRole.Role.PILOT)
    return list(projects_with_totals(qs).annotate(pending=Coalesce(Subquery(pending), 0))
                .select_related("field").order_by("name"))


def network_totals() -> dict:
    """The network's money at a glance, for treasurers and coordinators (four queries)."""
    budget = Funding.objects.aggregate(t=Coalesce(Sum("amount"), _zero(MONEY)))["t"]
    allocated = Adjustment.objects.aggregate(t=Coalesce(Sum("delta"), _zero(MONEY)))["t"]
    lines = RetributionLine.objects.filter(run__status=RetributionRun.Status.APPROVED).aggregate(
        distributed=Coalesce(Sum("money"), _zero(MONEY)),
        paid=Coalesce(Sum("money", filter=Q(paid_on__isnull=False)), _zero(MONEY)),
    )
    hours = Contribution.objects.filter(status__in=["validated", "retributed"]).aggregate(
        t=Coalesce(Sum("hours"), _zero()))["t"]
    return {
        "budget": budget,
        "allocated": allocated,
        "distributed": lines["distributed"],
        "paid": lines["paid"],
        "to_pay": lines["distributed"] - lines["paid"],
        "validated_hours": hours,
        "projects": Project.objects.exclude(phase="closed").count(),
    }
