"""Envelope, adjustment, transfer, request and grain services: the budget rules hold and a
refused change writes nothing."""
import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from contribbudget.models import AuditEvent
from projects import services
from projects.models import Adjustment, AdjustmentRequest, CoordinationGrain, Envelope
from projects.selectors import envelopes_with_totals, projects_with_totals

from .. import factories

pytestmark = pytest.mark.django_db


def amount_of(envelope):
    return envelopes_with_totals(Envelope.objects.filter(pk=envelope.pk)).get().amount


def allocated(project):
    return projects_with_totals().get(pk=project.pk).allocated


def counts():
    return Adjustment.objects.count(), AuditEvent.objects.count()


# --- envelope_create / envelope_update -------------------------------------------------------

def test_pilot_creates_an_envelope_with_its_first_adjustment_and_an_audit_event(world):
    envelope = services.envelope_create(
        project=world.project, author=world.pilot.user, name="Communication",
        kind=Envelope.Kind.SUPPORT_COM, daily_rate=Decimal("250"), amount=Decimal("3000.00"),
        reason="Vote du comité")
    assert amount_of(envelope) == Decimal("3000.00")
    assert AuditEvent.objects.filter(action="envelope.created", object_id=str(envelope.pk)).exists()


def test_creating_an_envelope_above_the_budget_is_refused_and_writes_nothing(world):
    before = counts(), Envelope.objects.count()
    with pytest.raises(ValidationError) as error:
        services.envelope_create(project=world.project, author=world.pilot.user, name="Trop",
                                 kind="production", amount=Decimal("10000.01"))
    assert "au-delà du budget" in str(error.value)
    assert (counts(), Envelope.objects.count()) == before


def test_creating_a_negative_envelope_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.envelope_create(project=world.project, author=world.pilot.user, name="Négative",
                                 kind="production", amount=Decimal("-1"))
    assert "négative" in str(error.value)


@pytest.mark.parametrize("changes,field", [
    ({"daily_rate": Decimal("-10")}, "daily_rate"),
    ({"cap": Decimal("10000.01")}, "cap"),
    ({"cap": Decimal("0")}, "cap"),
    ({"surplus_commons_percent": 101}, "surplus_commons_percent"),
    ({"hours_per_day": Decimal("0")}, "hours_per_day"),
    ({"coefficients": {"meeting": "0.5"}}, "coefficients_reason"),
    ({"coefficients": {"meeting": "-1"}, "coefficients_reason": "x"}, "coefficients"),
])
def test_rule_parameters_out_of_range_are_refused_with_the_field_named(world, changes, field):
    with pytest.raises(ValidationError) as error:
        services.envelope_update(envelope=world.envelope, author=world.pilot.user, **changes)
    assert field in error.value.message_dict
    world.envelope.refresh_from_db()
    assert world.envelope.daily_rate == Decimal("280.00")
    assert world.envelope.cap is None


def test_pilot_changes_the_rule_and_the_audit_keeps_before_and_after(world):
    services.envelope_update(envelope=world.envelope, author=world.pilot.user, rule="prorata",
                             cap=Decimal("2000.00"), reason="On répartit tout")
    world.envelope.refresh_from_db()
    assert world.envelope.rule == "prorata" and world.envelope.cap == Decimal("2000.00")
    event = AuditEvent.objects.get(action="envelope.updated")
    assert event.data["rule"] == ["time_rate", "prorata"]


# --- envelope_adjust -------------------------------------------------------------------------

def test_adjustment_adds_an_append_only_row_with_reason_and_author(world):
    adjustment = services.envelope_adjust(envelope=world.envelope, delta=Decimal("1500.00"),
                                          reason="Atelier supplémentaire", author=world.pilot.user)
    assert amount_of(world.envelope) == Decimal("11500.00")
    assert adjustment.author == world.pilot.user and adjustment.reason == "Atelier supplémentaire"
    assert AuditEvent.objects.filter(action="envelope.adjusted").count() == 1


def test_adjustment_without_reason_is_refused_and_writes_nothing(world):
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.envelope_adjust(envelope=world.envelope, delta=Decimal("100"), reason="  ",
                                 author=world.pilot.user)
    assert "motif" in error.value.message_dict["reason"][0]
    assert counts() == before


def test_adjustment_above_the_budget_is_refused(world):
    # Budget 20 000, envelopes 10 000: 10 000 left.
    services.envelope_adjust(envelope=world.envelope, delta=Decimal("10000.00"), reason="Tout",
                             author=world.pilot.user)
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.envelope_adjust(envelope=world.envelope, delta=Decimal("0.01"), reason="Un cent",
                                 author=world.pilot.user)
    assert "au-delà du budget" in error.value.message_dict["delta"][0]
    assert counts() == before
    assert allocated(world.project) == Decimal("20000.00")


