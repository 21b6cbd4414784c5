"""The installable web app (DESIGN §12): the manifest and the service worker.

Both are views rather than static files: the manifest names URLs (start on the quick log)
and the service worker must be served from the site's root to control every page, and must
list the static files under their hashed production names (``{% static %}``). The worker's
cache name changes with those names, so a deployment replaces the cached app shell.
"""
from __future__ import annotations

import hashlib
import json

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

THEME_COLOUR = "#0b7a63"
# The app shell: what any page needs to draw itself offline.
SHELL_STATIC = [
    "vendor/pico/pico.jade.min.css", "css/app.css", "css/contributions.css",
    "css/projects.css", "css/retributions.css", "css/phone.css",
    "vendor/htmx/htmx.min.js", "js/app.js", "js/contributions.js", "js/offline.js",
    "icons/icon-192.png", "icons/icon-512.png",
]


@require_GET
def manifest(request):
    data = {
        "name": _("Budget contributif"),
        "short_name": _("Contributions"),
        "description": _("Saisir ses heures de contribution, même sans réseau."),
        "lang": "fr",
        "start_url": reverse("contributions:quick_log") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
        ],
        "shortcuts": [
            {"name": _("Saisir mes heures"), "url": reverse("contributions:quick_log")},
            {"name": _("Ma semaine"), "url": reverse("contributions:week")},
        ],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False),
                        content_type="application/manifest+json; charset=utf-8")


@require_GET
def service_worker(request):
    shell = [static(path) for path in SHELL_STATIC]
    pages = [reverse("contributions:quick_log"), reverse("contributions:offline_queue")]
    version = hashlib.sha256(json.dumps([shell, pages]).encode()).hexdigest()[:12]
    body = render_to_string("pwa/sw.js", {
        "version": version, "shell": json.dumps(shell), "pages": json.dumps(pages),
        "offline_page": json.dumps(reverse("contributions:offline_queue")),
    })
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Browsers re-check the worker on navigation; never let a cache serve an old one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response
