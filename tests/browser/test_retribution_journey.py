"""The retribution journey in Chromium on the demo network (issue #5 acceptance): the pilot
runs a retribution and sees its progress, overrides a line with a reason, approves; the
contributor sees their share; the treasurer marks it paid and downloads the payment list."""
import csv
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connections

from retributions.models import RetributionRun
from retributions.services import runs as run_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def logout(page):
    page.context.clear_cookies()


def test_pilot_runs_approves_contributor_sees_treasurer_pays(browser_page, monkeypatch):
    call_command("seed_demo")
    queued = []
    # The worker's part: hold the compute until the page has shown the queued run, then run
    # the task in-process, as a worker would, while the page polls its progress.
    monkeypatch.setattr(run_services.compute_run, "delay_on_commit",
                        lambda run_id: queued.append(run_id))
    page = browser_page
    login(page, "pilote@demo.tiers-lieux.org", "demo-pilote-2026")
    page.goto("/retributions/calculs/nouveau/")
    page.get_by_label("Enveloppe").select_option(
        label="Tiers-lieux numériques accessibles — Production (au temps passé)")
    page.get_by_label("Début de la période").fill("2020-01-01")
    page.get_by_label("Fin de la période").fill("2030-12-31")
    page.get_by_role("button", name="Lancer le calcul").click()
    page.wait_for_url("**/calculs/*/")
    progress = page.locator(".progress-box")
    assert "file d'attente" in progress.inner_text()
    def compute():
        try:
            run_services.run_compute(run_id=queued[0])
        finally:
            connections.close_all()  # a worker's thread closes its own connection

    thread = threading.Thread(target=compute)
    thread.start()
    thread.join()
    # htmx polls the progress every second and reloads the page once computed.
    page.get_by_test_id("run-status").filter(has_text="Brouillon").wait_for()
    run = RetributionRun.objects.get(pk=queued[0])

    row = page.get_by_test_id("line-Roux")
    row.get_by_text("Modifier la part").click()
    row.get_by_label("Nouveau montant (€)").fill("12345678")
    row.get_by_label("Motif").fill("Atelier supplémentaire")
    row.get_by_role("button", name="Enregistrer la part").click()
    assert "disponibles" in page.get_by_test_id("line-Roux").inner_text()
    row = page.get_by_test_id("line-Roux")
    row.get_by_label("Nouveau montant (€)").fill("150.00")
    row.get_by_label("Motif").fill("Préparation non déclarée de l'atelier")
    row.get_by_role("button", name="Enregistrer la part").click()
    assert "150,00" in page.get_by_test_id("line-Roux").get_by_test_id("money").inner_text()
    page.get_by_role("button", name="Approuver ce calcul").click()
    page.get_by_test_id("run-status").filter(has_text="Approuvé").wait_for()
    run.refresh_from_db()
    assert run.status == "approved"
    logout(page)

    login(page, "contributrice@demo.tiers-lieux.org", "demo-contrib-2026")
    page.goto("/retributions/mes-retributions/")
    assert "150,00" in page.locator("table").inner_text()
    logout(page)

    login(page, "tresorier@demo.tiers-lieux.org", "demo-tresor-2026")
    page.goto("/retributions/paiements/")
    page.get_by_label("Payer Camille Roux").first.check()
    page.get_by_label("Référence du paiement").fill("VIR-TEST-001")
    page.get_by_role("button", name="Marquer payées").click()
    assert "marquée(s) payée(s)" in page.locator(".messages").inner_text()
    page.goto("/retributions/paiements/?status=paid")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Exporter (CSV)").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][0] == "Bénéficiaire"
    assert any(r[4] == "Camille Roux" and r[-1] == "VIR-TEST-001" for r in rows[1:])
