"""Reads about projects and envelopes. Totals are computed by the database (one correlated
SUM subquery per figure, so joins never multiply rows), never by looping in Python."""
from __future__ import annotations

import functools
from decimal import Decimal
from functools import cache

from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contribbudget.models import Member
from contribbudget.money import ZERO
from contributions.models import Contribution, EnvelopeMonthTotal, MemberProjectTotal
from retributions.engine import valuation  # pure: the one valuation formula
from retributions.models import RetributionRun

from .models import (
    Adjustment,
    AdjustmentRequest,
    CoordinationGrain,
    Envelope,
    Funding,
    Project,
    ProjectRole,
)

MONEY: DecimalField = DecimalField(max_digits=13, decimal_places=2)
HOURS: DecimalField = DecimalField(max_digits=12, decimal_places=2)


def sum_subquery(queryset: QuerySet, field: str, output=MONEY) -> Coalesce:
    """``COALESCE((SELECT SUM(field) FROM … WHERE …), 0)`` for annotations.

    A plain SQL ``SUM`` (a Func, not Django's aggregate) so Django adds no GROUP BY and the
    correlated subquery returns exactly one row."""
    total = queryset.order_by().annotate(
        _total=Func(F(field), function="SUM", output_field=output)).values("_total")[:1]
    return Coalesce(Subquery(total, output_field=output), Value(Decimal("0"), output_field=output),
                    output_field=output)


def envelopes_with_totals(queryset: QuerySet[Envelope] | None = None) -> QuerySet[Envelope]:
    """Envelopes annotated with ``amount`` (sum of adjustments), ``distributed`` (money of
    approved runs), ``validated_hours`` (validated or retributed contributions) and
    ``available`` (amount − distributed)."""
    queryset = queryset if queryset is not None else Envelope.objects.all()
    return queryset.annotate(
        amount=sum_subquery(Adjustment.objects.filter(envelope=OuterRef("pk")), "delta"),
        distributed=sum_subquery(
            RetributionRun.objects.filter(envelope=OuterRef("pk"),
                                          status=RetributionRun.Status.APPROVED),
            "distributed"),
        validated_hours=sum_subquery(
            EnvelopeMonthTotal.objects.filter(envelope=OuterRef("pk"), status__in=VALIDATED),
            "hours", HOURS),
    )


def envelope_amount(envelope_id: int) -> Decimal:
    """What an envelope holds: the sum of its adjustments (append-only; one aggregate)."""
    total = Adjustment.objects.filter(envelope_id=envelope_id).aggregate(t=Sum("delta"))["t"]
    return total or ZERO


def envelope_distributed(envelope_id: int) -> Decimal:
    """What the envelope's approved runs distributed (one aggregate)."""
    total = RetributionRun.objects.filter(
        envelope_id=envelope_id, status=RetributionRun.Status.APPROVED).aggregate(
        t=Sum("distributed"))["t"]
    return total or ZERO


def envelope_available(envelope_id: int) -> Decimal:
    """Amount minus distributed: what a run of the envelope may still hand out (two
    aggregates; :func:`envelopes_with_totals` gives the same figures for many envelopes).
    Surplus sent to the commons or the reserve leaves the envelope as a transfer
    (adjustments), so it is already out of this figure."""
    return envelope_amount(envelope_id) - envelope_distributed(envelope_id)


