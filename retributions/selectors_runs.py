"""Reads for retribution runs, smoothing rounds and payments.

Every figure is computed by the database: the hours a run retributes are summed per member in
ONE ``GROUP BY member`` query whose kind coefficients are a ``CASE WHEN`` (DESIGN.md §4), so a
run over 50,000 contributions costs the same number of queries as a run over ten.

Kind coefficients (the weights of §4) — the choices made here:

- defaults: production 1, support 1, creative 1 when the session has an *invited by*, else 0,
  coordination 0 except hours tagged to a *contributive* grain paid from the run's envelope
  (1), meeting 0;
- ``envelope.coefficients`` (``{"meeting": "0.5"}``) replaces the default of a kind; for
  creative it replaces the coefficient of *invited* sessions (uninvited sessions stay at 0:
  creative sessions are paid on invitation only); for coordination it replaces the 0 of hours
  outside a contributive grain (grain hours always count 1);
- ``contribution.coefficient_override`` replaces everything for that one contribution;
- salaried contributions (done on an employer's paid time) are never gathered by a run.
"""
from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from contribbudget.money import ZERO
from contribbudget.permissions import member_of, steered_projects
from contributions.models import Contribution
from projects.models import CoordinationGrain, Envelope, ProjectRole
from projects.selectors import envelope_available  # noqa: F401 - read here by the run services

from .models import PAYMENT_SORT, PaymentTotal, RetributionLine, RetributionRun

WEIGHT: DecimalField = DecimalField(max_digits=16, decimal_places=4)
MONEY: DecimalField = DecimalField(max_digits=13, decimal_places=2)
KINDS = [k for k, _label in Contribution.Kind.choices]
DEFAULT_COEFFICIENTS: dict[str, Decimal] = {
    "production": Decimal("1"), "support": Decimal("1"), "creative": Decimal("1"),
    "coordination": Decimal("0"), "meeting": Decimal("0"),
}


# --- Weights -------------------------------------------------------------------------------

def envelope_coefficients(envelope: Envelope) -> dict[str, Decimal]:
    """The kind coefficients of an envelope: its overrides over the defaults. A value that is
    not a non-negative number is ignored (the default applies)."""
    coefficients = dict(DEFAULT_COEFFICIENTS)
    for kind, raw in (envelope.coefficients or {}).items():
        if kind not in coefficients or raw in (None, ""):
            continue
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            continue
        if value.is_finite() and value >= 0:
            coefficients[kind] = value
    return coefficients


def coefficient_expression(envelope: Envelope) -> Case:
    """``CASE WHEN`` giving each contribution its coefficient for runs of ``envelope``."""
    c = envelope_coefficients(envelope)

    def v(value: Decimal) -> Value:
        return Value(value, output_field=WEIGHT)

    return Case(
        When(coefficient_override__isnull=False, then=F("coefficient_override")),
        When(kind="production", then=v(c["production"])),
        When(kind="support", then=v(c["support"])),
        When(kind="creative", invited_by__isnull=False, then=v(c["creative"])),
        When(kind="coordination", grain__mode=CoordinationGrain.Mode.CONTRIBUTIVE,
             grain__envelope_id=envelope.pk, then=v(Decimal("1"))),
        When(kind="coordination", then=v(c["coordination"])),
        When(kind="meeting", then=v(c["meeting"])),
        default=v(Decimal("0")),
        output_field=WEIGHT,
    )


@dataclass
class MemberHours:
    """One member's hours for a run, as summed by the database."""

    member_id: int
    hours: Decimal
    weighted: Decimal
    by_kind: dict[str, Decimal]
    count: int
    # Only for the inputs fingerprint: they change whenever a row is added, removed or edited.
    id_sum: int = 0
    last_change: datetime.datetime | None = None
    earned: Decimal = ZERO
    extra: dict = field(default_factory=dict)


def _hours_query(queryset: QuerySet[Contribution], envelope: Envelope) -> list[MemberHours]:
    """One GROUP BY member query: total, weighted and per-kind hours of ``queryset``."""
    per_kind = {f"h_{kind}": Coalesce(Sum("hours", filter=Q(kind=kind)), Value(ZERO),
                                      output_field=WEIGHT) for kind in KINDS}
    rows = (queryset.order_by().values("member_id")
            .annotate(total=Sum("hours", output_field=WEIGHT),
                      weighted=Sum(F("hours") * coefficient_expression(envelope),
                                   output_field=WEIGHT),
                      n=Count("id"), id_sum=Sum("id"), last_change=Max("updated_at"),
                      **per_kind)
            .order_by("member_id"))
    return [MemberHours(member_id=row["member_id"], hours=row["total"],
                        weighted=row["weighted"] or ZERO,
                        by_kind={k: row[f"h_{k}"] for k in KINDS if row[f"h_{k}"]},
                        count=row["n"], id_sum=row["id_sum"], last_change=row["last_change"])
            for row in rows]


