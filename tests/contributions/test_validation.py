"""Validation by pilots: the queue, bulk validate, reject with a comment the contributor
reads (and receives by email), never one's own work, never another project's."""
import pytest
from django.core import mail
from django.urls import reverse

from contribbudget.models import AuditEvent
from contributions.models import Contribution

from .. import factories

pytestmark = pytest.mark.django_db
QUEUE = reverse("contributions:validation")
BULK = reverse("contributions:validate_bulk")


def test_queue_groups_submitted_work_by_person_and_week_without_own(world, client_for):
    factories.contribution(world.contributor, world.envelope, status="submitted",
                           description="Atelier de Camille")
    factories.contribution(world.pilot, world.envelope, status="submitted",
                           description="Travail du pilote")
    factories.contribution(world.outsider, world.other_envelope, status="submitted",
                           description="Autre projet")
    factories.contribution(world.contributor, world.envelope, description="Brouillon caché")
    body = client_for(world.pilot).get(QUEUE).content.decode()
    assert "Atelier de Camille" in body
    assert "semaine du" in body and world.contributor.full_name in body
    assert "Travail du pilote" not in body and "Autre projet" not in body
    assert "Brouillon caché" not in body
    # The co-pilot sees the pilot's own work: someone else validates it.
    assert "Travail du pilote" in client_for(world.copilot).get(QUEUE).content.decode()


def test_a_contributor_without_projects_to_pilot_gets_403(world, client_for):
    assert client_for(world.contributor).get(QUEUE).status_code == 403


def test_bulk_validate_validates_and_audits(world, client_for):
    a = factories.contribution(world.contributor, world.envelope, status="submitted")
    b = factories.contribution(world.contributor, world.envelope, status="submitted")
    client_for(world.pilot).post(BULK, {"ids": [a.pk, b.pk], "action": "validate"})
    assert set(Contribution.objects.values_list("status", flat=True)) == {"validated"}
    a.refresh_from_db()
    assert a.validated_by == world.pilot and a.validated_at is not None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONTRIBUTION_VALIDATED).count() == 2


def test_reject_needs_a_comment(world, client_for):
    c = factories.contribution(world.contributor, world.envelope, status="submitted")
    response = client_for(world.pilot).post(BULK, {"ids": [c.pk], "action": "reject"}, follow=True)
    assert "Expliquez le refus" in response.content.decode()
    c.refresh_from_db()
    assert c.status == "submitted"


def test_rejection_emails_the_contributor_who_sees_the_comment_and_history(
        world, client_for, django_capture_on_commit_callbacks):
    c = factories.contribution(world.contributor, world.envelope, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.pilot).post(BULK, {"ids": [c.pk], "action": "reject",
                                            "comment": "Précisez le livrable."})
    c.refresh_from_db()
    assert c.status == "rejected" and c.rejection_comment == "Précisez le livrable."
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.contributor.user.email]
    assert "Précisez le livrable." in mail.outbox[0].body
    body = client_for(world.contributor).get(reverse("contributions:detail", args=[c.pk])).content.decode()
    assert "Précisez le livrable." in body
    assert "Contribution refusée" in body and world.pilot.full_name in body
    assert "Précisez le livrable." in client_for(world.contributor).get(
        reverse("contributions:mine")).content.decode()


def test_a_pilot_never_validates_their_own_contribution(world, client_for):
    own = factories.contribution(world.pilot, world.envelope, status="submitted")
    response = client_for(world.pilot).post(BULK, {"ids": [own.pk], "action": "validate"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == "submitted"
    client_for(world.copilot).post(BULK, {"ids": [own.pk], "action": "validate"})
    own.refresh_from_db()
    assert own.status == "validated" and own.validated_by == world.copilot


def test_a_pilot_cannot_validate_on_a_project_they_do_not_pilot(world, client_for):
    foreign = factories.contribution(world.contributor, world.other_envelope, status="submitted")
    mine = factories.contribution(world.contributor, world.envelope, status="submitted")
    response = client_for(world.pilot).post(BULK, {"ids": [mine.pk, foreign.pk], "action": "validate"})
    assert response.status_code == 403
    # All or nothing: the allowed one is not validated either.
    assert set(Contribution.objects.values_list("status", flat=True)) == {"submitted"}


def test_a_coordinator_validates_any_project(world, client_for):
    c = factories.contribution(world.contributor, world.other_envelope, status="submitted")
    client_for(world.coordinator).post(BULK, {"ids": [c.pk], "action": "validate"})
    c.refresh_from_db()
    assert c.status == "validated"


def test_a_contributor_cannot_validate(world, client_for):
    c = factories.contribution(world.pilot, world.envelope, status="submitted")
    response = client_for(world.contributor).post(BULK, {"ids": [c.pk], "action": "validate"})
    assert response.status_code == 403
    c.refresh_from_db()
    assert c.status == "submitted"


def test_pilot_validates_from_the_contribution_page(world, client_for):
    c = factories.contribution(world.contributor, world.envelope, status="submitted")
    client = client_for(world.pilot)
    body = client.get(reverse("contributions:detail", args=[c.pk])).content.decode()
    assert "Refuser avec ce commentaire" in body
    client.post(BULK, {"ids": [c.pk], "action": "validate",
                       "next": reverse("contributions:detail", args=[c.pk])})
    body = client.get(reverse("contributions:detail", args=[c.pk])).content.decode()
    assert "Validée" in body and "Contribution validée" in body
