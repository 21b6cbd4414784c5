"""Team-chat webhooks (DESIGN §12): validate the URL, save it, build and send messages.

A webhook URL is typed by a pilot and fetched by our server, so it is a request-forgery
door into the internal network unless every address it reaches is public. The rule, in one
place (:func:`public_addresses`): https only, the host resolves, and every address it
resolves to is globally routable (no private, loopback, link-local, shared, reserved or
multicast address). It is checked when the URL is saved and again at each send, and the
connection goes to the address just checked (never a second lookup), so a host that
changes its DNS answer after validation (rebinding) still cannot reach inside.

``WEBHOOK_ALLOW_HOSTS_FOR_TESTS`` (settings, empty, never read from the environment) lists
hosts exempt from that rule so the suite can post to a receiver on 127.0.0.1.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent
from contribbudget.services import audit_record

from .models import Project
from .webhook_models import ProjectWebhook

TIMEOUT_SECONDS = 5
USERNAME = "Budget contributif"


class WebhookRefused(Exception):
    """The URL or the address it resolves to is not allowed: never retried."""


class WebhookTemporaryError(Exception):
    """The receiver did not answer, or answered 429/5xx: worth retrying later."""


class WebhookPermanentError(Exception):
    """The receiver refused the message (4xx): retrying would not help."""


def _test_hosts() -> set[str]:
    return {h.lower() for h in getattr(settings, "WEBHOOK_ALLOW_HOSTS_FOR_TESTS", [])}


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def public_addresses(url: str) -> tuple[str, int, list[str]]:
    """``(host, port, addresses)`` to connect to, or :class:`WebhookRefused` saying why."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    exempt = host in _test_hosts()
    if parts.scheme != "https" and not (exempt and parts.scheme == "http"):
        raise WebhookRefused(_("L'adresse doit commencer par https://."))
    if not host:
        raise WebhookRefused(_("L'adresse n'a pas de nom d'hôte."))
    if parts.username or parts.password:
        raise WebhookRefused(_("L'adresse ne doit pas contenir d'identifiants."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise WebhookRefused(_("Le port de l'adresse n'est pas valide.")) from error
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise WebhookRefused(_("Le nom d'hôte « %(host)s » est introuvable.")
                             % {"host": host}) from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not exempt and (not addresses or not all(is_public_address(a) for a in addresses)):
        raise WebhookRefused(_("Cette adresse mène à un réseau privé ou local : refusée."))
    return host, port, addresses


def validate_webhook_url(url: str) -> None:
    try:
        public_addresses(url)
    except WebhookRefused as error:
        raise ValidationError({"url": str(error)}) from error


# --- Saving ---------------------------------------------------------------------------------

@transaction.atomic
def webhook_save(*, actor, project: Project, url: str, flavour: str,
                 enabled: bool = True) -> ProjectWebhook | None:
    """Set, change or (empty URL) remove the project's webhook, audited."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    current = ProjectWebhook.objects.filter(project=project).first()
    url = url.strip()
    if not url:
        if current is not None:
            audit_record(actor=actor, action=AuditEvent.Action.WEBHOOK_CHANGED, obj=current,
                         project=project, data={"removed": True})
            current.delete()
        return None
    if flavour not in ProjectWebhook.Flavour.values:
        raise ValidationError({"flavour": _("Choisissez une messagerie de la liste.")})
    validate_webhook_url(url)
    webhook = current or ProjectWebhook(project=project)
    webhook.url, webhook.flavour, webhook.enabled = url, flavour, enabled
    webhook.updated_by = actor
    webhook.full_clean(exclude=["project"])
    webhook.save()
    # The URL's path is the chat's secret: the trail keeps only its host.
    audit_record(actor=actor, action=AuditEvent.Action.WEBHOOK_CHANGED, obj=webhook,
                 project=project, data={"host": urlsplit(url).hostname, "flavour": flavour,
                                        "enabled": enabled})
    return webhook


# --- Messages -------------------------------------------------------------------------------

def payload(webhook: ProjectWebhook, text: str) -> dict:
    """The JSON the chat expects. Mattermost, Rocket.Chat and Slack read ``text``; a
    hookshot generic webhook reads ``text`` (and ``html`` when given) and ``username``."""
    if webhook.flavour == ProjectWebhook.Flavour.MATRIX:
        html = "<br>".join(escape(line) for line in text.splitlines())
        return {"text": text, "html": html, "username": USERNAME}
    return {"text": text, "username": USERNAME}


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked, with the certificate checked for the host."""

    def __init__(self, host: str, address: str, port: int):
        super().__init__(host, port, timeout=TIMEOUT_SECONDS,
                         context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP, only ever for a host of WEBHOOK_ALLOW_HOSTS_FOR_TESTS."""

    def __init__(self, host: str, address: str, port: int):
        super().__init__(host, port, timeout=TIMEOUT_SECONDS)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post_json(url: str, body: dict) -> int:
    """POST ``body`` to ``url`` after checking its addresses again; returns the status.
    Redirects are not followed (a redirect could point inside)."""
    host, port, addresses = public_addresses(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    data = json.dumps(body, ensure_ascii=False).encode()
    connection_class = (_PinnedHTTPSConnection if parts.scheme == "https"
                        else _PinnedHTTPConnection)
    connection = connection_class(host, addresses[0], port)
    try:
        connection.request("POST", path, body=data, headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "contribbudget-webhook/1"})
        response = connection.getresponse()
        response.read(65536)
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        raise WebhookTemporaryError(str(error)[:200] or error.__class__.__name__) from error
    finally:
        connection.close()
    if status == 429 or status >= 500:
        raise WebhookTemporaryError(_("Le serveur de messagerie a répondu %(status)s.")
                                    % {"status": status})
    if not 200 <= status < 300:
        raise WebhookPermanentError(_("Le serveur de messagerie a refusé le message "
                                      "(%(status)s).") % {"status": status})
    return status


def webhook_deliver(*, webhook_id: int, text: str) -> bool:
    """Send one message to a webhook now. Returns False when the webhook is gone or off;
    raises :class:`WebhookTemporaryError` for the task to retry; records the outcome."""
    webhook = ProjectWebhook.objects.filter(pk=webhook_id, enabled=True).first()
    if webhook is None:
        return False
    try:
        post_json(webhook.url, payload(webhook, text))
    except (WebhookRefused, WebhookPermanentError) as error:
        webhook_record(webhook_id=webhook_id, error=str(error))
        return False
    webhook_record(webhook_id=webhook_id, error="")
    return True


def webhook_record(*, webhook_id: int, error: str) -> None:
    """The last delivery's outcome, shown on the project's chat page."""
    ProjectWebhook.objects.filter(pk=webhook_id).update(
        last_outcome=ProjectWebhook.Outcome.FAILED if error else ProjectWebhook.Outcome.SENT,
        last_error=error[:300], last_sent_at=timezone.now())
