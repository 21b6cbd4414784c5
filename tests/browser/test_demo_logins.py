"""Each demo account logs in through the real login page in Chromium and sees its home."""
import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNTS = [
    ("contributrice@demo.tiers-lieux.org", "demo-contrib-2026", "Mon temps", None),
    ("pilote@demo.tiers-lieux.org", "demo-pilote-2026", "Les projets que je pilote", None),
    ("tresorier@demo.tiers-lieux.org", "demo-tresor-2026", "Le réseau en chiffres", "Réseau"),
    ("coordination@demo.tiers-lieux.org", "demo-coord-2026", "Le réseau en chiffres", "Réseau"),
]


def login(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def test_each_demo_account_logs_in_and_sees_its_home(browser_page):
    call_command("seed_demo")
    page = browser_page
    for email, password, heading, nav_item in ACCOUNTS:
        login(page, email, password)
        assert page.get_by_role("heading", name=heading).is_visible()
        if nav_item:
            menu = page.locator("nav summary", has_text=nav_item)
            menu.click()
            assert page.get_by_role("link", name="Trésorerie").is_visible()
        page.goto("/accounts/logout/")
        page.get_by_role("button").filter(has_text="connexion").or_(
            page.get_by_role("button", name="Se déconnecter")).first.click()


def test_wrong_password_shows_a_french_error(browser_page):
    call_command("seed_demo")
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill("pilote@demo.tiers-lieux.org")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("alert").first.inner_text().strip() != ""
    assert page.get_by_label("Courriel").input_value() == "pilote@demo.tiers-lieux.org"
