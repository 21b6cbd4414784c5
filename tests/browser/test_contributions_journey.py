"""The contributor's and the pilot's journey in Chromium, on a laptop and on a phone:
quick log (htmx), a week in the timesheet, XLSX export opened and checked, validation and
refusal with a comment by the demo pilot, the comment read by the contributor."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from contributions.models import Contribution
from contributions.parsing import iso_week
from projects.models import Envelope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTRIB = ("contributrice@demo.tiers-lieux.org", "demo-contrib-2026")
PILOT = ("pilote@demo.tiers-lieux.org", "demo-pilote-2026")
VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(VIEWPORTS))
def page(request, live_server):
    import os

    from tests.realservices import chromium_page

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with chromium_page(live_server.url, viewport=VIEWPORTS[request.param]) as page:
            page.viewport_name = request.param
            yield page
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def login(page, who):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(who[0])
    page.get_by_label("Mot de passe").fill(who[1])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def logout(page):
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/accounts/login/**")


def test_log_submit_export_validate_reject_and_read_the_comment(page):
    call_command("seed_demo")
    tag = page.viewport_name
    envelope = Envelope.objects.get(project__slug="numerique-accessible", kind="production")
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    monday = last_week - datetime.timedelta(days=last_week.weekday())

    # 1. Quick log, without a reload (htmx swaps the zone and shows the new row).
    login(page, CONTRIB)
    page.goto("/contributions/saisir/")
    page.get_by_label("Projet").select_option(str(envelope.project_id))
    page.get_by_label("Enveloppe").select_option(str(envelope.pk))
    page.get_by_label("Heures").fill("1h30")
    page.get_by_label("Description").fill(f"Atelier navigateur {tag}")
    page.get_by_role("button", name="Soumettre").click()
    page.get_by_test_id("quick-log-ok").wait_for()
    assert "Contribution soumise" in page.get_by_test_id("quick-log-ok").inner_text()
    assert page.locator("#recent-rows").get_by_text(f"Atelier navigateur {tag}").is_visible()

    # 2. A whole week in the timesheet, submitted.
    page.goto(f"/contributions/semaine/?week={iso_week(monday)}")
    row = page.locator("tr.ts-new").first
    row.locator("select[name$='-envelope']").select_option(str(envelope.pk))
    row.locator("input[name$='-description']").fill(f"Semaine navigateur {tag}")
    row.locator("input[name$='-d0']").fill("1,5")
    row.locator("input[name$='-d1']").fill("0h45")
    assert "2,25" in row.locator(".ts-row-total").inner_text()
    page.get_by_role("button", name="Enregistrer et soumettre la semaine").click()
    assert "soumise aux pilotes" in page.locator(".messages").inner_text()
    week_rows = Contribution.objects.filter(description=f"Semaine navigateur {tag}")
    assert sorted(c.status for c in week_rows) == ["submitted", "submitted"]

    # 3. Export what is filtered as XLSX and open the file.
    page.goto("/contributions/?status=submitted")
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    sheet = load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Date" and all(r[6] == "Soumise" for r in rows[1:])
    mine = [r for r in rows if r[4] == f"Atelier navigateur {tag}"]
    assert len(mine) == 1 and mine[0][5] == 1.5
    logout(page)

    # 4. The pilot validates one and refuses one with a comment, from the queue.
    quick = Contribution.objects.get(description=f"Atelier navigateur {tag}")
    refused = week_rows.order_by("date").first()
    login(page, PILOT)
    page.goto(f"/contributions/a-valider/?project={envelope.project_id}")
    page.locator(f"input[name=ids][value='{quick.pk}']").check()
    page.get_by_role("button", name="Valider la sélection").click()
    assert "1 contribution(s) validée(s)" in page.locator(".messages").inner_text()
    page.locator(f"input[name=ids][value='{refused.pk}']").check()
    page.get_by_label("Motif du refus").fill("Précisez le livrable de lundi.")
    page.get_by_role("button", name="Refuser la sélection").click()
    assert "refusée" in page.locator(".messages").inner_text()
    quick.refresh_from_db()
    refused.refresh_from_db()
    assert quick.status == "validated" and refused.status == "rejected"
    logout(page)

    # 5. The contributor reads the comment on the contribution's page.
    login(page, CONTRIB)
    page.goto(f"/contributions/{refused.pk}/")
    assert "Précisez le livrable de lundi." in page.get_by_test_id("rejection-comment").inner_text()
    assert page.get_by_text("Contribution refusée").first.is_visible()
