"""Every main page of each role in Chromium at 390×844 (demo data): no sideways scroll, the
page's primary action on screen at load (not after the data), and no Content-Security-Policy
violation. Also the week grid's calendar and "Copier la semaine précédente" on a phone."""
import datetime
import os

import pytest
from django.core.management import call_command

from contribbudget.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}

# (path, text of the primary action or None when the page is a read-only summary)
PAGES = {
    ("contributrice@demo.tiers-lieux.org", "demo-contrib-2026"): [
        ("/", "+ Saisir mes heures"),
        ("/contributions/saisir/", "Soumettre"),
        ("/contributions/semaine/", "Enregistrer et soumettre la semaine"),
        ("/contributions/", "+ Saisir mes heures"),
        ("/contributions/tableau-de-bord/", "+ Saisir mes heures"),
        ("/contributions/en-attente/", "Envoyer maintenant"),
        ("/retributions/mes-retributions/", None),
        ("/contributions/preferences/", None),
        ("/projets/", None),
    ],
    ("pilote@demo.tiers-lieux.org", "demo-pilote-2026"): [
        ("/", "+ Saisir mes heures"),
        ("/contributions/a-valider/", "Valider la sélection"),
        ("/retributions/calculs/", "+ Nouveau calcul"),
        ("/projets/legumerie/", "+ Nouvelle enveloppe"),
        ("/projets/legumerie/messagerie/", "Enregistrer"),
    ],
    ("tresorier@demo.tiers-lieux.org", "demo-tresor-2026"): [
        ("/", None),
        ("/retributions/tresorerie/", "Nouveau bilan financeur"),
        ("/retributions/paiements/", "Marquer payées"),
        ("/projets/reseau/", "Exporter en CSV"),
        ("/retributions/calculs/", None),
    ],
    ("coordination@demo.tiers-lieux.org", "demo-coord-2026"): [
        ("/", None),
        ("/projets/reseau/", "Exporter en CSV"),
        ("/contributions/import/", "Voir l'aperçu"),
        ("/projets/grains/", "+ Nouveau grain"),
        ("/invitations/", "Envoyer l'invitation"),
    ],
}


@pytest.fixture
def phone(live_server):
    from tests.realservices import chromium_page

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with chromium_page(live_server.url, viewport=PHONE) as page:
            yield page
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def login(page, email, password):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


@pytest.mark.parametrize("account", list(PAGES), ids=lambda a: a[0].split("@")[0])
def test_main_pages_hold_at_390_px_with_their_primary_action_on_screen(phone, account):
    call_command("seed_demo")
    page = phone
    violations = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    login(page, *account)
    problems = []
    for path, action in PAGES[account]:
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            problems.append(f"{path}: scrollWidth {width[0]} > {width[1]}")
        if action:
            target = page.locator("main").get_by_role("button", name=action, exact=True).or_(
                page.locator("main").get_by_role("link", name=action, exact=True)).first
            box = target.bounding_box()
            if box is None or box["y"] < 0 or box["y"] + box["height"] > PHONE["height"]:
                problems.append(f"{path}: « {action} » not on screen at load ({box})")
    assert problems == []
    assert violations == []


def test_week_grid_on_a_phone_marks_holidays_and_copies_last_week(phone):
    call_command("seed_demo")
    member = Member.objects.select_related("home_place").get(
        user__email="contributrice@demo.tiers-lieux.org")
    member.home_place.department = "57"
    member.home_place.save()
    page = phone
    login(page, "contributrice@demo.tiers-lieux.org", "demo-contrib-2026")
    page.goto("/contributions/semaine/?week=2026-W52")
    labels = page.locator("td.ts-cell.holiday").evaluate_all(
        "cells => [...new Set(cells.map(c => c.dataset.label))]")
    assert labels == ["ven 25 · Noël", "sam 26 · Saint-Étienne"]
    # Copy last week's rows into this week: every (envelope, kind) of last week gets a row.
    from contributions.models import Contribution
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday())
    last_week = set(Contribution.objects.filter(
        member=member, date__gte=monday - datetime.timedelta(days=7), date__lt=monday)
        .values_list("envelope_id", "kind"))
    assert last_week, "the demo has work logged last week"
    page.goto("/contributions/semaine/")
    page.get_by_label("avec les heures").check()
    page.get_by_role("button", name="Copier la semaine précédente").click()
    page.get_by_text("semaine précédente copiées").wait_for()
    shown = set(page.locator("tr.ts-row").evaluate_all("""rows => rows.map(r => {
        const e = r.querySelector('[name$=-envelope]'), k = r.querySelector('[name$=-kind]');
        return e && e.value ? e.value + ':' + k.value : null; }).filter(Boolean)"""))
    assert {f"{e}:{k}" for e, k in last_week} <= shown
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
