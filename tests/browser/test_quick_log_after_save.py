"""After an entry saved through htmx the quick log still offers every project's envelopes
(the selects the page had are kept, not rewritten by the answer), on a laptop and a phone."""
import pytest
from django.core.management import call_command

from contributions.models import Contribution
from projects.models import Envelope

from .test_contributions_journey import CONTRIB, login, page  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_second_entry_can_go_to_another_project_after_a_saved_one(page):  # noqa: F811
    call_command("seed_demo")
    first = Envelope.objects.filter(project__slug="numerique-accessible", kind="production").first()
    login(page, CONTRIB)
    page.goto("/contributions/saisir/")
    envelope = page.get_by_label("Enveloppe")
    offered = envelope.locator("option").count()
    projects_offered = page.get_by_label("Projet").locator("option").count()
    page.get_by_label("Projet").select_option(str(first.project_id))
    envelope.select_option(str(first.pk))
    page.get_by_label("Heures").fill("1h")
    page.get_by_label("Description").fill(f"Premier {page.viewport_name}")
    page.get_by_role("button", name="Enregistrer en brouillon").click()
    page.get_by_test_id("quick-log-ok").wait_for()
    # The same select, every option still there, the saved envelope still chosen.
    assert envelope.locator("option").count() == offered
    assert envelope.input_value() == str(first.pk)
    assert envelope.get_attribute("aria-invalid") is None
    assert page.get_by_label("Projet").locator("option").count() == projects_offered
    assert page.get_by_label("Projet").input_value() == str(first.project_id)
    # Another project of the member's team: its envelopes are offered and the entry lands there.
    projects = page.get_by_label("Projet").locator("option")
    team = [projects.nth(i).get_attribute("value") for i in range(projects.count())
            if projects.nth(i).get_attribute("value")
            and "(ouvert)" not in projects.nth(i).inner_text()]
    project = next(pk for pk in team if pk != str(first.project_id))
    second = Envelope.objects.filter(project_id=project).first()
    page.get_by_label("Projet").select_option(project)
    envelope.select_option(str(second.pk))
    page.get_by_label("Heures").fill("0h30")
    page.get_by_label("Description").fill(f"Second {page.viewport_name}")
    page.get_by_role("button", name="Enregistrer en brouillon").click()
    page.locator("#recent-rows").get_by_text(f"Second {page.viewport_name}").wait_for()
    saved = Contribution.objects.get(description=f"Second {page.viewport_name}")
    assert saved.envelope_id == second.pk
    assert envelope.locator("option").count() == offered