def run_contributions(envelope: Envelope, period_start: datetime.date,
                      period_end: datetime.date) -> QuerySet[Contribution]:
    """The contributions a regular run retributes: validated, not yet retributed, not
    salaried, on this envelope, dated in the period (served by contrib_envelope_status_idx)."""
    return Contribution.objects.filter(
        envelope=envelope, status=Contribution.Status.VALIDATED, retributed_in__isnull=True,
        salaried=False, date__gte=period_start, date__lte=period_end)


def run_member_hours(*, envelope: Envelope, period_start: datetime.date,
                     period_end: datetime.date) -> list[MemberHours]:
    """Per-member hours of a regular run, in one query whatever the number of rows."""
    return _hours_query(run_contributions(envelope, period_start, period_end), envelope)


def smoothing_member_hours(*, envelope: Envelope, period_start: datetime.date,
                           period_end: datetime.date, member_ids: list[int]) -> list[MemberHours]:
    """A smoothing round: the selected members' weighted hours on the whole project in the
    period (validated or retributed, not salaried; one query), and what approved runs of
    the project whose period overlaps already gave them (``earned``, one query)."""
    contributions = Contribution.objects.filter(
        project_id=envelope.project_id, member_id__in=member_ids, salaried=False,
        status__in=[Contribution.Status.VALIDATED, Contribution.Status.RETRIBUTED],
        date__gte=period_start, date__lte=period_end)
    rows = {row.member_id: row for row in _hours_query(contributions, envelope)}
    earned = dict(
        RetributionLine.objects.filter(
            member_id__in=member_ids, run__status=RetributionRun.Status.APPROVED,
            run__envelope__project_id=envelope.project_id,
            run__period_start__lte=period_end, run__period_end__gte=period_start)
        .order_by().values("member_id").annotate(total=Sum("money")).values_list("member_id", "total"))
    result = []
    for member_id in sorted(member_ids):
        row = rows.get(member_id) or MemberHours(member_id=member_id, hours=ZERO, weighted=ZERO,
                                                 by_kind={}, count=0)
        row.earned = earned.get(member_id) or ZERO
        result.append(row)
    return result


