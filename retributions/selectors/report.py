"""The funder report's figures (DESIGN.md §5).

Every figure is aggregated by the database (SUM / COUNT … GROUP BY); Python only does the
arithmetic on the grouped rows (a handful per envelope, kind and place, never one per
contribution). Envelope amounts and approved runs come from the same selectors as the pages
(:func:`projects.selectors.envelopes_with_totals`, :func:`projects_with_totals`), so a page,
an export and a PDF always agree.

Valuation (DESIGN.md §5): validated hours are worth ``hours / hours_per_day × daily_rate`` of
their envelope, rounded half-up to the cent per envelope — the same figure as the envelope
pages (``projects.selectors.decorate_envelope``). The envelope's cents are then apportioned
exactly over groups of (kind, place, salaried, volunteer), and every breakdown (per kind, per
place, in-kind) is a sum of those groups, so all the totals printed add up to the cent.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from contribbudget.models import NetworkSettings, Preference
from contribbudget.money import ZERO
from contributions.models import Contribution
from projects.models import Adjustment, CoordinationGrain, Envelope, Funding, Project
from projects.selectors import (
    HOURS,
    MONEY,
    envelopes_with_totals,
    projects_with_totals,
    sum_subquery,
)

from ..engine import largest_remainder
from ..models import RetributionLine, RetributionRun

#: Contributions that count as work done (validated, possibly already retributed).
COUNTED = (Contribution.Status.VALIDATED, Contribution.Status.RETRIBUTED)
#: Members whose hours are given, not paid: their time is *bénévolat* (account 864/870).
VOLUNTEER_PREFERENCES = (Preference.VOLUNTEER, Preference.SYMBOLIC)
H0 = Decimal("0")


@dataclass(frozen=True)
class ReportScope:
    """What a funder report covers: a project, optionally one funding line, a period
    (``None`` bounds are open)."""

    project: Project
    funding: Funding | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None

    def contributions(self) -> QuerySet[Contribution]:
        qs = Contribution.objects.filter(project=self.project, status__in=COUNTED)
        if self.start:
            qs = qs.filter(date__gte=self.start)
        if self.end:
            qs = qs.filter(date__lte=self.end)
        return qs.order_by()

    def run_filter(self, prefix: str = "") -> Q:
        """Approved runs whose period overlaps the scope's."""
        q = Q(**{f"{prefix}status": RetributionRun.Status.APPROVED})
        if self.start:
            q &= Q(**{f"{prefix}period_end__gte": self.start})
        if self.end:
            q &= Q(**{f"{prefix}period_start__lte": self.end})
        return q


def scope_for(*, project: Project, funding: Funding | None = None,
              start: datetime.date | None = None, end: datetime.date | None = None) -> ReportScope:
    """A funding line without an explicit period covers the funding's eligible period."""
    if funding is not None:
        start = start or funding.start
        end = end or funding.end
    return ReportScope(project=project, funding=funding, start=start, end=end)


def _apportion(groups: list[dict], daily_rate: Decimal, hours_per_day: Decimal) -> None:
    """Value one envelope's groups so they sum exactly to the envelope's valuation rounded
    once (what the envelope pages show): each group's exact worth is rounded down to the
    cent, and the cents left go to the largest remainders (ties by the group's key)."""
    rate, per_day = Fraction(daily_rate), Fraction(hours_per_day)
    order = sorted(range(len(groups)), key=lambda i: _key(groups[i]))  # the tie-break
    exact = [Fraction(groups[i]["hours"]) * rate / per_day if per_day else Fraction(0)
             for i in order]
    for i, c in zip(order, largest_remainder(exact), strict=True):
        groups[i]["valued"] = (Decimal(c) / 100).quantize(Decimal("0.01"))


def _key(group: dict) -> tuple:
    return (group["kind"], group["member__home_place__name"] or "", group["salaried"],
            group["volunteer"])


