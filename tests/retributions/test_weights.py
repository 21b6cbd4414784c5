"""Weighted hours (DESIGN.md §4) are computed by the database, per member, in one query."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contribbudget.models import Member
from contributions.models import Contribution
from retributions import selectors_runs as sel
from tests import factories

from .runs_support import END, START, validated

pytestmark = pytest.mark.django_db


def hours_of(world, member):
    rows = sel.run_member_hours(envelope=world.envelope, period_start=START, period_end=END)
    return next(r for r in rows if r.member_id == member.pk)


def test_default_coefficients_count_production_support_and_invited_creative(world):
    c = world.contributor
    validated(c, world.envelope, "3.00", kind="production")
    validated(c, world.envelope, "2.00", kind="support")
    validated(c, world.envelope, "1.50", kind="creative", invited_by=world.pilot)
    validated(c, world.envelope, "4.00", kind="creative")  # not invited: 0
    validated(c, world.envelope, "1.00", kind="meeting")  # 0
    validated(c, world.envelope, "2.00", kind="coordination")  # no grain: 0
    row = hours_of(world, c)
    assert row.hours == Decimal("13.50")
    assert row.weighted == Decimal("6.50")
    assert row.by_kind["creative"] == Decimal("5.50")


def test_coordination_on_a_contributive_grain_of_this_envelope_counts_one(world):
    c = world.contributor
    grain = factories.grain(c, world.envelope, start=START, end=END + datetime.timedelta(days=30))
    other_grain = factories.grain(c, world.other_envelope, start=START,
                                  end=END + datetime.timedelta(days=30))
    # Another field: one grain per member, field and period.
    salaried_grain = factories.grain(c, world.envelope, field=factories.field(), start=START,
                                     end=END + datetime.timedelta(days=30), mode="salaried",
                                     yearly_cost=Decimal("9000.00"))
    validated(c, world.envelope, "3.00", kind="coordination", grain=grain)
    validated(c, world.envelope, "2.00", kind="coordination", grain=other_grain)
    validated(c, world.envelope, "1.00", kind="coordination", grain=salaried_grain)
    assert hours_of(world, c).weighted == Decimal("3.00")


def test_envelope_and_contribution_overrides_replace_the_defaults(world):
    world.envelope.coefficients = {"meeting": "0.5", "production": "2"}
    world.envelope.save()
    c = world.contributor
    validated(c, world.envelope, "2.00", kind="meeting")
    validated(c, world.envelope, "1.00", kind="production")
    validated(c, world.envelope, "4.00", kind="production", coefficient_override=Decimal("0.25"),
              coefficient_reason="Travail déjà financé à moitié")
    assert hours_of(world, c).weighted == Decimal("1.00") + Decimal("2.00") + Decimal("1.00")


def test_salaried_unvalidated_retributed_and_out_of_period_rows_are_not_gathered(world):
    c = world.contributor
    validated(c, world.envelope, "2.00")
    validated(c, world.envelope, "5.00", salaried=True)
    factories.contribution(c, world.envelope, hours=Decimal("3.00"), status="submitted")
    validated(c, world.envelope, "6.00", date=START - datetime.timedelta(days=1))
    validated(c, world.other_envelope, "7.00")
    assert hours_of(world, c).hours == Decimal("2.00")


def _bulk(world, members, per_member):
    rows = [Contribution(member=m, project=world.project, envelope=world.envelope,
                         date=END - datetime.timedelta(days=i % 50), hours=Decimal("1.25"),
                         kind=["production", "meeting", "support", "creative"][i % 4],
                         description="x", status="validated")
            for m in members for i in range(per_member)]
    Contribution.objects.bulk_create(rows, batch_size=2000)


def _members(n):
    user_model = Member.user.field.related_model
    users = user_model.objects.bulk_create(
        [user_model(username=f"bulk{n}-{i}", email=f"bulk{n}-{i}@example.org") for i in range(n)])
    return Member.objects.bulk_create(
        [Member(user=u, first_name="B", last_name=f"{i:04d}") for i, u in enumerate(users)])


def test_gathering_takes_one_query_whatever_the_number_of_contributions(world):
    _bulk(world, _members(3), 2)
    with CaptureQueriesContext(connection) as small:
        small_rows = sel.run_member_hours(envelope=world.envelope, period_start=START,
                                          period_end=END)
    _bulk(world, _members(200), 15)
    with CaptureQueriesContext(connection) as large:
        large_rows = sel.run_member_hours(envelope=world.envelope, period_start=START,
                                          period_end=END)
    assert len(small_rows) == 3 and len(large_rows) == 203
    assert len(small.captured_queries) == len(large.captured_queries) == 1
    # 15 rows: production ×4, meeting ×4 (0), support ×4, creative ×3 (not invited: 0).
    assert large_rows[-1].weighted == Decimal("1.25") * 8
