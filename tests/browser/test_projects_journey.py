"""The pilot's and the coordinator's journeys in Chromium on the demo network: a transfer
between two envelopes moves the bars and appears in the history; a new grain shows its
capacity."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from projects.models import Adjustment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def envelope_row(page, name):
    return page.locator(f'tr[data-envelope="{name}"]')


def amount_in(row) -> Decimal:
    """``"8 900,00 €"`` → ``Decimal("8900.00")``."""
    text = row.get_by_test_id("amount").inner_text()
    return Decimal(text.replace("\u00a0", "").replace("€", "").replace(" ", "").replace(",", "."))


def test_pilot_transfers_between_envelopes_and_coordinator_creates_a_grain(browser_page):
    call_command("seed_demo")
    page = browser_page
    login(page, "pilote@demo.tiers-lieux.org", "demo-pilote-2026")

    page.get_by_role("link", name="Projets").first.click()
    page.get_by_role("link", name="Légumerie partagée").click()
    assert page.get_by_role("heading", name="Légumerie partagée").is_visible()
    source = envelope_row(page, "Coordination")
    target = envelope_row(page, "Communication")
    source_before, target_before = amount_in(source), amount_in(target)
    bar_before = target.locator(".bar > span").get_attribute("class")  # w-NN (CSP: no style)
    assert page.locator("#envelopes-chart").is_visible()

    page.get_by_role("button", name="Virement entre enveloppes").click()
    page.get_by_label("Depuis l'enveloppe").select_option(label="Coordination")
    page.get_by_label("Vers l'enveloppe").select_option(label="Communication")
    page.get_by_label("Montant").fill("500")
    # A transfer without a reason is refused and keeps what was typed.
    page.get_by_role("button", name="Virer").click()
    assert "motif" in page.get_by_role("alert").first.inner_text()
    assert page.get_by_label("Montant").input_value() == "500"
    page.get_by_label("Motif").fill("Le comité de suivi demande plus de coordination")
    page.get_by_role("button", name="Virer").click()

    page.wait_for_url("**/projets/legumerie/")
    assert "Virement entre enveloppes enregistré" in page.locator(".messages").inner_text()
    assert amount_in(source) == source_before - 500
    assert amount_in(target) == target_before + 500
    assert target.locator(".bar > span").get_attribute("class") != bar_before

    target.get_by_role("link", name="Communication").click()
    history = page.locator(".history-table")
    assert "Le comité de suivi demande plus de coordination" in history.inner_text()
    assert "Malik Benali" in history.inner_text()
    assert "virement depuis « Coordination »" in history.inner_text()
    assert Adjustment.objects.filter(reason__startswith="Le comité de suivi").count() == 2

    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Se déconnecter").click()
    login(page, "coordination@demo.tiers-lieux.org", "demo-coord-2026")
    page.locator("nav summary", has_text="Réseau").click()  # network tools menu
    page.get_by_role("link", name="Grains de coordination").click()
    page.get_by_role("button", name="Nouveau grain").click()
    year = datetime.date.today().year
    page.get_by_label("Membre").select_option(label="Camille Roux")
    page.get_by_label("Champ d'action").select_option(label="Alimentation et circuits courts")
    page.get_by_label("Projet piloté").select_option(label="Légumerie partagée")
    page.get_by_label("Enveloppe qui paie le grain").select_option(label="Légumerie partagée — Coordination")
    page.get_by_label("Début").fill(f"{year}-01-01")
    page.get_by_label("Fin").fill(f"{year}-12-31")
    page.get_by_role("button", name="Créer le grain").click()
    page.wait_for_url("**/projets/grains/*/")
    assert page.get_by_role("heading", name="Grain de coordination de Camille Roux").is_visible()
    assert page.get_by_test_id("capacity").inner_text() == "482,1\u00a0h"