def _valuation_groups(contributions: QuerySet[Contribution], rates: dict[int, tuple]) -> list[dict]:
    """One GROUP BY over the contributions: hours per (envelope, kind, place, salaried,
    volunteer), valued at the envelope's rate (see :func:`_apportion`). ``rates``: envelope
    id → (daily rate, hours per day); missing envelopes are loaded (one query)."""
    groups = list(
        contributions
        .annotate(volunteer=Case(When(member__preference__in=VOLUNTEER_PREFERENCES, then=True),
                                 default=False, output_field=BooleanField()))
        .values("envelope_id", "kind", "member__home_place__name", "salaried", "volunteer")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    missing = {g["envelope_id"] for g in groups} - set(rates)
    if missing:
        rates.update({e.pk: (e.daily_rate, e.hours_per_day)
                      for e in Envelope.objects.filter(pk__in=missing).only("daily_rate", "hours_per_day")})
    by_envelope: dict[int, list[dict]] = {}
    for g in groups:
        by_envelope.setdefault(g["envelope_id"], []).append(g)
    for envelope_id, envelope_groups in by_envelope.items():
        _apportion(envelope_groups, *rates[envelope_id])
    return groups


def _add(totals: dict, key, hours: Decimal, valued: Decimal) -> None:
    row = totals.setdefault(key, {"hours": H0, "valued": ZERO})
    row["hours"] += hours
    row["valued"] += valued


def in_kind_from_groups(groups: list[dict]) -> dict:
    """*Contributions volontaires en nature* (accounts 86/87): volunteer work (bénévolat:
    members whose preference is volunteer or symbolic, hours not salaried) and staff made
    available (mises à disposition: hours flagged salaried)."""
    volunteer = {"hours": H0, "valued": ZERO}
    salaried = {"hours": H0, "valued": ZERO}
    for g in groups:
        target = salaried if g["salaried"] else (volunteer if g["volunteer"] else None)
        if target is not None:
            target["hours"] += g["hours"]
            target["valued"] += g["valued"]
    return {"volunteer": volunteer, "salaried": salaried,
            "total": {"hours": volunteer["hours"] + salaried["hours"],
                      "valued": volunteer["valued"] + salaried["valued"]}}


@dataclass
class FunderReportData:
    scope: ReportScope
    network_name: str
    budget: Decimal
    fundings: list
    envelopes: list
    totals: dict
    by_kind: list
    by_place: list
    contributors_count: int
    contributors: list
    named: bool
    in_kind: dict
    grains: list
    runs: list
    has_data: bool
    hours_per_fte_year: Decimal = field(default=Decimal("1607"))


def funder_report_data(scope: ReportScope, *, named: bool = True) -> FunderReportData:
    """Every figure of the funder report (a dozen queries, whatever the number of rows)."""
    project = scope.project
    network = NetworkSettings.load()
    contributions = scope.contributions()

    project_totals = projects_with_totals(Project.objects.filter(pk=project.pk)).get()
    fundings = list(Funding.objects.filter(project=project).order_by("start", "pk"))
    budget = scope.funding.amount if scope.funding else project_totals.budget

    # Envelopes: the pages' selector (current amount, distributed by approved runs, validated
    # hours), plus the same figures restricted to the report's period, the initial amount
    # (first adjustment) and the money actually paid.
    first_delta = (Adjustment.objects.filter(envelope=OuterRef("pk"))
                   .order_by("created_at", "pk").values("delta")[:1])
    period_hours = contributions.filter(envelope=OuterRef("pk"))
    runs_q = scope.run_filter()
    envelopes = list(
        envelopes_with_totals(Envelope.objects.filter(project=project))
        .annotate(
            initial=Coalesce(Subquery(first_delta, output_field=MONEY), Value(ZERO), output_field=MONEY),
            period_hours=sum_subquery(period_hours, "hours", HOURS),
            period_distributed=sum_subquery(
                RetributionRun.objects.filter(runs_q, envelope=OuterRef("pk")), "distributed"),
            period_paid=sum_subquery(
                RetributionLine.objects.filter(scope.run_filter("run__"), run__envelope=OuterRef("pk"),
                                               paid_on__isnull=False), "money"),
        )
        .order_by("pk")
    )
    rates = {e.pk: (e.daily_rate, e.hours_per_day) for e in envelopes}
    groups = _valuation_groups(contributions, rates)

    valued_by_envelope: dict[int, Decimal] = {}
    by_kind: dict = {}
    by_place: dict = {}
    for g in groups:
        valued_by_envelope[g["envelope_id"]] = valued_by_envelope.get(g["envelope_id"], ZERO) + g["valued"]
        _add(by_kind, g["kind"], g["hours"], g["valued"])
        _add(by_place, g["member__home_place__name"], g["hours"], g["valued"])
    for e in envelopes:
        e.adjustments_total = e.amount - e.initial
        e.period_valued = valued_by_envelope.get(e.pk, ZERO)

    kind_counts = dict(contributions.values("kind").annotate(n=Count("member", distinct=True))
                       .values_list("kind", "n"))
    place_counts = dict(contributions.values("member__home_place__name")
                        .annotate(n=Count("member", distinct=True))
                        .values_list("member__home_place__name", "n"))
    kind_labels = dict(Contribution.Kind.choices)
    kinds = [{"label": str(kind_labels.get(k, k)), "hours": v["hours"], "valued": v["valued"],
              "contributors": kind_counts.get(k, 0)}
             for k, v in sorted(by_kind.items(), key=lambda kv: (-kv[1]["hours"], kv[0]))]
    places = [{"label": name or "", "hours": v["hours"], "valued": v["valued"],
               "contributors": place_counts.get(name, 0)}
              for name, v in sorted(by_place.items(), key=lambda kv: (-kv[1]["hours"], kv[0] or "~"))]

    people = list(contributions.values("member_id", "member__first_name", "member__last_name")
                  .annotate(hours=Sum("hours"), count=Count("pk"))
                  .order_by("-hours", "member__last_name", "member__first_name", "member_id"))
    contributors = [{"name": (f"{p['member__first_name']} {p['member__last_name']}".strip()
                              if named else None),
                     "number": i, "hours": p["hours"], "count": p["count"]}
                    for i, p in enumerate(people, start=1)]

    grains = list(
        CoordinationGrain.objects.filter(Q(project=project) | Q(envelope__project=project))
        .select_related("member", "field", "envelope")
        .annotate(used=sum_subquery(
            Contribution.objects.filter(grain=OuterRef("pk"), status__in=COUNTED,
                                        **({"date__gte": scope.start} if scope.start else {}),
                                        **({"date__lte": scope.end} if scope.end else {})),
            "hours", HOURS))
        .order_by("start", "pk"))
    for grain in grains:
        grain.capacity = grain.capacity_hours(network.hours_per_fte_year)

    runs = list(
        RetributionRun.objects.filter(runs_q, envelope__project=project)
        .select_related("envelope")
        .annotate(
            lines_count=Coalesce(Subquery(
                RetributionLine.objects.filter(run=OuterRef("pk")).order_by().values("run")
                .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0),
            paid=sum_subquery(RetributionLine.objects.filter(run=OuterRef("pk"),
                                                             paid_on__isnull=False), "money"))
        .order_by("period_start", "pk"))

    hours_total = sum((g["hours"] for g in groups), H0)
    valued_total = sum((g["valued"] for g in groups), ZERO)
    totals = {
        "amount": sum((e.amount for e in envelopes), ZERO),
        "initial": sum((e.initial for e in envelopes), ZERO),
        "adjustments": sum((e.adjustments_total for e in envelopes), ZERO),
        "hours": hours_total,
        "valued": valued_total,
        "distributed": sum((e.period_distributed for e in envelopes), ZERO),
        "paid": sum((e.period_paid for e in envelopes), ZERO),
        "runs_distributed": sum((r.distributed or ZERO for r in runs), ZERO),
    }
    return FunderReportData(
        scope=scope, network_name=network.name, budget=budget, fundings=fundings,
        envelopes=envelopes, totals=totals, by_kind=kinds, by_place=places,
        contributors_count=len(people), contributors=contributors, named=named,
        in_kind=in_kind_from_groups(groups), grains=grains, runs=runs,
        has_data=bool(groups) or bool(runs), hours_per_fte_year=network.hours_per_fte_year,
    )

