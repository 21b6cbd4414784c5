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
from contributions.models import Contribution, EnvelopeMonthTotal
from projects.models import Funding
from projects.selectors import (
    HOURS,
    MONEY,
)

from ..models import RetributionLine, RetributionRun
from .report import COUNTED, H0, VOLUNTEER_PREFERENCES, _valuation_groups, in_kind_from_groups

# --- Treasurer's desk ----------------------------------------------------------------------

def year_totals(year: int) -> dict:
    """The network's year: budget of the fundings running that year, money of the approved
    runs ending that year (distributed, paid, still to pay) and the in-kind valuation of the
    year's validated hours (five queries)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    budget = Funding.objects.filter(start__lte=end, end__gte=start).aggregate(
        t=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))["t"]
    lines = RetributionLine.objects.filter(
        run__status=RetributionRun.Status.APPROVED, run__period_end__gte=start,
        run__period_end__lte=end).aggregate(
        distributed=Coalesce(Sum("money"), Value(ZERO), output_field=MONEY),
        paid=Coalesce(Sum("money", filter=Q(paid_on__isnull=False)), Value(ZERO), output_field=MONEY))
    contributions = Contribution.objects.filter(status__in=COUNTED, date__gte=start, date__lte=end)
    groups = _valuation_groups(contributions.filter(Q(salaried=True)
                                                    | Q(member__preference__in=VOLUNTEER_PREFERENCES)), {})
    # The year's validated hours from the maintained monthly totals (a few rows per
    # envelope and month, not the year's contributions).
    hours = EnvelopeMonthTotal.objects.filter(
        status__in=COUNTED, month__gte=start, month__lte=end).aggregate(
        t=Coalesce(Sum("hours"), Value(H0), output_field=HOURS))["t"]
    return {"year": year, "budget": budget, "distributed": lines["distributed"],
            "paid": lines["paid"], "to_pay": lines["distributed"] - lines["paid"],
            "in_kind": in_kind_from_groups(groups), "validated_hours": hours}


# The desk's totals scan the whole year of the network (a million rows at federation scale,
# ~0.25 s): they are kept in the cache (Redis in production) for a few minutes, stamped with
# the time they were computed, and forgotten at once when money moves (a run approved or
# reopened, a payment recorded, a funding changed) — see retributions/signals.py. Validated
# hours feed the in-kind figure within DESK_TOTALS_SECONDS; the page says when it was computed
# and offers "Recalculer".
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
