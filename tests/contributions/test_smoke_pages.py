"""Every page of the app answers for the people it is for."""
import pytest
from django.urls import reverse

from .. import factories

pytestmark = pytest.mark.django_db


def test_contributor_pages_render(world, client_for):
    c = factories.contribution(world.contributor, world.envelope)
    client = client_for(world.contributor)
    for url in [reverse("contributions:quick_log"), reverse("contributions:week"),
                reverse("contributions:mine"), reverse("contributions:dashboard"),
                reverse("contributions:preferences"), reverse("contributions:detail", args=[c.pk]),
                reverse("contributions:edit", args=[c.pk]),
                reverse("contributions:delete", args=[c.pk])]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_pilot_pages_render(world, client_for):
    factories.contribution(world.contributor, world.envelope, status="submitted")
    client = client_for(world.pilot)
    for url in [reverse("contributions:validation"), reverse("contributions:import")]:
        assert client.get(url).status_code == 200, url