def projects_with_totals(queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """Projects annotated with ``budget`` (sum of fundings), ``allocated`` (sum of their
    envelopes), ``distributed`` (approved runs) and ``validated_hours``."""
    queryset = queryset if queryset is not None else Project.objects.all()
    return queryset.annotate(
        budget=sum_subquery(Funding.objects.filter(project=OuterRef("pk")), "amount"),
        allocated=sum_subquery(Adjustment.objects.filter(envelope__project=OuterRef("pk")),
                               "delta"),
        distributed=sum_subquery(
            RetributionRun.objects.filter(envelope__project=OuterRef("pk"),
                                          status=RetributionRun.Status.APPROVED),
            "distributed"),
        validated_hours=sum_subquery(
            EnvelopeMonthTotal.objects.filter(project=OuterRef("pk"), status__in=VALIDATED),
            "hours", HOURS),
    )


# --- Querysets built once ----------------------------------------------------------------------
# Resolving a correlated-subquery annotation costs ~0.3 ms each time a queryset is built (1.4 ms
# for a project's four totals): the project page's querysets are built once per process and
# each page filters a clone (never evaluate these themselves).

@cache
def projects_with_totals_and_field() -> QuerySet[Project]:
    """:func:`projects_with_totals` of every project, with its field of action."""
    return projects_with_totals(Project.objects.select_related("field"))


@cache
def _envelopes_by_pk() -> QuerySet[Envelope]:
    return envelopes_with_totals(Envelope.objects.order_by("pk"))


def project_budget(project: Project) -> Decimal:
    return Funding.objects.filter(project=project).aggregate(
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))["total"]


# --- Pages -----------------------------------------------------------------------------------
# The helpers below decorate rows already loaded (arithmetic on one row's annotations, never
# a query per row), so each page runs the same number of queries whatever its size.

VALIDATED = ("validated", "retributed")
WARN_SHARE = Decimal("0.9")


def decorate_envelope(envelope: Envelope) -> Envelope:
    """Add ``valued`` (validated hours at the envelope's reference daily rate), ``available``
    (amount − distributed), ``consumed_percent`` and ``bar_class`` to an envelope annotated
    by :func:`envelopes_with_totals`."""
    hours_per_day = envelope.hours_per_day or Decimal("7")
    envelope.valued = valuation(envelope.validated_hours, envelope.daily_rate, hours_per_day)
    envelope.available = envelope.amount - envelope.distributed
    used = max(envelope.valued, envelope.distributed)
    envelope.used = used
    if envelope.amount > 0:
        envelope.consumed_percent = int(min(Decimal(100), used * 100 / envelope.amount))
    else:
        envelope.consumed_percent = 100 if used > 0 else 0
    if used > envelope.amount:
        envelope.bar_class = "over"
    elif envelope.amount > 0 and used >= envelope.amount * WARN_SHARE:
        envelope.bar_class = "warn"
    else:
        envelope.bar_class = ""
    return envelope


def project_envelopes(project: Project) -> list[Envelope]:
    """The project's envelopes with their totals (one query)."""
    return [decorate_envelope(e) for e in _envelopes_by_pk().filter(project=project)]


@cache
def _team_rows() -> QuerySet:
    hours = sum_subquery(MemberProjectTotal.objects.filter(
        project=OuterRef("project"), member=OuterRef("member"), status__in=VALIDATED),
        "hours", HOURS)
    return (ProjectRole.objects.annotate(hours=hours)
            .order_by("role", "member__last_name", "member__first_name")
            .values_list("member_id", "role", "member__first_name", "member__last_name",
                         "member__user__email", "member__expected_daily_rate", "hours"))


def project_team(project: Project) -> list[dict]:
    """The team (roles) with each person's validated hours on the project (one query): one
    dict a person (``member_id``, ``role``, ``name``, ``expected_daily_rate``, ``hours``),
    read with ``values()`` — a federation's largest team is a few hundred rows, and model
    instances of role, member and user were a third of the page's time."""
    return [{"member_id": member_id, "role": role,
             "name": Member.display_name(first, last, "") or email,  # Member.full_name
             "expected_daily_rate": rate, "hours": total}
            for member_id, role, first, last, email, rate, total
            in _team_rows().filter(project=project)]


def project_other_contributors(project: Project) -> list[dict]:
    """People outside the team who gave validated time (open periods), with their hours
    (one GROUP BY query)."""
    # From the maintained totals: a member whose validated rows all went back to another
    # status keeps a zero row there, and is not shown (as before: no validated row).
    return list(_others_by_name().filter(project=project))