def test_adjustment_taking_an_envelope_negative_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.envelope_adjust(envelope=world.envelope, delta=Decimal("-10000.01"),
                                 reason="Trop", author=world.pilot.user)
    assert "négative" in error.value.message_dict["delta"][0]
    assert amount_of(world.envelope) == Decimal("10000.00")


def test_adjustment_below_what_approved_runs_distributed_is_refused(world, approved_run):
    approved_run(world.envelope, "6000.00")
    with pytest.raises(ValidationError) as error:
        services.envelope_adjust(envelope=world.envelope, delta=Decimal("-4000.01"),
                                 reason="Réduction", author=world.pilot.user)
    assert "déjà distribués" in error.value.message_dict["delta"][0]
    services.envelope_adjust(envelope=world.envelope, delta=Decimal("-4000.00"),
                             reason="Réduction", author=world.pilot.user)
    assert amount_of(world.envelope) == Decimal("6000.00")


def test_adjustment_with_sub_cent_amount_is_refused(world):
    with pytest.raises(ValidationError):
        services.envelope_adjust(envelope=world.envelope, delta=Decimal("1.005"), reason="x",
                                 author=world.pilot.user)


# --- envelope_transfer -----------------------------------------------------------------------

def test_transfer_is_two_linked_adjustments_that_sum_to_zero(world):
    target = factories.envelope(world.project, name="Coordination", amount="2000.00")
    out, into = services.envelope_transfer(source=world.envelope, target=target,
                                           amount=Decimal("500.00"), reason="Plus de coordination",
                                           author=world.pilot.user)
    assert out.transfer_id == into.transfer_id and out.delta + into.delta == 0
    assert amount_of(world.envelope) == Decimal("9500.00")
    assert amount_of(target) == Decimal("2500.00")
    assert allocated(world.project) == Decimal("12000.00")


def test_transfer_between_envelopes_of_two_projects_is_refused(world):
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.envelope_transfer(source=world.envelope, target=world.other_envelope,
                                   amount=Decimal("100"), reason="Détournement",
                                   author=world.pilot.user)
    assert "même projet" in error.value.message_dict["target"][0]
    assert counts() == before


def test_transfer_emptying_the_source_below_distributed_is_refused(world, approved_run):
    target = factories.envelope(world.project, name="Coordination", amount="1000.00")
    approved_run(world.envelope, "9800.00")
    with pytest.raises(ValidationError) as error:
        services.envelope_transfer(source=world.envelope, target=target, amount=Decimal("300"),
                                   reason="Virement", author=world.pilot.user)
    assert "déjà distribués" in error.value.message_dict["amount"][0]
    assert amount_of(target) == Decimal("1000.00")


def test_transfer_without_reason_or_with_non_positive_amount_is_refused(world):
    target = factories.envelope(world.project, name="Coordination", amount="1000.00")
    for amount, reason in ((Decimal("100"), ""), (Decimal("0"), "x"), (Decimal("-5"), "x")):
        with pytest.raises(ValidationError):
            services.envelope_transfer(source=world.envelope, target=target, amount=amount,
                                       reason=reason, author=world.pilot.user)
    assert Adjustment.objects.filter(transfer_id__isnull=False).count() == 0


# --- adjustment requests ---------------------------------------------------------------------

