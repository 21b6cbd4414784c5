"""The database itself refuses what must never be stored, whatever code path writes."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from contribbudget.models import AuditEvent
from contribbudget.services import audit_record
from projects.models import Adjustment, CoordinationGrain, ProjectRole

from .. import factories

pytestmark = pytest.mark.django_db


def _refused(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
    except IntegrityError:
        return True
    return False


def test_contribution_hours_must_be_positive(world):
    assert _refused(lambda: factories.contribution(world.contributor, world.envelope, hours=Decimal("0")))
    assert _refused(lambda: factories.contribution(world.contributor, world.envelope, hours=Decimal("-1")))


def test_contribution_hours_must_be_quarter_hours(world):
    assert _refused(lambda: factories.contribution(world.contributor, world.envelope, hours=Decimal("1.10")))
    assert not _refused(lambda: factories.contribution(world.contributor, world.envelope, hours=Decimal("1.75")))


def test_one_role_per_member_and_project(world):
    assert _refused(lambda: ProjectRole.objects.create(project=world.project, member=world.contributor,
                                                       role=ProjectRole.Role.PILOT))


def test_grain_split_must_be_two_tenths_plus_one_tenth(world):
    assert _refused(lambda: factories.grain(world.pilot, world.envelope, fte_drive=Decimal("0.3"),
                                            fte_contribute=Decimal("0.0")))
    grain = factories.grain(world.pilot, world.envelope)
    assert grain.fte == Decimal("0.3")


def test_grain_capacity_is_prorated_to_its_period(world):
    grain = factories.grain(world.pilot, world.envelope, start=datetime.date(2026, 1, 1),
                            end=datetime.date(2026, 12, 31))
    capacity = grain.capacity_hours(Decimal("1607"))
    assert capacity["total"] == Decimal("482.1")  # 0.3 FTE-year = 482.1 h (DESIGN.md §3)
    assert capacity["drive"] == Decimal("321.4") and capacity["contribute"] == Decimal("160.7")


def test_adjustments_are_append_only(world):
    adjustment = Adjustment.objects.filter(envelope=world.envelope).first()
    assert _refused(lambda: Adjustment.objects.filter(pk=adjustment.pk).update(delta=Decimal("1")))
    if connection.vendor == "postgresql":
        assert _refused(lambda: Adjustment.objects.filter(pk=adjustment.pk).delete())
    assert Adjustment.objects.get(pk=adjustment.pk).delta == Decimal("10000.00")


def test_adjustment_needs_a_reason(world):
    assert _refused(lambda: Adjustment.objects.create(envelope=world.envelope, delta=Decimal("5"),
                                                      reason="", author=world.pilot.user))


def test_audit_trail_is_append_only(world):
    event = audit_record(actor=world.pilot.user, action=AuditEvent.Action.ENVELOPE_ADJUSTED,
                         obj=world.envelope, reason="test")
    assert event.project == world.project
    assert _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten"))
    if connection.vendor == "postgresql":
        assert _refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())


def test_grain_salaried_mode_requires_a_cost(world):
    assert _refused(lambda: factories.grain(world.pilot, world.envelope,
                                            mode=CoordinationGrain.Mode.SALARIED))


def test_a_project_cannot_take_a_slug_the_pages_use(world):
    from django.core.exceptions import ValidationError

    world.project.slug = "grains"
    with pytest.raises(ValidationError, match="réservé"):
        world.project.full_clean()
