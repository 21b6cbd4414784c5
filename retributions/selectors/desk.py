"""The treasurer's desk totals for a year, and their cache."""
from __future__ import annotations

import datetime
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from contribbudget.money import ZERO
from contributions.models import EnvelopeMonthTotal, EnvelopeYearInKindTotal
from projects.models import Funding
from projects.selectors import (
    HOURS,
    MONEY,
)

from ..models import RetributionLine, RetributionRun
from .report import COUNTED, H0, _valued, in_kind_from_groups

# --- Treasurer's desk ----------------------------------------------------------------------

def in_kind_groups_of_year(year: int) -> list[dict]:
    """The year's in-kind hours per envelope — staff made available (salaried) and volunteer
    work — valued at the envelope's rate: each envelope's in-kind hours valued once, rounded
    half-up, and split between its two groups by largest remainder (the desk and the
    accounting export both use these, so they agree to the cent). Read from the maintained
    yearly totals (a few rows per envelope, not the year's contributions; two queries)."""
    rates: dict[int, tuple] = {}
    merged: dict[tuple, dict] = {}
    # The envelope's rate comes with its rows (a join, not an IN list of every envelope).
    for envelope_id, salaried, volunteer, hours, rate, per_day in (
            EnvelopeYearInKindTotal.objects.filter(year=year)
            .filter(Q(salaried=True) | Q(volunteer=True)).exclude(hours=0)
            .values_list("envelope_id", "salaried", "volunteer", "hours",
                         "envelope__daily_rate", "envelope__hours_per_day")):
        rates[envelope_id] = (rate, per_day)
        # Salaried hours are staff made available whatever the member's preference.
        key = (envelope_id, salaried, False if salaried else volunteer)
        if key in merged:
            merged[key]["hours"] += hours
        else:
            merged[key] = {"envelope_id": envelope_id, "salaried": salaried,
                           "volunteer": key[2], "hours": hours, "kind": "",
                           "member__home_place__name": None}
    return _valued(list(merged.values()), rates)


def year_totals(year: int) -> dict:
    """The network's year: budget of the fundings running that year, money of the approved
    runs ending that year (distributed, paid, still to pay) and the in-kind valuation of the
    year's validated hours (six queries, none over the year's contributions)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    budget = Funding.objects.filter(start__lte=end, end__gte=start).aggregate(
        t=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))["t"]
    lines = RetributionLine.objects.filter(
        run__status=RetributionRun.Status.APPROVED, run__period_end__gte=start,
        run__period_end__lte=end).aggregate(
        distributed=Coalesce(Sum("money"), Value(ZERO), output_field=MONEY),
        paid=Coalesce(Sum("money", filter=Q(paid_on__isnull=False)), Value(ZERO), output_field=MONEY))
    groups = in_kind_groups_of_year(year)
    # The year's validated hours from the maintained monthly totals (a few rows per
    # envelope and month, not the year's contributions).
    hours = EnvelopeMonthTotal.objects.filter(
        status__in=COUNTED, month__gte=start, month__lte=end).aggregate(
        t=Coalesce(Sum("hours"), Value(H0), output_field=HOURS))["t"]
    return {"year": year, "budget": budget, "distributed": lines["distributed"],
            "paid": lines["paid"], "to_pay": lines["distributed"] - lines["paid"],
            "in_kind": in_kind_from_groups(groups), "validated_hours": hours}


# The desk's totals read maintained totals (no scan of the year's rows since the in-kind
# table: 3.2 s -> see the README at 10 M contributions), and are still kept in the cache
# (Redis in production) for a few minutes, stamped with the time they were computed, and
# forgotten at once when money moves (a run approved or reopened, a payment recorded, a
# funding changed) — see retributions/signals.py. Validated hours feed the in-kind figure
# within DESK_TOTALS_SECONDS; the page says when it was computed and offers "Recalculer".
DESK_TOTALS_SECONDS = 300
_DESK_GENERATION_KEY = "desk:totals:generation"


def forget_year_totals() -> None:
    """Make every cached year of the desk stale (after the transaction commits)."""
    transaction.on_commit(lambda: cache.set(_DESK_GENERATION_KEY, time.time_ns(), None))


def cached_year_totals(year: int, *, refresh: bool = False) -> dict:
    """:func:`year_totals` from the cache when fresh, with ``computed_at``."""
    generation = cache.get_or_set(_DESK_GENERATION_KEY, time.time_ns, None)
    key = f"desk:totals:{generation}:{year}"
    totals = None if refresh else cache.get(key)
    if totals is None:
        totals = {**year_totals(year), "computed_at": timezone.now()}
        cache.set(key, totals, DESK_TOTALS_SECONDS)
    return totals
