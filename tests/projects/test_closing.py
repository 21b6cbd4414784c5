"""Closing a project: the checklist, the remainders moved by the surplus policy through the
transfer service, logging stopped, all audited."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contribbudget.models import AuditEvent
from contributions import services as contribution_services
from projects import closing
from projects.models import Adjustment, Envelope, Project
from projects.selectors import project_envelopes
from retributions.models import RetributionRun

from .. import factories

pytestmark = pytest.mark.django_db


def amounts(project):
    return {e.name: e.available for e in project_envelopes(project)}


def test_closing_with_split_moves_each_remainder_to_commons_and_reserve(world, approved_run):
    approved_run(world.envelope, "1000.00")  # 9 000 € left in Production
    closing.project_close(project=world.project, actor=world.pilot.user, policy="split",
                          commons_percent=30)
    project = Project.objects.get(pk=world.project.pk)
    assert project.phase == Project.Phase.CLOSED and not project.is_open
    after = amounts(project)
    assert after["Production"] == Decimal("0.00")
    assert after["Communs"] == Decimal("2700.00") and after["Réserve de lissage"] == Decimal("6300.00")
    # Two transfers, each two linked adjustments summing to zero.
    transfers = Adjustment.objects.filter(envelope__project=project, transfer_id__isnull=False)
    assert transfers.count() == 4 and sum(a.delta for a in transfers) == 0
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROJECT_CLOSED)
    assert event.data["total"] == "9000.00" and event.data["policy"] == "split"


def test_closing_to_the_commons_moves_the_reserve_too(world):
    reserve = factories.envelope(world.project, name="Réserve", kind=Envelope.Kind.RESERVE,
                                 amount="500.00", rule=Envelope.Rule.BALANCED)
    closing.project_close(project=world.project, actor=world.coordinator.user, policy="commons")
    after = amounts(world.project)
    assert after["Communs"] == Decimal("10500.00") and after[reserve.name] == Decimal("0.00")


def test_submitted_work_and_draft_runs_block_the_closing(world):
    factories.contribution(world.contributor, world.envelope, status="submitted")
    RetributionRun.objects.create(envelope=world.envelope, period_start=datetime.date(2026, 1, 1),
                                  period_end=datetime.date(2026, 3, 31), status="draft",
                                  rule=world.envelope.rule, created_by=world.pilot.user)
    with pytest.raises(ValidationError) as error:
        closing.project_close(project=world.project, actor=world.pilot.user, policy="commons")
    messages = " ".join(error.value.messages)
    assert "1 contribution(s) attendent encore validation" in messages
    assert "1 calcul(s) de rétribution ne sont pas approuvés" in messages
    assert Project.objects.get(pk=world.project.pk).phase != Project.Phase.CLOSED
    assert not Adjustment.objects.filter(transfer_id__isnull=False).exists()


def test_a_closed_project_refuses_every_contribution(world):
    closing.project_close(project=world.project, actor=world.pilot.user, policy="reserve")
    project = Project.objects.get(pk=world.project.pk)
    with pytest.raises(ValidationError) as error:
        contribution_services.contribution_create(
            member=world.contributor, actor=world.contributor.user, project=project,
            envelope=world.envelope, date=datetime.date(2026, 11, 2), hours=Decimal("1"),
            kind="production", description="x")
    assert "est clos" in error.value.message_dict["project"][0]


def test_only_those_who_steer_close(world):
    with pytest.raises(PermissionDenied):
        closing.project_close(project=world.project, actor=world.treasurer.user,
                              policy="commons")


def test_the_close_page_shows_the_checklist_and_the_planned_transfers(world, client_for):
    factories.contribution(world.contributor, world.envelope, status="draft")
    body = client_for(world.pilot).get(
        reverse("projects:close", args=[world.project.slug])).content.decode()
    assert "Aucune contribution à valider" in body and "1 brouillon" in body
    assert "5\u00a0000,00\u00a0€ de « Production » → fonds des communs" in body  # split 50 %


def test_closing_from_the_page(world, client_for):
    url = reverse("projects:close", args=[world.project.slug])
    client = client_for(world.pilot)
    refused = client.post(url, {"policy": "commons", "commons_percent": "50"})
    assert refused.status_code == 400  # the confirmation box is required
    response = client.post(url, {"policy": "commons", "commons_percent": "50", "confirm": "on",
                                 "reason": "Fin de la convention"})
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "Phase : Clos" in body and reverse("projects:close", args=[world.project.slug]) \
        not in body


@pytest.mark.parametrize("who,status", [("contributor", 403), ("pilot", 200),
                                        ("treasurer", 403), ("coordinator", 200),
                                        ("outsider", 403)])
def test_close_page_per_role(world, client_for, who, status):
    url = reverse("projects:close", args=[world.project.slug])
    assert client_for(getattr(world, who)).get(url).status_code == status


def test_unknown_project_close_page_is_404(world, client_for):
    assert client_for(world.pilot).get(
        reverse("projects:close", args=["nulle-part"])).status_code == 404


def test_the_close_page_starts_from_the_networks_default_surplus_policy(world, client_for):
    from contribbudget.models import NetworkSettings

    network = NetworkSettings.load()
    network.default_surplus_policy = "reserve"
    network.save()
    body = client_for(world.pilot).get(
        reverse("projects:close", args=[world.project.slug])).content.decode()
    assert "checked" in body.split('value="reserve"')[1][:80]  # the radio starts there
    assert "10\u00a0000,00\u00a0€ de « Production » → réserve de lissage" in body
