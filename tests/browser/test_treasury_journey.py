"""The treasurer's last mile in Chromium, on a laptop and on a phone: the demo treasurer
prepares a SEPA batch, downloads the file (checked against the XSD), confirms it, and the
lines show paid; the demo contributor, who holds a self-billing mandate, downloads her
self-billed invoice from Mes rétributions (its Factur-X XML checked)."""
import os
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.core.management import call_command
from facturx import get_xml_from_pdf

from retributions.models import PaymentBatch, RetributionLine, SelfBilledInvoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SHOTS = Path(os.environ.get("TREASURY_SHOTS", "/tmp/treasury-shots"))


@pytest.fixture(params=list(VIEWPORTS))
def page(request, live_server):
    from tests.realservices import chromium_page

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with chromium_page(live_server.url, viewport=VIEWPORTS[request.param]) as page:
            page.viewport_name = request.param
            yield page
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def login(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.viewport_name}.png"), full_page=True)


def test_treasurer_pays_by_sepa_and_member_downloads_her_self_billed_invoice(page):
    call_command("seed_demo")
    login(page, "tresorier@demo.tiers-lieux.org", "demo-tresor-2026")
    page.goto("/retributions/tresorerie/virements/")
    no_sideways_scroll(page)
    assert "IBAN de" in page.get_by_test_id("lacking").inner_text()  # listed apart
    shot(page, "batches")
    page.get_by_role("button", name="Préparer le lot").click()
    page.wait_for_url("**/tresorerie/virements/*/")
    batch = PaymentBatch.objects.get()
    assert page.get_by_test_id("batch-status").inner_text() == "Préparé"
    with page.expect_download() as info:
        page.get_by_test_id("batch-download").click()
    xml = Path(info.value.path()).read_bytes()
    schema = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", f"{batch.schema}.xsd")
    xmlschema.XMLSchema(schema).validate(xml.decode())
    assert f"<CtrlSum>{batch.total}</CtrlSum>".encode() in xml
    page.reload()
    assert page.get_by_test_id("batch-status").inner_text() == "Envoyé à la banque"
    no_sideways_scroll(page)
    shot(page, "batch-detail")
    page.get_by_test_id("batch-confirm").click()
    page.get_by_test_id("batch-status").filter(has_text="Confirmé").wait_for()
    statuses = page.get_by_test_id("row-status").all_inner_texts()
    assert statuses and set(statuses) == {"Payé"}
    paid = RetributionLine.objects.filter(payment_reference=batch.reference)
    assert paid.count() == batch.line_count and sum(x.money for x in paid) == batch.total
    page.goto("/retributions/paiements/?status=paid")
    assert batch.reference in page.locator("table").inner_text()
    page.goto("/retributions/tresorerie/parametres/")
    no_sideways_scroll(page)
    shot(page, "settings")
    page.goto("/retributions/tresorerie/lieux/")
    no_sideways_scroll(page)
    shot(page, "places")
    page.context.clear_cookies()

    login(page, "contributrice@demo.tiers-lieux.org", "demo-contrib-2026")
    page.goto("/retributions/mes-retributions/")
    no_sideways_scroll(page)
    invoice = SelfBilledInvoice.objects.get(member__user__email="contributrice@demo.tiers-lieux.org")
    assert invoice.number in page.get_by_test_id("self-billed").first.inner_text()
    shot(page, "mine")
    with page.expect_download() as info:
        page.get_by_test_id("invoice-download").first.click()
    pdf = Path(info.value.path()).read_bytes()
    _name, xml = get_xml_from_pdf(pdf, check_xsd=True)
    assert invoice.number.encode() in xml
    assert f"<ram:GrandTotalAmount>{invoice.amount:.2f}</ram:GrandTotalAmount>".encode() in xml
    assert invoice.amount == invoice.line.money > Decimal("0")
    page.goto("/retributions/mes-coordonnees/")
    no_sideways_scroll(page)
    assert page.get_by_test_id("mandate-active").is_visible()
    shot(page, "my-payee")
