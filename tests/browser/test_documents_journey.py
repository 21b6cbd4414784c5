"""The demo treasurer generates a funder report, watches it become ready, downloads it,
shares it with a funder (fresh browser, no account) and revokes the link."""
import io

import pdfplumber
import pytest
from django.core.management import call_command

from retributions.models import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def test_treasurer_generates_downloads_shares_and_revokes_a_funder_report(browser_page, monkeypatch):
    from retributions.services.documents import document_render
    from retributions.tasks import documents as tasks

    call_command("seed_demo")
    # Hold the task back so the page is seen queued, then render it as the worker would.
    monkeypatch.setattr(tasks.render_document, "delay_on_commit", lambda *a, **k: None)
    page = browser_page
    login(page, "tresorier@demo.tiers-lieux.org", "demo-tresor-2026")
    page.locator("nav summary", has_text="Réseau").click()  # network tools menu
    page.get_by_role("link", name="Trésorerie").first.click()
    page.get_by_role("button", name="Nouveau bilan financeur").click()
    page.get_by_label("Projet").select_option(index=1)
    project_name = page.get_by_label("Projet").evaluate("s => s.options[s.selectedIndex].text")
    page.get_by_text("Anonymisé·es").click()
    page.get_by_role("button", name="Générer le PDF").click()

    page.get_by_role("progressbar").wait_for()
    assert "en file d'attente" in page.locator(".progress-box").inner_text()
    document = Document.objects.get()
    document_render(document.pk)
    download_button = page.get_by_role("button", name="Télécharger le PDF")
    download_button.wait_for()  # htmx polled the progress and reloaded the page

    with page.expect_download() as info:
        download_button.click()
    pdf = open(info.value.path(), "rb").read()
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        first = doc.pages[0].extract_text().replace("\u00a0", " ")
        count = len(doc.pages)
    assert project_name in first and f"page 1 / {count}" in first

    page.get_by_role("button", name="Créer un lien financeur").click()
    url = page.get_by_test_id("share-url").input_value()
    funder = page.context.browser.new_context()
    try:
        response = funder.request.get(url)
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        page.get_by_role("button", name="Révoquer").click()
        page.get_by_text("Lien révoqué").wait_for()
        assert funder.request.get(url).status == 404
    finally:
        funder.close()
