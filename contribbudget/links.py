"""Absolute links for emails.

Order: ``SITE_URL`` when set (production sets it); else the host of the request that sends
the email (so ``runserver`` on any port sends links that work); else, for emails sent
without a request (weekly reminders, digests, task emails), the address the network's
settings hold (recorded from the first coordinator page view, editable on the settings
page: ``remember_site_url``), and as a last resort ``http://localhost:8000``.
"""
from __future__ import annotations

from django.conf import settings

FALLBACK_SITE_URL = "http://localhost:8000"


def site_url(request=None) -> str:
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    from .models import NetworkSettings

    recorded = (NetworkSettings.objects.filter(pk=1).values_list("site_url", flat=True).first())
    return (recorded or FALLBACK_SITE_URL).rstrip("/")


def absolute_url(path: str, request=None) -> str:
    return site_url(request) + path


def remember_site_url(request) -> None:
    """Record the request's base URL as the network's address for request-less emails, when
    none is recorded yet (a coordinator may then change it on the settings page; a visit
    through another host never overwrites it). Called from coordinator pages."""
    if settings.SITE_URL:
        return
    from .models import NetworkSettings

    NetworkSettings.load()
    NetworkSettings.objects.filter(pk=1, site_url="").update(
        site_url=request.build_absolute_uri("/").rstrip("/"))
