"""Invitations: many at once (all or none), into a project with a role, resend, revoke,
expiry, single use; any number of invitees sign up (the empty-username bug); email links
use SITE_URL or the request's host."""
import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contribbudget.models import AuditEvent, Invitation, Member
from projects.models import ProjectRole

pytestmark = pytest.mark.django_db
PASSWORD = "une-phrase-de-passe-longue"


def invite(client, lines, capture, **extra):
    with capture(execute=True):
        return client.post(reverse("invitation_create"), {"lines": lines, **extra})


def link_path(body: str) -> str:
    link = re.search(r"https?://\S+/invitations/\S+/", body).group(0)
    return "/" + link.split("/", 3)[3]


def sign_up(path: str, email: str, first_name: str = "", last_name: str = "") -> Client:
    client = Client()
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/signup/" in response["Location"]
    response = client.post(reverse("account_signup"), {
        "email": email, "first_name": first_name, "last_name": last_name,
        "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def test_three_invitees_in_a_row_all_sign_up_and_land_home_named(
        world, client_for, django_capture_on_commit_callbacks):
    coordinator = client_for(world.coordinator)
    response = invite(coordinator, "Nour Haddad, nour@example.org\nlou@example.org\n"
                      "Zoé Martin <zoe@example.org>", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mail.outbox) == 3
    by_email = {m.to[0]: m.body for m in mail.outbox}
    for email, first, last in [("nour@example.org", "Nour", "Haddad"),
                               ("lou@example.org", "Lou", "Petit"),
                               ("zoe@example.org", "Zoé", "Martin")]:
        client = sign_up(link_path(by_email[email]), email, first, last)
        home = client.get("/")
        assert home.status_code == 200 and first in home.content.decode()
    users = get_user_model().objects.filter(email__in=by_email)
    assert users.count() == 3
    assert len({u.username for u in users}) == 3 and all(u.username for u in users)
    assert Member.objects.get(user__email="lou@example.org").last_name == "Petit"
    assert Invitation.objects.filter(accepted_at__isnull=False).count() == 3


def test_signup_form_is_prefilled_with_the_invited_name(world, client_for,
                                                        django_capture_on_commit_callbacks):
    invite(client_for(world.coordinator), "Nour Haddad, nour@example.org",
           django_capture_on_commit_callbacks)
    client = Client()
    client.get(link_path(mail.outbox[0].body))
    body = client.get(reverse("account_signup") + "?email=nour@example.org").content.decode()
    assert 'value="Nour"' in body and 'value="Haddad"' in body


def test_bulk_invitation_with_bad_lines_creates_nothing_and_keeps_the_text(world, client_for):
    text = ("ok@example.org\npas-un-courriel\nA, B, c@example.org\nok@example.org\n"
            f"Malik, {world.pilot.user.email}")
    response = client_for(world.coordinator).post(reverse("invitation_create"), {"lines": text})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ligne 2 : « pas-un-courriel » n&#x27;est pas une adresse de courriel valide" in body
    assert "Ligne 3 : format attendu" in body
    assert "Ligne 4 : ok@example.org figure déjà ligne 1" in body
    assert f"Ligne 5 : {world.pilot.user.email} est déjà membre du réseau" in body
    assert "pas-un-courriel" in body and "ok@example.org" in body  # the textarea keeps it
    assert not Invitation.objects.exists() and not mail.outbox


def test_inviting_an_existing_member_is_refused_with_a_message(world, client_for):
    response = client_for(world.coordinator).post(reverse("invitation_create"),
                                                  {"lines": world.contributor.user.email.upper()})
    assert "est déjà membre du réseau" in response.content.decode()
    assert not Invitation.objects.exists()


def test_empty_invitation_list_is_refused(world, client_for):
    response = client_for(world.coordinator).post(reverse("invitation_create"), {"lines": "  \n "})
    assert "Ce champ est obligatoire" in response.content.decode()


def test_project_without_role_is_refused(world, client_for):
    response = client_for(world.coordinator).post(reverse("invitation_create"), {
        "lines": "a@example.org", "project": world.project.pk})
    assert "Choisissez le rôle" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invitation_into_a_project_gives_the_role_on_acceptance(
        world, client_for, django_capture_on_commit_callbacks):
    invite(client_for(world.coordinator), "Ana Lima, ana@example.org",
           django_capture_on_commit_callbacks, project=world.project.pk, project_role="pilot")
    invitation = Invitation.objects.get(email="ana@example.org")
    assert invitation.project == world.project and invitation.project_role == "pilot"
    assert not ProjectRole.objects.filter(member__user__email="ana@example.org").exists()
    sign_up(link_path(mail.outbox[0].body), "ana@example.org", "Ana", "Lima")
    role = ProjectRole.objects.get(member__user__email="ana@example.org")
    assert role.project == world.project and role.role == "pilot"
    assert AuditEvent.objects.filter(action="role.changed", project=world.project).exists()


def test_expired_revoked_and_used_links_get_a_clear_french_page(
        world, client_for, django_capture_on_commit_callbacks):
    coordinator = client_for(world.coordinator)
    invite(coordinator, "a@example.org\nb@example.org\nc@example.org",
           django_capture_on_commit_callbacks)
    links = {m.to[0]: link_path(m.body) for m in mail.outbox}
    Invitation.objects.filter(email="a@example.org").update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    coordinator.post(reverse("invitation_revoke",
                             args=[Invitation.objects.get(email="b@example.org").pk]))
    sign_up(links["c@example.org"], "c@example.org", "Cé")
    for email, status, text in [("a@example.org", 410, "Cette invitation a expiré"),
                                ("b@example.org", 410, "Cette invitation a été annulée"),
                                ("c@example.org", 410, "Cette invitation a déjà servi")]:
        response = Client().get(links[email])
        assert response.status_code == status
        assert text in response.content.decode()
    unknown = Client().get("/invitations/nimporte-quoi/")
    assert unknown.status_code == 404 and "Lien d'invitation inconnu" in unknown.content.decode()
    # A used link cannot open sign-up again.
    client = Client()
    client.get(links["c@example.org"])
    client.post(reverse("account_signup"), {"email": "c2@example.org", "password1": PASSWORD,
                                            "password2": PASSWORD, "first_name": "X"})
    assert not get_user_model().objects.filter(email="c2@example.org").exists()


def test_an_expired_invitation_cannot_be_used_even_from_an_open_session(
        world, client_for, django_capture_on_commit_callbacks):
    invite(client_for(world.coordinator), "late@example.org", django_capture_on_commit_callbacks)
    client = Client()
    client.get(link_path(mail.outbox[0].body))
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.post(reverse("account_signup"), {"email": "late@example.org", "first_name": "L",
                                            "password1": PASSWORD, "password2": PASSWORD})
    assert not get_user_model().objects.filter(email="late@example.org").exists()


def test_signing_up_with_another_email_than_invited_is_refused(
        world, client_for, django_capture_on_commit_callbacks):
    invite(client_for(world.coordinator), "vraie@example.org", django_capture_on_commit_callbacks)
    client = Client()
    client.get(link_path(mail.outbox[0].body))
    response = client.post(reverse("account_signup"), {
        "email": "autre@example.org", "first_name": "A", "password1": PASSWORD,
        "password2": PASSWORD})
    assert "adressée à vraie@example.org" in response.content.decode()
    assert not get_user_model().objects.filter(email="autre@example.org").exists()


def test_resend_gives_a_new_link_and_the_old_one_stops_working(
        world, client_for, django_capture_on_commit_callbacks):
    coordinator = client_for(world.coordinator)
    invite(coordinator, "r@example.org", django_capture_on_commit_callbacks)
    old = link_path(mail.outbox[0].body)
    invitation = Invitation.objects.get()
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(reverse("invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302
    new = link_path(mail.outbox[1].body)
    assert new != old
    assert Client().get(old).status_code == 404
    invitation.refresh_from_db()
    assert invitation.send_count == 2 and invitation.is_usable
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=29)
    sign_up(new, "r@example.org", "Rémi")


def test_revoking_twice_or_resending_a_used_invitation_is_refused(world, client_for):
    coordinator = client_for(world.coordinator)
    invitation = Invitation.objects.create(email="u@example.org", first_name="U", last_name="",
                                           invited_by=world.coordinator.user,
                                           accepted_at=timezone.now())
    response = coordinator.post(reverse("invitation_resend", args=[invitation.pk]), follow=True)
    assert "déjà été acceptée" in response.content.decode()
    other = Invitation.objects.create(email="v@example.org", first_name="V", last_name="",
                                      invited_by=world.coordinator.user, revoked_at=timezone.now())
    response = coordinator.post(reverse("invitation_revoke", args=[other.pk]), follow=True)
    assert "déjà révoquée" in response.content.decode()


def test_invitation_list_shows_each_status(world, client_for):
    now = timezone.now()
    for email, extra in [("p@example.org", {}),
                         ("e@example.org", {"expires_at": now - datetime.timedelta(days=1)}),
                         ("a@example.org", {"accepted_at": now}),
                         ("r@example.org", {"revoked_at": now})]:
        Invitation.objects.create(email=email, first_name="X", last_name="", **extra,
                                  invited_by=world.coordinator.user)
    body = client_for(world.coordinator).get(reverse("invitation_create")).content.decode()
    for label in ("en attente", "expirée", "acceptée", "révoquée"):
        assert label in body
    pending = client_for(world.coordinator).get(reverse("invitation_create") + "?statut=pending")
    assert "p@example.org" in pending.content.decode()
    assert "e@example.org" not in pending.content.decode()


def test_reinviting_an_open_invitation_renews_it_instead_of_duplicating(
        world, client_for, django_capture_on_commit_callbacks):
    coordinator = client_for(world.coordinator)
    invite(coordinator, "twice@example.org", django_capture_on_commit_callbacks)
    invite(coordinator, "Deux Fois, twice@example.org", django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    assert invitation.send_count == 2 and invitation.first_name == "Deux"


def test_links_use_the_request_host_when_site_url_is_unset(
        world, client_for, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["budget.local"]
    client = client_for(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invitation_create"), {"lines": "h@example.org"},
                    HTTP_HOST="budget.local:8101")
    assert "http://budget.local:8101/invitations/" in mail.outbox[0].body


def test_links_use_site_url_when_set(world, client_for, settings,
                                     django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://budget.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.coordinator).post(reverse("invitation_create"), {"lines": "s@example.org"})
    assert "https://budget.example.org/invitations/" in mail.outbox[0].body


def test_emails_without_a_request_use_the_address_recorded_from_coordinator_visits(
        world, client_for, settings):
    from contribbudget.links import absolute_url

    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["budget.local"]
    assert absolute_url("/x/") == "http://localhost:8000/x/"
    client_for(world.coordinator).get(reverse("network:settings"), HTTP_HOST="budget.local:8101")
    assert absolute_url("/x/") == "http://budget.local:8101/x/"


def test_a_logged_in_member_following_a_link_is_told_to_log_out(
        world, client_for, django_capture_on_commit_callbacks):
    invite(client_for(world.coordinator), "w@example.org", django_capture_on_commit_callbacks)
    response = client_for(world.contributor).get(link_path(mail.outbox[0].body))
    assert response.status_code == 409 and "Vous êtes déjà connecté·e" in response.content.decode()
