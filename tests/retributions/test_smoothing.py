"""Smoothing rounds: the reserve is split with the balanced rule over the selected members."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from retributions import selectors_runs as sel
from retributions.models import LedgerEntry, SmoothingRequest
from retributions.services import runs as svc
from retributions.services import smoothing
from tests import factories

from .runs_support import END, START, computed_run, validated

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def paid_year(world):
    """Camille did 10 h and got 400 €, Nadia 10 h and got nothing (she was volunteer then)."""
    validated(world.contributor, world.envelope, "10.00")
    validated(world.copilot, world.envelope, "10.00")
    world.copilot.preference = "volunteer"
    world.copilot.save()
    run = computed_run(world)
    svc.run_approve(actor=world.pilot.user, run=run)
    world.copilot.preference = "money_self"
    world.copilot.save()
    reserve = factories.envelope(world.project, name="Réserve", kind="reserve", amount="400.00")
    return world, reserve


def test_balanced_round_tops_up_the_under_paid_first(paid_year):
    world, reserve = paid_year
    run = smoothing.smoothing_run_create(actor=world.pilot.user, project=world.project,
                                         period_start=START, period_end=END,
                                         members=[world.contributor, world.copilot])
    svc.run_compute(run_id=run.pk)
    run.refresh_from_db()
    assert run.rule == "balanced" and run.status == "draft"
    money = {line.member_id: line.money for line in run.lines.all()}
    # Camille earned 400 (first run: 10 h at 280 €/7 h), Nadia 0; pool 400 → targets 400/400.
    assert money == {world.contributor.pk: D("0.00"), world.copilot.pk: D("400.00")}
    svc.run_approve(actor=world.pilot.user, run=run)
    assert dict(run.ledger.values_list("kind", "amount")) == {
        "distributed": D("400.00"), "reserve_drawn": D("400.00")}
    assert sel.envelope_available(reserve.pk) == D("0.00")
    # A smoothing round marks no contribution retributed a second time.
    assert not world.envelope.contributions.filter(retributed_in=run).exists()


def test_a_round_needs_someone_and_a_reserve(world):
    with pytest.raises(ValidationError):
        smoothing.smoothing_run_create(actor=world.pilot.user, project=world.project,
                                       period_start=START, period_end=END, members=[])
    with pytest.raises(ValidationError, match="réserve"):
        smoothing.smoothing_run_create(actor=world.pilot.user, project=world.project,
                                       period_start=START, period_end=END,
                                       members=[world.contributor])


def test_smoothing_request_needs_a_reason_and_is_asked_once(world):
    validated(world.contributor, world.envelope, "1.00")
    with pytest.raises(ValidationError) as error:
        smoothing.smoothing_request_create(member=world.contributor, project=world.project,
                                           period_start=START, period_end=END, reason=" ")
    assert "reason" in error.value.message_dict
    smoothing.smoothing_request_create(member=world.contributor, project=world.project,
                                       period_start=START, period_end=END, reason="Sous-payée")
    with pytest.raises(ValidationError, match="déjà"):
        smoothing.smoothing_request_create(member=world.contributor, project=world.project,
                                           period_start=START, period_end=END, reason="Encore")
    assert SmoothingRequest.objects.count() == 1


def test_reserve_surplus_feeds_the_smoothing_pool(world):
    validated(world.contributor, world.envelope, "7.00")
    world.envelope.surplus_policy = "reserve"
    world.envelope.save()
    svc.run_approve(actor=world.pilot.user, run=computed_run(world))
    reserve = world.project.envelopes.get(kind="reserve")
    assert sel.envelope_available(reserve.pk) == D("9720.00")
    assert LedgerEntry.objects.get(kind="reserve").amount == D("9720.00")
