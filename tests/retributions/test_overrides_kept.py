"""A member switching to volunteer for a run no longer wipes the pilot's decisions (issue 12,
point 10): the recompute keeps every override and its reason, the run page says so, and
an override that can no longer apply is named, never silently dropped. Run cancel,
recompute and per-run preferences are audited (point 9)."""
from decimal import Decimal

import pytest
from django.urls import reverse

from contribbudget.models import AuditEvent, Preference
from retributions.services import runs as svc

from .. import factories
from .runs_support import computed_run, validated

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def run(world):
    validated(world.contributor, world.envelope, "7.00")
    validated(world.copilot, world.envelope, "3.50")
    vera = factories.member("Vera")
    factories.role(world.project, vera)
    validated(vera, world.envelope, "7.00")
    run = computed_run(world)
    world.vera = vera
    return run


def _line(run, member):
    return run.lines.get(member=member)


def test_a_member_turning_volunteer_keeps_the_pilots_overrides_and_reasons(world, run,
                                                                           client_for):
    svc.run_line_override(actor=world.pilot.user, line=_line(run, world.contributor),
                          amount=D("250.00"), reason="Atelier écourté")
    svc.run_preference_set(member=world.copilot, run=run, preference=Preference.VOLUNTEER)
    svc.run_compute(run_id=run.pk)
    run.refresh_from_db()
    line = _line(run, world.contributor)
    assert line.money == D("250.00") and line.override_reason == "Atelier écourté"
    assert line.computed_money == D("280.00")
    assert _line(run, world.copilot).money == D("0.00")
    assert run.distributed == D("250.00") + _line(run, world.vera).money
    body = client_for(world.pilot).get(reverse("retributions:run_detail", args=[run.pk])).content.decode()
    assert "Atelier écourté" in body
    assert "conservée" in body


def test_an_override_that_no_longer_applies_is_named_on_the_page(world, run, client_for):
    svc.run_line_override(actor=world.pilot.user, line=_line(run, world.vera),
                          amount=D("300.00"), reason="Bonus logistique")
    svc.run_preference_set(member=world.vera, run=run, preference=Preference.VOLUNTEER)
    svc.run_compute(run_id=run.pk)
    run.refresh_from_db()
    assert _line(run, world.vera).money == D("0.00")
    body = client_for(world.pilot).get(reverse("retributions:run_detail", args=[run.pk])).content.decode()
    assert "Bonus logistique" in body  # the dropped decision is still shown, with its reason
    assert 'data-testid="overrides-dropped"' in body
    assert "ne perçoit plus d'argent pour ce calcul" in body


def test_recompute_cancel_and_per_run_preference_are_audited(world, run):
    svc.run_preference_set(member=world.copilot, run=run, preference=Preference.VOLUNTEER)
    svc.run_compute(run_id=run.pk)
    svc.run_recompute(actor=world.pilot.user, run=run)
    svc.run_cancel(actor=world.pilot.user, run=run)
    actions = list(AuditEvent.objects.filter(object_type="retributions.retributionrun",
                                             object_id=str(run.pk))
                   .order_by("created_at", "id").values_list("action", flat=True))
    assert actions[-3:] == ["run.preference_set", "run.recomputed", "run.cancelled"]
    pref = AuditEvent.objects.get(action="run.preference_set")
    assert pref.actor == world.copilot.user and pref.data["preference"] == "volunteer"