@cache
def _others_by_name() -> QuerySet:
    # Outside the team: no role of the member on the row's project (the page filters one).
    in_team = ProjectRole.objects.filter(project=OuterRef("project"), member=OuterRef("member"))
    return (MemberProjectTotal.objects.filter(~Exists(in_team), status__in=VALIDATED)
            .values("member_id", "member__first_name", "member__last_name")
            .annotate(hours=Sum("hours")).filter(hours__gt=0)
            .order_by("member__last_name", "member__first_name"))


def grains_with_usage(queryset: QuerySet | None = None) -> QuerySet:
    """Grains annotated with ``used_hours`` (validated contributions tagged to the grain)
    and ``drive_hours`` (the part of them on the grain's own project)."""
    queryset = queryset if queryset is not None else CoordinationGrain.objects.all()
    return queryset.select_related("member", "field", "project", "envelope").annotate(
        used_hours=sum_subquery(Contribution.objects.filter(
            grain=OuterRef("pk"), status__in=VALIDATED), "hours", HOURS),
        drive_hours=sum_subquery(Contribution.objects.filter(
            grain=OuterRef("pk"), project=OuterRef("project"), status__in=VALIDATED),
            "hours", HOURS),
    )


def decorate_grain(grain, hours_per_fte_year: Decimal, today=None):
    """Capacity (prorated to the period), use per part and the warnings of DESIGN.md §3:
    ``over`` when use exceeds capacity, ``ahead`` when the used share of the capacity runs
    ahead of the elapsed share of the period."""
    today = today or timezone.localdate()
    capacity = grain.capacity_hours(hours_per_fte_year)
    grain.capacity = capacity
    grain.contribute_hours = grain.used_hours - grain.drive_hours
    total_days = (grain.end - grain.start).days + 1
    elapsed_days = min(max((today - grain.start).days + 1, 0), total_days)
    grain.elapsed_percent = int(Decimal(elapsed_days) * 100 / Decimal(total_days))
    total = capacity["total"]
    grain.used_percent = int(grain.used_hours * 100 / total) if total > 0 else 0
    grain.remaining_hours = total - grain.used_hours
    grain.over = grain.used_hours > total
    grain.drive_over = grain.drive_hours > capacity["drive"]
    grain.contribute_over = grain.contribute_hours > capacity["contribute"]
    grain.ahead = (not grain.over and total > 0
                   and grain.used_hours * total_days > total * elapsed_days)
    grain.bar_class = "over" if grain.over else ("warn" if grain.ahead else "")
    grain.bar_percent = min(100, grain.used_percent)
    return grain


def project_grains(project: Project, hours_per_fte_year: Decimal) -> list:
    """Grains driving this project or paid from one of its envelopes (one query)."""
    grains = _grains_distinct().filter(Q(project=project) | Q(envelope__project=project))
    return [decorate_grain(g, hours_per_fte_year) for g in grains]


@cache
def _grains_distinct() -> QuerySet:
    return grains_with_usage().distinct()


def daily_rate_outliers(team: list[dict], envelopes: list[Envelope], factor: Decimal) -> list[dict]:
    """Team members whose expected daily rate is above ``factor`` × the project's reference
    rate. The reference is the highest reference daily rate among the project's envelopes
    (the most generous one), so a member is flagged only when no envelope of the project
    comes close. Flags are for the pilot to talk to the person: nothing is applied."""
    rates = [e.daily_rate for e in envelopes if e.daily_rate and e.daily_rate > 0]
    if not rates:
        return []
    reference = max(rates)
    flagged = []
    for row in team:
        expected = row["expected_daily_rate"]
        if expected is not None and expected > reference * factor:
            flagged.append({"name": row["name"], "expected": expected, "reference": reference,
                            "ratio": (expected / reference).quantize(Decimal("0.1"))})
    return flagged


def envelope_history(envelope: Envelope) -> QuerySet[Adjustment]:
    """Every adjustment of the envelope, oldest first, with its author and the balance after
    it (a window SUM computed by the database), in one query."""
    return (Adjustment.objects.filter(envelope=envelope)
            .select_related("author__member", "request__requested_by")
            .annotate(balance=Window(Sum("delta"), order_by=[F("created_at").asc(),
                                                                 F("pk").asc()]))
            .order_by("created_at", "pk"))


