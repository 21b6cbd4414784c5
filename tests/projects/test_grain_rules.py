"""Grains the server refuses, from the coordinator's page (issue 12, point 14): a second
grain for the same member, field and period, and a "drive" grain on a project its holder
does not pilot."""
import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from projects.models import CoordinationGrain

from .. import factories

pytestmark = pytest.mark.django_db


def grain_post(world, **kw):
    data = {"member": world.pilot.pk, "field": world.project.field.pk, "project": world.project.pk,
            "envelope": world.envelope.pk, "start": "2026-01-01", "end": "2026-12-31",
            "fte_drive": "0.2", "fte_contribute": "0.1", "mode": "contributive", "yearly_cost": ""}
    data.update(kw)
    return data


def test_a_second_grain_for_the_same_member_field_and_period_is_refused(world, client_for):
    client = client_for(world.coordinator)
    assert client.post(reverse("projects:grain_create"), grain_post(world)).status_code == 302
    response = client.post(reverse("projects:grain_create"),
                           grain_post(world, start="2026-06-01", end="2027-05-31"))
    assert response.status_code == 400
    assert "a déjà un grain" in response.content.decode()
    assert CoordinationGrain.objects.count() == 1


def test_the_database_refuses_two_grains_with_the_same_member_field_and_start(world):
    factories.grain(world.pilot, world.envelope)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.grain(world.pilot, world.envelope, end=datetime.date(2026, 6, 30))


def test_a_drive_grain_on_a_project_its_holder_does_not_pilot_is_refused(world, client_for):
    response = client_for(world.coordinator).post(
        reverse("projects:grain_create"), grain_post(world, member=world.contributor.pk))
    assert response.status_code == 400
    assert "ne pilote pas" in response.content.decode()
    assert not CoordinationGrain.objects.exists()


def test_grains_on_other_fields_or_later_periods_are_accepted(world, client_for):
    client = client_for(world.coordinator)
    assert client.post(reverse("projects:grain_create"), grain_post(world)).status_code == 302
    later = grain_post(world, start="2027-01-01", end="2027-12-31")
    assert client.post(reverse("projects:grain_create"), later).status_code == 302
    assert CoordinationGrain.objects.count() == 2
