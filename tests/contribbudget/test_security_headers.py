"""Headers every response carries: a Content-Security-Policy with no inline script or
style, a Permissions-Policy, and no cache for downloaded files."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_pages_send_a_strict_content_security_policy(world, client_for):
    response = client_for(world.contributor).get(reverse("contributions:quick_log"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_pages_send_a_permissions_policy(client):
    policy = client.get(reverse("account_login"))["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_no_template_holds_an_inline_handler_script_or_style():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "pdf" in path.parts:  # rendered by WeasyPrint, never served to a browser
            continue
        text = path.read_text()
        if re.search(r"\son[a-z]+\s*=", text) or 'style="' in text or "<style" in text:
            offenders.append(path.name)
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(path.name)
    assert offenders == []


def test_no_python_module_builds_an_inline_style():
    offenders = [str(path) for app in ("contribbudget", "contributions", "projects", "retributions")
                 for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
                 if 'style="' in path.read_text() and "pdf" not in path.name]
    assert offenders == []


def test_authenticated_exports_are_never_cached(world, client_for):
    response = client_for(world.contributor).get(reverse("contributions:mine"),
                                                 {"export": "csv"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}


def test_ordinary_pages_keep_their_default_caching(world, client_for):
    response = client_for(world.contributor).get(reverse("contributions:quick_log"))
    assert "no-store" not in response.get("Cache-Control", "")
