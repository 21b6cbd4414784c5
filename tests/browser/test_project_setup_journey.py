"""Montage in Chromium, from data a network has after its first steps (no demo): the
coordinator sets up a project with two fundings and its envelopes from the template,
watching the live "reste à répartir"; then a member outside its team logs hours on it (it
is open) and so joins the team."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from contributions.models import Contribution
from projects.models import Adjustment, Project, ProjectRole

from .. import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NBSP = "\u00a0"


def login(page, member):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(member.user.email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def logout(page):
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/accounts/login/**")


def test_coordinator_sets_up_a_project_and_a_newcomer_logs_on_it(browser_page):
    page = browser_page
    coordinator = factories.member("Sacha", "Lefèvre", is_coordinator=True)
    pilot = factories.member("Malik", "Benali")
    newcomer = factories.member("Ines", "Moreau")
    field = factories.field(name="Alimentation", slug="alimentation")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=60)
    end = today + datetime.timedelta(days=300)

    login(page, coordinator)
    page.goto("/projets/")
    page.locator("main").get_by_role("button", name="Nouveau projet").click()
    page.wait_for_url("**/projets/nouveau/")
    remaining = page.get_by_test_id("setup-remaining")
    assert remaining.text_content() == f"0,00{NBSP}€"

    page.get_by_label("Champ d'action").select_option(str(field.pk))
    page.get_by_label("Nom du projet").fill("Cantine des communs")
    page.locator("#id_start").fill(start.isoformat())
    page.locator("#id_end").fill(end.isoformat())
    page.get_by_label("Phase").select_option("production")
    page.get_by_label("Pilotes").select_option(str(pilot.pk))
    rows = [("Région", "REG-2026-17", "30000"), ("Fondation de France", "FDF-88", "12000")]
    for i, (funder, ref, amount) in enumerate(rows):
        page.locator(f"#id_f-{i}-funder").fill(funder)
        page.locator(f"#id_f-{i}-reference").fill(ref)
        page.locator(f"#id_f-{i}-amount").fill(amount)
        page.locator(f"#id_f-{i}-start").fill(start.isoformat())
        page.locator(f"#id_f-{i}-end").fill(end.isoformat())
    # The template's shares sum to 100 %: the whole budget is spread.
    assert page.get_by_test_id("setup-budget").text_content() == f"42{NBSP}000,00{NBSP}€"
    assert remaining.text_content() == f"0,00{NBSP}€"
    assert page.locator("#id_e-0-amount").input_value() == "23100.00"  # 55 %
    # Production down to 50 %: 2 100 € left to spread; then a typed amount wins over its share.
    page.locator("#id_e-0-share").fill("50")
    assert remaining.text_content() == f"2{NBSP}100,00{NBSP}€"
    page.locator("#id_e-1-amount").fill("6000.00")  # coordination, 10 % would be 4 200 €
    assert remaining.text_content() == f"300,00{NBSP}€"
    # Too much: the figure turns red and the page says what to do.
    page.locator("#id_e-1-amount").fill("9000.00")
    assert remaining.text_content() == f"-2{NBSP}700,00{NBSP}€"
    assert page.locator("#setup-over").is_visible()
    page.locator("#id_e-1-amount").fill("6000.00")
    page.get_by_role("button", name="Créer le projet").click()
    page.wait_for_url("**/projets/cantine-des-communs/")
    assert "Projet « Cantine des communs » monté" in page.content()

    project = Project.objects.get(slug="cantine-des-communs")
    amounts = dict(Adjustment.objects.filter(envelope__project=project)
                   .values_list("envelope__name", "delta"))
    assert amounts["Production"] == Decimal("21000.00")
    assert amounts["Coordination"] == Decimal("6000.00")
    assert sum(amounts.values()) == Decimal("41700.00")
    assert project.fundings.count() == 2
    logout(page)

    # A member outside the team logs hours on the open project from the quick log.
    login(page, newcomer)
    page.goto("/contributions/saisir/")
    page.get_by_label("Projet").select_option(label="Cantine des communs (ouvert)")
    page.get_by_label("Enveloppe").select_option(label="Production")
    page.get_by_label("Heures").fill("2h30")
    page.get_by_label("Description").fill("Atelier cuisine")
    page.get_by_role("button", name="Soumettre").click()
    page.get_by_test_id("quick-log-ok").wait_for()
    contribution = Contribution.objects.get(member=newcomer)
    assert contribution.hours == Decimal("2.50") and contribution.project == project
    assert ProjectRole.objects.get(project=project, member=newcomer).role == "contributor"


def test_the_setup_page_holds_on_a_phone(live_server):
    import os

    from tests.realservices import chromium_page

    coordinator = factories.member("Sacha", is_coordinator=True)
    factories.field()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with chromium_page(live_server.url, viewport={"width": 390, "height": 844}) as page:
            login(page, coordinator)
            page.goto("/projets/nouveau/")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.locator("#id_f-0-amount").fill("1000")
            assert page.get_by_test_id("setup-remaining").text_content() == f"0,00{NBSP}€"
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
