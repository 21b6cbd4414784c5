"""Every network page, for each role: coordinators manage, treasurers read the member
directory, other members get 403, accounts without a member profile 404, anonymous
visitors go to the login page."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from contribbudget.models import Invitation

from .. import factories

pytestmark = pytest.mark.django_db

ROLES = ["contributor", "pilot", "treasurer", "coordinator", "outsider"]


def _pages(world):
    place = world.contributor.home_place
    field = world.project.field
    invitation = Invitation.objects.create(email="x@example.org", first_name="X", last_name="Y",
                                           invited_by=world.coordinator.user)
    manage = {
        ("get", reverse("network:settings")),
        ("get", reverse("network:places")),
        ("get", reverse("network:place_create")),
        ("get", reverse("network:place", args=[place.pk])),
        ("post", reverse("network:place_archive", args=[place.pk])),
        ("get", reverse("network:fields")),
        ("get", reverse("network:field_create")),
        ("get", reverse("network:field", args=[field.pk])),
        ("post", reverse("network:field_archive", args=[field.pk])),
        ("post", reverse("network:member_set_active", args=[world.pilot.pk])),
        ("get", reverse("invitation_create")),
        ("post", reverse("invitation_resend", args=[invitation.pk])),
        ("post", reverse("invitation_revoke", args=[invitation.pk])),
    }
    view = {("get", reverse("network:members")),
            ("get", reverse("network:member", args=[world.pilot.pk]))}
    return manage, view


EXPECTED = {"contributor": 403, "pilot": 403, "outsider": 403}


@pytest.mark.parametrize("role", ROLES)
def test_network_pages_answer_each_role(world, client_for, role):
    manage, view = _pages(world)
    client = client_for(getattr(world, role))
    for method, url in sorted(manage):
        status = getattr(client, method)(url).status_code
        if role == "coordinator":
            assert status in (200, 302), (url, status)
        else:
            assert status == 403, (role, url, status)
    for method, url in sorted(view):
        status = getattr(client, method)(url).status_code
        assert status == (200 if role in ("treasurer", "coordinator") else 403), (role, url)


def test_account_without_member_profile_gets_404_and_anonymous_goes_to_login(world):
    manage, view = _pages(world)
    user = get_user_model().objects.create_user(username="nomember", email="n@example.org",
                                                password=factories.PASSWORD)
    bare = Client()
    bare.force_login(user)
    for method, url in sorted(manage | view):
        assert getattr(bare, method)(url).status_code == 404, url
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_unknown_ids_are_404_for_a_coordinator(world, client_for):
    client = client_for(world.coordinator)
    for url in (reverse("network:place", args=[9999]), reverse("network:field", args=[9999]),
                reverse("network:member", args=[9999])):
        assert client.get(url).status_code == 404


def test_treasurer_reads_a_member_but_cannot_change_roles(world, client_for):
    client = client_for(world.treasurer)
    body = client.get(reverse("network:member", args=[world.pilot.pk])).content.decode()
    assert world.pilot.full_name in body and "Désactiver le compte" not in body
    response = client.post(reverse("network:member", args=[world.pilot.pk]),
                           {"is_coordinator": "on"})
    assert response.status_code == 403
    world.pilot.refresh_from_db()
    assert not world.pilot.is_coordinator


def test_network_menu_shows_its_pages_by_role(world, client_for):
    coordinator = client_for(world.coordinator).get("/").content.decode()
    for label in ("Paramètres du réseau", "Lieux", "Champs d'action", "Membres", "Invitations"):
        assert label in coordinator
    assert "Administration" not in coordinator  # not a superuser
    treasurer = client_for(world.treasurer).get("/").content.decode()
    assert reverse("network:members") in treasurer
    assert reverse("network:settings") not in treasurer
    contributor = client_for(world.contributor).get("/").content.decode()
    assert reverse("network:members") not in contributor


def test_network_pages_are_translated_into_english(world, client_for):
    client = client_for(world.coordinator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Network settings" in client.get(reverse("network:settings")).content.decode()
    assert "Member directory" in client.get(reverse("network:members")).content.decode()
    assert "Invite people" in client.get(reverse("invitation_create")).content.decode()


def test_a_new_networks_coordinator_sees_the_first_steps_until_done(db, client_for):
    coordinator = factories.member("Sacha", is_coordinator=True)
    body = client_for(coordinator).get("/").content.decode()
    assert "Premiers pas du réseau" in body and reverse("network:places") in body
    contributor = factories.member("Camille")
    assert "Premiers pas du réseau" not in client_for(contributor).get("/").content.decode()


def test_the_demo_like_network_shows_no_first_steps_once_done(world, client_for):
    from network.services import network_settings_update

    network_settings_update(actor=world.coordinator.user, name="Réseau")
    Invitation.objects.create(email="z@example.org", first_name="Z", last_name="",
                              invited_by=world.coordinator.user)
    assert "Premiers pas du réseau" not in client_for(world.coordinator).get("/").content.decode()