def test_team_member_request_emails_the_pilots(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.adjustment_request_create(
            envelope=world.envelope, requested_by=world.contributor, delta=Decimal("800.00"),
            work_estimate="4 jours d'animation", reason="Deux ateliers de plus")
    assert request.status == AdjustmentRequest.Status.PENDING
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {world.pilot.user.email, world.copilot.user.email}
    assert "Deux ateliers de plus" in mail.outbox[0].body


def test_member_outside_the_team_cannot_request_an_adjustment(world):
    with pytest.raises(PermissionDenied):
        services.adjustment_request_create(envelope=world.envelope, requested_by=world.outsider,
                                           delta=Decimal("10"), work_estimate="x", reason="y")


def test_request_without_estimate_or_reason_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.adjustment_request_create(envelope=world.envelope, requested_by=world.contributor,
                                           delta=Decimal("10"), work_estimate="", reason="")
    assert {"work_estimate", "reason"} <= set(error.value.message_dict)
    assert AdjustmentRequest.objects.count() == 0


def test_accepted_request_becomes_an_adjustment_and_the_requester_is_told(
        world, django_capture_on_commit_callbacks):
    request = services.adjustment_request_create(
        envelope=world.envelope, requested_by=world.contributor, delta=Decimal("800.00"),
        work_estimate="4 jours", reason="Deux ateliers de plus")
    with django_capture_on_commit_callbacks(execute=True):
        services.adjustment_request_decide(request=request, decided_by=world.pilot, accept=True)
    request.refresh_from_db()
    assert request.status == "accepted" and request.adjustment.delta == Decimal("800.00")
    assert amount_of(world.envelope) == Decimal("10800.00")
    assert mail.outbox[0].to == [world.contributor.user.email]
    assert "Acceptée" in mail.outbox[0].body


def test_declined_request_needs_a_comment_and_writes_no_adjustment(
        world, django_capture_on_commit_callbacks):
    request = services.adjustment_request_create(
        envelope=world.envelope, requested_by=world.contributor, delta=Decimal("800.00"),
        work_estimate="4 jours", reason="Deux ateliers de plus")
    with pytest.raises(ValidationError):
        services.adjustment_request_decide(request=request, decided_by=world.pilot, accept=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.adjustment_request_decide(request=request, decided_by=world.pilot,
                                           accept=False, comment="Le budget est déjà réparti")
    request.refresh_from_db()
    assert request.status == "declined" and request.decision_comment
    assert amount_of(world.envelope) == Decimal("10000.00")
    assert "Le budget est déjà réparti" in mail.outbox[-1].body


def test_accepting_a_request_above_the_budget_fails_and_leaves_it_pending(world):
    request = services.adjustment_request_create(
        envelope=world.envelope, requested_by=world.contributor, delta=Decimal("10000.01"),
        work_estimate="Beaucoup", reason="Tout refaire")
    with pytest.raises(ValidationError):
        services.adjustment_request_decide(request=request, decided_by=world.pilot, accept=True)
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_request_is_decided_only_once(world):
    request = services.adjustment_request_create(
        envelope=world.envelope, requested_by=world.contributor, delta=Decimal("100.00"),
        work_estimate="1 jour", reason="Atelier")
    services.adjustment_request_decide(request=request, decided_by=world.pilot, accept=True)
    with pytest.raises(ValidationError):
        services.adjustment_request_decide(request=request, decided_by=world.copilot, accept=True)
    assert Adjustment.objects.filter(envelope=world.envelope).count() == 2


# --- grains ----------------------------------------------------------------------------------

def grain_kwargs(world, **kw):
    kw.setdefault("author", world.coordinator.user)
    kw.setdefault("member", world.pilot)
    kw.setdefault("field", world.project.field)
    kw.setdefault("project", world.project)
    kw.setdefault("envelope", world.envelope)
    kw.setdefault("start", datetime.date(2026, 1, 1))
    kw.setdefault("end", datetime.date(2026, 12, 31))
    return kw


def test_coordinator_creates_several_grains_for_one_member(world):
    services.grain_create(**grain_kwargs(world))
    field2 = factories.field()
    services.grain_create(**grain_kwargs(world, field=field2))
    assert CoordinationGrain.objects.filter(member=world.pilot).count() == 2
    assert AuditEvent.objects.filter(action="grain.created").count() == 2


def test_only_a_coordinator_creates_grains(world):
    with pytest.raises(PermissionDenied):
        services.grain_create(**grain_kwargs(world, author=world.pilot.user))


@pytest.mark.parametrize("kw,field", [
    ({"fte_drive": Decimal("0.3"), "fte_contribute": Decimal("0")}, "fte_drive"),
    ({"fte_drive": Decimal("0.1"), "fte_contribute": Decimal("0.2")}, "fte_drive"),
    ({"start": datetime.date(2025, 12, 31)}, "start"),
    ({"end": datetime.date(2028, 1, 1)}, "end"),
    ({"end": datetime.date(2026, 1, 1), "start": datetime.date(2026, 1, 1)}, "end"),
    ({"mode": "salaried"}, "yearly_cost"),
])
def test_bad_grains_are_refused_with_the_field_named(world, kw, field):
    with pytest.raises(ValidationError) as error:
        services.grain_create(**grain_kwargs(world, **kw))
    assert field in error.value.message_dict
    assert CoordinationGrain.objects.count() == 0


def test_grain_paid_from_another_projects_envelope_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.grain_create(**grain_kwargs(world, envelope=world.other_envelope))
    assert "envelope" in error.value.message_dict