def inputs_fingerprint(envelope: Envelope, rows: list[MemberHours], parameters: dict) -> str:
    """A SHA-256 of everything a run's shares depend on, but the money available: the
    per-member sums (they move whenever a contribution is added, removed, re-weighted or
    edited), the envelope's rule and weights, and the run's parameters."""
    payload = {
        "envelope": [envelope.rule, str(envelope.daily_rate), str(envelope.hours_per_day),
                     str(envelope.cap), envelope.declined_shares,
                     {k: str(v) for k, v in envelope_coefficients(envelope).items()}],
        "rows": [[r.member_id, r.count, r.id_sum, str(r.hours), str(r.weighted), str(r.earned),
                  r.last_change.isoformat() if r.last_change else None] for r in rows],
        "parameters": parameters,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# --- Money available -----------------------------------------------------------------------

# The envelope's totals have one home: projects.selectors (imported above).


def has_validated_work(envelope: Envelope, period_start: datetime.date,
                       period_end: datetime.date) -> bool:
    return run_contributions(envelope, period_start, period_end).exists()


# --- Pages ---------------------------------------------------------------------------------

steerable_projects = steered_projects  # pilots their projects, coordinators all


def steerable_envelopes(user) -> QuerySet[Envelope]:
    return (Envelope.objects.filter(project__in=steerable_projects(user))
            .exclude(kind=Envelope.Kind.RESERVE).select_related("project")
            .order_by("project__name", "name"))


def runs_visible_to(user) -> QuerySet[RetributionRun]:
    """Runs of the projects the user pilots; every run for treasurers and coordinators."""
    member = member_of(user)
    runs = RetributionRun.objects.select_related("envelope__project", "created_by__member")
    if member is None:
        return runs.none()
    if member.is_treasurer or member.is_coordinator:
        return runs
    return runs.filter(envelope__project__roles__member=member,
                       envelope__project__roles__role=ProjectRole.Role.PILOT)


def run_lines(run: RetributionRun) -> QuerySet[RetributionLine]:
    """A run's lines with their members and payee places, by name.

    The ``member_id IN (the run's members)`` condition is always true: it is there for
    PostgreSQL's planner, which otherwise reads the whole member table into a hash for a
    few hundred lines (EXPLAIN: 30,000 members, 10-14 ms at the federation scale, growing
    with the network); with it, it reads each line's member by its key (~1.5 ms)."""
    members = RetributionLine.objects.filter(run=run).values("member_id")
    return (run.lines.filter(member_id__in=members).select_related("member", "payee_place")
            .order_by("member__last_name", "member__first_name", "member_id"))


def run_totals(run: RetributionRun) -> dict:
    """Sums of a run's lines (one query)."""
    totals = run.lines.aggregate(
        t_hours=Coalesce(Sum("hours"), Value(ZERO), output_field=WEIGHT),
        t_weighted=Coalesce(Sum("weighted_hours"), Value(ZERO), output_field=WEIGHT),
        t_valued=Coalesce(Sum("valued"), Value(ZERO), output_field=MONEY),
        t_money=Coalesce(Sum("money"), Value(ZERO), output_field=MONEY),
        t_computed=Coalesce(Sum("computed_money"), Value(ZERO), output_field=MONEY),
        t_members=Count("id"),
        t_overridden=Count("id", filter=~Q(override_reason="")),
        t_paid=Coalesce(Sum("money", filter=Q(paid_on__isnull=False)), Value(ZERO),
                        output_field=MONEY),
    )
    return {key[2:]: value for key, value in totals.items()}


def lines_to_pay() -> QuerySet[RetributionLine]:
    """Approved lines with money not yet paid, by payee (served by line_to_pay_sort_idx)."""
    return (RetributionLine.objects
            .filter(run__status=RetributionRun.Status.APPROVED, paid_on__isnull=True,
                    money__gt=0)
            .select_related("member", "payee_place", "run__envelope__project")
            .order_by(*PAYMENT_SORT))


def payment_lines(status: str = "unpaid") -> QuerySet[RetributionLine]:
    """Approved lines with money: ``unpaid``, ``paid`` or ``all``."""
    lines = (RetributionLine.objects
             .filter(run__status=RetributionRun.Status.APPROVED, money__gt=0)
             .select_related("member", "payee_place", "run__envelope__project"))
    if status == "unpaid":
        lines = lines.filter(paid_on__isnull=True)
    elif status == "paid":
        lines = lines.filter(paid_on__isnull=False)
    return lines


# The payments table reads plain values: 500 lines as model instances (line, member, user,
# place, run, envelope, project) cost more CPU than the rest of the page together.
PAYMENT_ROW_FIELDS = (
    "pk", "paid_on", "payment_reference", "money", "payee", "payee_place__name",
    "member__first_name", "member__last_name", "member__user__email",
    "run__period_start", "run__period_end", "run__envelope__name",
    "run__envelope__project__name",
)


def payment_rows(lines: QuerySet[RetributionLine], limit: int) -> list[dict]:
    """The first ``limit`` of the ordered ``lines``, as dicts of :data:`PAYMENT_ROW_FIELDS`
    (one query). Ordered by the line's own sort key (``PAYMENT_SORT``), the database walks
    ``line_to_pay_sort_idx`` and joins the names of the ``limit`` lines only; through the
    joined names it joined and sorted every unpaid line first (150 ms for 66,000 lines)."""
    return list(lines.values(*PAYMENT_ROW_FIELDS)[:limit])


def payment_totals(status: str = "unpaid") -> dict:
    """Count and money of :func:`payment_lines` (``status``), from the totals the database
    keeps (``PaymentTotal``, two rows): counting every unpaid line took 26 ms at 66,000."""
    rows = PaymentTotal.objects.all()
    if status in ("unpaid", "paid"):
        rows = rows.filter(paid=status == "paid")
    totals = rows.aggregate(t_total=Coalesce(Sum("money"), Value(ZERO), output_field=MONEY),
                            t_count=Coalesce(Sum("lines"), 0))
    return {"total": totals["t_total"], "count": totals["t_count"]}


def member_lines(member) -> QuerySet[RetributionLine]:
    """A contributor's own lines: open drafts and approved runs (their money and payments)."""
    return (RetributionLine.objects
            .filter(member=member, run__status__in=[RetributionRun.Status.DRAFT,
                                                    RetributionRun.Status.APPROVED])
            .select_related("run__envelope__project", "payee_place")
            .order_by("-run__period_end", "-run_id"))


def member_totals(member) -> dict:
    totals = RetributionLine.objects.filter(
        member=member, run__status=RetributionRun.Status.APPROVED).aggregate(
        t_money=Coalesce(Sum("money"), Value(ZERO), output_field=MONEY),
        t_paid=Coalesce(Sum("money", filter=Q(paid_on__isnull=False)), Value(ZERO),
                        output_field=MONEY),
        t_valued=Coalesce(Sum("valued"), Value(ZERO), output_field=MONEY),
    )
    return {key[2:]: value for key, value in totals.items()}
