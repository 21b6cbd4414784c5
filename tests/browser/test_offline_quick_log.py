"""The quick log without network, in Chromium on a phone: the service worker keeps the app
openable, entries (two, then a third from the cached page) are kept in IndexedDB and shown
as waiting, and back online they arrive once each — no duplicate after a reload."""
import os
import time

import pytest

from contributions.models import Contribution
from tests import factories
from tests.realservices import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        # live_server is http://localhost:…, a secure context: service workers are allowed.
        with chromium_page(live_server.url, viewport=PHONE) as page:
            yield page
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def wait_until(page, expression, timeout=15.0):
    """Poll ``expression`` in the page (wait_for_function evaluates a string, which the
    Content-Security-Policy forbids — as it should)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        page.wait_for_timeout(100)


def login(page, member):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(member.user.email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def log(page, hours, description):
    page.get_by_label("Projet").select_option(label="Légumerie")
    page.get_by_label("Heures").fill(hours)
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Soumettre").click()


def test_entries_logged_offline_wait_then_arrive_once_each(phone, world):
    page = phone
    login(page, world.contributor)
    page.goto("/contributions/saisir/")
    # The worker installs, takes control, and caches the quick log on the next visit.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    assert page.evaluate("window.isSecureContext") is True

    page.context.set_offline(True)
    log(page, "1h30", "Inventaire hors ligne")
    page.get_by_test_id("offline-kept").wait_for()
    log(page, "2", "Arrosage hors ligne")
    badge = page.get_by_test_id("offline-badge")
    wait_until(page, "document.querySelector('#offline-badge [data-count]').textContent === '2'")
    assert badge.is_visible() and "2 à envoyer" in badge.inner_text()
    assert Contribution.objects.count() == 0

    # Reopened offline from the service worker's cache, the quick log still gives the next
    # entry a token of its own.
    page.goto("/contributions/saisir/")
    log(page, "0,5", "Troisième hors ligne")
    wait_until(page, "document.querySelector('#offline-badge [data-count]').textContent === '3'")

    # Still offline, the waiting page opens from the service worker's cache and lists them.
    page.goto("/contributions/en-attente/")
    page.get_by_test_id("offline-entry").nth(2).wait_for()
    rows = page.get_by_test_id("offline-entry").all_inner_texts()
    assert len(rows) == 3 and "Inventaire hors ligne" in rows[0] and "Arrosage hors ligne" in rows[1]
    assert all("en attente du réseau" in r for r in rows)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.context.set_offline(False)
    wait_until(page, "document.querySelectorAll('[data-testid=offline-entry]').length === 0")
    assert page.get_by_test_id("offline-badge").is_hidden()
    assert sorted(Contribution.objects.values_list("description", flat=True)) == [
        "Arrosage hors ligne", "Inventaire hors ligne", "Troisième hors ligne"]
    tokens = list(Contribution.objects.values_list("client_token", flat=True))
    assert len(set(tokens)) == 3 and None not in tokens

    # A reload (which syncs again) and the quick log add nothing.
    page.reload()
    page.goto("/contributions/saisir/")
    page.wait_for_load_state("networkidle")
    assert Contribution.objects.count() == 3
    assert page.locator("#recent-rows tr").count() == 3


def test_an_entry_whose_answer_was_lost_is_not_doubled(phone, world):
    """The same token sent twice (the reply to the first never came back) is one row."""
    page = phone
    login(page, world.contributor)
    page.goto("/contributions/saisir/")
    wait_until(page, "window.cbOffline !== undefined")
    page.get_by_label("Projet").select_option(label="Légumerie")
    page.get_by_label("Heures").fill("3")
    page.get_by_label("Description").fill("Envoyée deux fois")
    page.evaluate("""async () => {
        const form = document.querySelector('form.quick-log');
        const data = new FormData(form, form.querySelector('button[value=submit]'));
        for (let i = 0; i < 2; i++) {
            await fetch(form.getAttribute('action'), {method: 'POST', body: data, headers: {'HX-Request': 'true'}});
        }
    }""")
    assert Contribution.objects.filter(description="Envoyée deux fois").count() == 1
