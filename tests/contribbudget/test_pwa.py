"""The installable web app: a French manifest that starts on the quick log, icons that
exist, a service worker served from the root that precaches the app shell."""
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_manifest_is_french_and_starts_on_the_quick_log(client):
    response = client.get("/manifest.webmanifest")
    data = json.loads(response.content)
    assert response["Content-Type"].startswith("application/manifest+json")
    assert data["name"] == "Budget contributif" and data["lang"] == "fr"
    assert data["start_url"].startswith(reverse("contributions:quick_log"))
    assert data["theme_color"] == "#0b7a63" and data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        path = Path(settings.BASE_DIR) / "static" / icon["src"].removeprefix(settings.STATIC_URL)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_service_worker_is_served_from_the_root_and_lists_the_shell(client):
    response = client.get("/sw.js")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "/static/js/offline.js" in body and "/static/vendor/htmx/htmx.min.js" in body
    assert reverse("contributions:quick_log") in body


def test_every_page_links_the_manifest_and_the_waiting_page(world, client_for):
    body = client_for(world.contributor).get(reverse("home")).content.decode()
    assert 'rel="manifest"' in body and 'name="theme-color"' in body
    assert reverse("contributions:offline_queue") in body
    assert 'data-testid="offline-badge"' in body


@pytest.mark.parametrize("who", ["contributor", "pilot", "treasurer", "coordinator"])
def test_waiting_page_opens_for_every_member(world, client_for, who):
    response = client_for(getattr(world, who)).get(reverse("contributions:offline_queue"))
    assert response.status_code == 200 and "Saisies en attente" in response.content.decode()


def test_waiting_page_needs_an_account(client):
    response = client.get(reverse("contributions:offline_queue"))
    assert response.status_code == 302
