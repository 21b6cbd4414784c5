"""Reads about projects and envelopes. Totals are computed by the database (one correlated
SUM subquery per figure, so joins never multiply rows), never by looping in Python."""
from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, F, Func, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from contribbudget.money import ZERO

from .models import Adjustment, Envelope, Funding, Project

MONEY = DecimalField(max_digits=13, decimal_places=2)
HOURS = DecimalField(max_digits=12, decimal_places=2)


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
    from contributions.models import Contribution
    from retributions.models import RetributionRun

    queryset = queryset if queryset is not None else Envelope.objects.all()
    return queryset.annotate(
        amount=sum_subquery(Adjustment.objects.filter(envelope=OuterRef("pk")), "delta"),
        distributed=sum_subquery(
            RetributionRun.objects.filter(envelope=OuterRef("pk"),
                                          status=RetributionRun.Status.APPROVED),
            "distributed"),
        validated_hours=sum_subquery(
            Contribution.objects.filter(envelope=OuterRef("pk"),
                                        status__in=["validated", "retributed"]),
            "hours", HOURS),
    )


def projects_with_totals(queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """Projects annotated with ``budget`` (sum of fundings), ``allocated`` (sum of their
    envelopes), ``distributed`` (approved runs) and ``validated_hours``."""
    from contributions.models import Contribution
    from retributions.models import RetributionRun

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
            Contribution.objects.filter(project=OuterRef("pk"),
                                        status__in=["validated", "retributed"]),
            "hours", HOURS),
    )


def project_budget(project: Project) -> Decimal:
    return Funding.objects.filter(project=project).aggregate(
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))["total"]