def transfer_counterparts(adjustments) -> dict:
    """For the transfers among ``adjustments``: transfer_id → the other envelope's name
    (one query)."""
    ids = {a.transfer_id for a in adjustments if a.transfer_id}
    if not ids:
        return {}
    envelope_ids = {a.envelope_id for a in adjustments}
    rows = (Adjustment.objects.filter(transfer_id__in=ids)
            .exclude(envelope_id__in=envelope_ids)
            .values_list("transfer_id", "envelope__name", "delta"))
    return {transfer_id: name for transfer_id, name, _delta in rows}


def network_overview(queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """Projects with their totals, ``valued`` (validated hours at their envelopes' reference
    rates) and the counts the overview's alerts need: envelopes,
    envelopes whose validated work is worth more than their amount, pending requests
    (all correlated subqueries: one query for the whole list).

    Without ``queryset`` (every project: the overview page), a copy of one queryset built
    once per process: building its nine subqueries cost ~5 ms a request, a copy ~5 µs. A
    queryset is never changed by its copies (the pattern of a class view's ``queryset``)."""
    if queryset is None:
        return _every_project_overview().all()
    return _network_overview(queryset)


@functools.cache
def _every_project_overview() -> QuerySet[Project]:
    return _network_overview(Project.objects.all())


def _network_overview(queryset: QuerySet[Project]) -> QuerySet[Project]:

    def count(qs):
        rows = qs.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")[:1]
        return Coalesce(Subquery(rows), Value(0))

    overrun = (envelopes_with_totals(Envelope.objects.filter(project=OuterRef("pk")))
               .annotate(valued=ExpressionWrapper(
                   F("validated_hours") * F("daily_rate") / F("hours_per_day"),
                   output_field=MONEY))
               .filter(valued__gt=F("amount")))

    # Each month's hours of an envelope at its rate: the same sum as row by row (the rate
    # is the envelope's), over a few rows a month instead of every contribution.
    worth = ExpressionWrapper(F("hours") * F("envelope__daily_rate") / F("envelope__hours_per_day"),
                              output_field=MONEY)
    return projects_with_totals(queryset.select_related("field")).annotate(
        valued=sum_subquery(EnvelopeMonthTotal.objects.filter(
            project=OuterRef("pk"), status__in=VALIDATED).annotate(worth=worth), "worth"),
        envelope_count=count(Envelope.objects.filter(project=OuterRef("pk"))),
        overrun_count=count(overrun),
        pending_requests=count(AdjustmentRequest.objects.filter(
            envelope__project=OuterRef("pk"), status=AdjustmentRequest.Status.PENDING)),
    ).order_by("field__name", "name")


def project_alerts(project: Project) -> list[str]:
    """French alerts for one row of :func:`network_overview` (no query)."""
    alerts = []
    if project.budget <= 0:
        alerts.append(_("Aucun financement"))
    if project.allocated > project.budget:
        alerts.append(_("Enveloppes au-delà du budget"))
    if project.overrun_count:
        alerts.append(ngettext("%(n)d enveloppe dépassée par le travail validé",
                               "%(n)d enveloppes dépassées par le travail validé",
                               project.overrun_count) % {"n": project.overrun_count})
    if project.pending_requests:
        alerts.append(ngettext("%(n)d demande d'ajustement en attente",
                               "%(n)d demandes d'ajustement en attente",
                               project.pending_requests) % {"n": project.pending_requests})
    return alerts


def public_contributors(project: Project) -> list[dict]:
    """Validated hours per contributor for the public page (one GROUP BY query)."""
    return list(Contribution.objects.filter(project=project, status__in=VALIDATED)
                .values("member_id", "member__first_name", "member__last_name")
                .annotate(hours=Sum("hours")).order_by("-hours", "member_id"))
