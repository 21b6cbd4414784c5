"""From an empty database to a network with people, in Chromium: create_coordinator → log in
→ network settings → a place and a field of action → invite people in bulk → an invitee
accepts in a fresh browser context, sets a password and lands home, named. No admin, no
shell after create_coordinator, no seeded data."""
import re

import pytest
from django.core import mail
from django.core.management import call_command

from contribbudget.models import FieldOfAction, Invitation, Member, NetworkSettings, Place
from tests.realservices import CHROMIUM_ARGS  # noqa: F401 - same launch as the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "une-phrase-de-passe-longue-2026"


def open_network_menu(page, link):
    page.locator("nav summary", has_text="Réseau").click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name=link, exact=True).click()


def test_empty_install_to_invited_members(browser_page, monkeypatch):
    assert not Member.objects.exists() and not Place.objects.exists()
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD)
    call_command("create_coordinator", "sacha@reseau.example.org", "Sacha Lefèvre")

    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill("sacha@reseau.example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")

    # Network settings: a bad SIRET is refused and what was typed stays.
    open_network_menu(page, "Paramètres du réseau")
    page.get_by_label("Nom du réseau").fill("Tiers-lieux de Touraine")
    page.get_by_label("Raison sociale").fill("Association TL37")
    page.get_by_label("SIRET").fill("73282932000075")
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    assert "clé de contrôle incorrecte" in page.locator("#field-siret").inner_text()
    assert page.get_by_label("Raison sociale").input_value() == "Association TL37"
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_label("Coût journalier de référence (€)").fill("260")
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    assert "Paramètres du réseau enregistrés" in page.locator(".messages").inner_text()
    network = NetworkSettings.load()
    assert (network.legal_name, network.siret) == ("Association TL37", "73282932000074")
    assert str(network.reference_daily_rate) == "260.00"

    # A place and a field of action.
    open_network_menu(page, "Lieux")
    page.get_by_role("button", name="+ Nouveau lieu").click()
    page.get_by_label("Nom").fill("Le Bocal")
    page.get_by_label("Commune").fill("Tours")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator('tr[data-place="Le Bocal"]').is_visible()
    open_network_menu(page, "Champs d'action")
    page.get_by_role("button", name="+ Nouveau champ d'action").click()
    page.get_by_label("Nom").fill("Alimentation durable")
    page.get_by_label("Début").fill("2026-01-01")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator('tr[data-field="Alimentation durable"]').is_visible()
    assert FieldOfAction.objects.filter(name="Alimentation durable").exists()

    # Invite in bulk: one bad line refuses all, the text stays; fixed, three are sent.
    open_network_menu(page, "Invitations")
    lines = page.get_by_label("Personnes à inviter")
    lines.fill("Nour Haddad, nour@example.org\nlou@example\nZoé Martin <zoe@example.org>")
    page.get_by_label("Lieu d'attache").select_option(label="Le Bocal")
    page.get_by_role("button", name="Envoyer les invitations").click()
    assert "Ligne 2" in page.locator("#field-lines").inner_text()
    assert "lou@example" in lines.input_value()
    assert not Invitation.objects.exists()
    lines.fill("Nour Haddad, nour@example.org\nlou@example.org\nZoé Martin <zoe@example.org>")
    page.get_by_role("button", name="Envoyer les invitations").click()
    assert "3 invitation(s) envoyée(s)" in page.locator(".messages").inner_text()
    assert page.locator('tr[data-invitation="nour@example.org"]').is_visible()
    body = next(m.body for m in mail.outbox if m.to == ["nour@example.org"])
    link = re.search(r"https?://\S+/invitations/\S+/", body).group(0)
    assert link.startswith(page.base_url)  # SITE_URL unset: the request's own host

    # The invitee, in a fresh browser context (no cookie of the coordinator's).
    context = page.context.browser.new_context(base_url=page.base_url, locale="fr-FR")
    try:
        invitee = context.new_page()
        invitee.goto(link)
        invitee.wait_for_url("**/accounts/signup/**")
        assert invitee.locator("#id_first_name").input_value() == "Nour"
        assert invitee.locator("#id_last_name").input_value() == "Haddad"
        invitee.locator("#id_password1").fill(PASSWORD)
        invitee.locator("#id_password2").fill(PASSWORD)
        invitee.locator("form button[type=submit]").last.click()
        invitee.wait_for_url(page.base_url + "/")
        assert "Nour" in invitee.locator(".nav-user summary").inner_text()
        # The link is single use.
        invitee.goto(link)
        assert "Cette invitation a déjà servi" in invitee.locator("main").inner_text()
    finally:
        context.close()
    member = Member.objects.get(user__email="nour@example.org")
    assert member.full_name == "Nour Haddad" and member.home_place.name == "Le Bocal"
