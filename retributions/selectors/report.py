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
import math
from dataclasses import dataclass, field
from decimal import Decimal

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

from contribbudget.models import Member, NetworkSettings, Preference
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

from ..engine import largest_remainder_over, valuation
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
    if len(groups) == 1:  # most envelopes of the desk's year: nothing to apportion
        groups[0]["valued"] = valuation(groups[0]["hours"], daily_rate, hours_per_day)
        return
    order = sorted(range(len(groups)), key=lambda i: _key(groups[i]))  # the tie-break
    if not hours_per_day:
        cents = [0] * len(order)
    else:
        # Group i is worth hours_i × rate ÷ per_day euros, i.e. 100·ha·ra·pb / (hb·rb·pa)
        # cents with each figure's integer ratio: one denominator for the envelope, so
        # the largest remainder runs on integers (the same cents as with Fractions).
        (ra, rb), (pa, pb) = (Decimal(daily_rate).as_integer_ratio(),
                              Decimal(hours_per_day).as_integer_ratio())
        ratios = [Decimal(groups[i]["hours"]).as_integer_ratio() for i in order]
        scale = math.lcm(*(hb for _, hb in ratios))
        cents = largest_remainder_over([100 * ha * (scale // hb) * ra * pb for ha, hb in ratios],
                                       scale * rb * pa)
    for i, c in zip(order, cents, strict=True):
        groups[i]["valued"] = (Decimal(c) / 100).quantize(Decimal("0.01"))


def _key(group: dict) -> tuple:
    return (group["kind"], group["member__home_place__name"] or "", group["salaried"],
            group["volunteer"])


def _valued(groups: list[dict], rates: dict[int, tuple]) -> list[dict]:
    """``groups`` valued per envelope (:func:`_apportion`); ``rates``: envelope id → (daily
    rate, hours per day); missing envelopes are loaded (one query)."""
    missing = {g["envelope_id"] for g in groups} - set(rates)
    if missing:
        rates.update({pk: (rate, per_day) for pk, rate, per_day in Envelope.objects.filter(
            pk__in=missing).values_list("pk", "daily_rate", "hours_per_day")})
    by_envelope: dict[int, list[dict]] = {}
    for g in groups:
        by_envelope.setdefault(g["envelope_id"], []).append(g)
    for envelope_id, envelope_groups in by_envelope.items():
        _apportion(envelope_groups, *rates[envelope_id])
    return groups


def _valuation_groups(contributions: QuerySet[Contribution], rates: dict[int, tuple]) -> list[dict]:
    """One GROUP BY over the contributions: hours per (envelope, kind, place, salaried,
    volunteer), valued at the envelope's rate (see :func:`_valued`)."""
    groups = list(
        contributions
        .annotate(volunteer=Case(When(member__preference__in=VOLUNTEER_PREFERENCES, then=True),
                                 default=False, output_field=BooleanField()))
        .values("envelope_id", "kind", "member__home_place__name", "salaried", "volunteer")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    return _valued(groups, rates)


def _member_rows(contributions: QuerySet[Contribution]) -> list[dict]:
    """The report's one pass over the contributions: hours and count per (envelope, kind,
    member, salaried), with the member's name, home place and volunteer flag. Every
    breakdown of the report (valuation groups, contributors per kind and per place, the
    contributors' list) is a sum of these rows, so the contributions are grouped once
    instead of four times (four GROUP BY over 50,000 rows for the largest project). Grouped
    on ids only (joining names into the GROUP BY made PostgreSQL sort the 50,000 rows on
    text); the members come in a second query, ordered by name in the database so the list
    of contributors keeps the database's collation (``rank``)."""
    rows = list(contributions.values("envelope_id", "kind", "member_id", "salaried")
                .annotate(hours=Sum("hours"), count=Count("pk")).order_by())
    members = {m["pk"]: {**m, "rank": rank} for rank, m in enumerate(
        Member.objects.filter(pk__in=contributions.values("member_id"))
        .order_by("last_name", "first_name", "pk")
        .values("pk", "first_name", "last_name", "home_place__name", "preference"))}
    for r in rows:
        member = members[r["member_id"]]
        r.update({"member__first_name": member["first_name"],
                  "member__last_name": member["last_name"],
                  "member__home_place__name": member["home_place__name"],
                  "volunteer": member["preference"] in VOLUNTEER_PREFERENCES,
                  "rank": member["rank"]})
    return rows


def _groups_from_member_rows(rows: list[dict], rates: dict[int, tuple]) -> list[dict]:
    """:func:`_valuation_groups`'s groups (envelope, kind, place, salaried, volunteer),
    summed from :func:`_member_rows` and valued the same way."""
    merged: dict[tuple, dict] = {}
    for r in rows:
        key = (r["envelope_id"], r["kind"], r["member__home_place__name"], r["salaried"],
               r["volunteer"])
        group = merged.get(key)
        if group is None:
            merged[key] = group = {"envelope_id": key[0], "kind": key[1],
                                   "member__home_place__name": key[2], "salaried": key[3],
                                   "volunteer": key[4], "hours": H0}
        group["hours"] += r["hours"]
    return _valued(list(merged.values()), rates)


def _people(rows: list[dict]) -> list[dict]:
    """Hours and contributions per member, most hours first, then by name (in the
    database's collation) and id, as ``ORDER BY -hours, last_name, first_name, id``."""
    people: dict[int, dict] = {}
    for r in rows:
        person = people.get(r["member_id"])
        if person is None:
            people[r["member_id"]] = person = {
                "member_id": r["member_id"], "member__first_name": r["member__first_name"],
                "member__last_name": r["member__last_name"], "hours": H0, "count": 0,
                "rank": r["rank"]}
        person["hours"] += r["hours"]
        person["count"] += r["count"]
    return sorted(people.values(), key=lambda p: (-p["hours"], p["rank"]))


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
    runs_q = scope.run_filter()
    envelopes = list(
        envelopes_with_totals(Envelope.objects.filter(project=project))
        .annotate(
            initial=Coalesce(Subquery(first_delta, output_field=MONEY), Value(ZERO), output_field=MONEY),
            period_distributed=sum_subquery(
                RetributionRun.objects.filter(runs_q, envelope=OuterRef("pk")), "distributed"),
            period_paid=sum_subquery(
                RetributionLine.objects.filter(scope.run_filter("run__"), run__envelope=OuterRef("pk"),
                                               paid_on__isnull=False), "money"),
        )
        .order_by("pk")
    )
    rates = {e.pk: (e.daily_rate, e.hours_per_day) for e in envelopes}
    rows = _member_rows(contributions)
    groups = _groups_from_member_rows(rows, rates)

    valued_by_envelope: dict[int, Decimal] = {}
    hours_by_envelope: dict[int, Decimal] = {}
    by_kind: dict = {}
    by_place: dict = {}
    for g in groups:
        valued_by_envelope[g["envelope_id"]] = valued_by_envelope.get(g["envelope_id"], ZERO) + g["valued"]
        hours_by_envelope[g["envelope_id"]] = hours_by_envelope.get(g["envelope_id"], H0) + g["hours"]
        _add(by_kind, g["kind"], g["hours"], g["valued"])
        _add(by_place, g["member__home_place__name"], g["hours"], g["valued"])
    for e in envelopes:
        e.adjustments_total = e.amount - e.initial
        e.period_hours = hours_by_envelope.get(e.pk, H0)
        e.period_valued = valued_by_envelope.get(e.pk, ZERO)

    kind_members: dict = {}
    place_members: dict = {}
    for r in rows:
        kind_members.setdefault(r["kind"], set()).add(r["member_id"])
        place_members.setdefault(r["member__home_place__name"], set()).add(r["member_id"])
    kind_counts = {k: len(v) for k, v in kind_members.items()}
    place_counts = {k: len(v) for k, v in place_members.items()}
    kind_labels = dict(Contribution.Kind.choices)
    kinds = [{"label": str(kind_labels.get(k, k)), "hours": v["hours"], "valued": v["valued"],
              "contributors": kind_counts.get(k, 0)}
             for k, v in sorted(by_kind.items(), key=lambda kv: (-kv[1]["hours"], kv[0]))]
    places = [{"label": name or "", "hours": v["hours"], "valued": v["valued"],
               "contributors": place_counts.get(name, 0)}
              for name, v in sorted(by_place.items(), key=lambda kv: (-kv[1]["hours"], kv[0] or "~"))]

    people = _people(rows)
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

