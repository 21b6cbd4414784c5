"""Celery tasks of the projects app: the team-chat webhooks. Thin: ids in, one service.

``send_webhook_digests`` runs daily and ``send_webhook_announcements`` every few minutes
(settings.CELERY_BEAT_SCHEDULE); both can be called directly. ``deliver_webhook`` lives
beside its enqueueing seam in ``webhook_delivery`` and is re-exported here.
"""
from __future__ import annotations

from celery import shared_task

from . import webhook_digest
from .webhook_delivery import deliver_webhook
from .webhook_models import ProjectWebhook

__all__ = ["deliver_webhook", "send_webhook_announcements", "send_webhook_digests"]


@shared_task
def send_webhook_digests() -> dict:
    """Each active webhook gets the digest of what happened since its last one."""
    sent = 0
    for webhook in ProjectWebhook.objects.filter(enabled=True).select_related("project"):
        window = webhook_digest.claim_window(webhook, "digest_since")
        text = webhook_digest.digest_text(webhook, window) if window else None
        if text:
            deliver_webhook.delay(webhook.pk, text)
            sent += 1
    return {"sent": sent}


@shared_task
def send_webhook_announcements() -> dict:
    """Runs computed or approved and funder reports ready since the last announcements."""
    sent = 0
    for webhook in ProjectWebhook.objects.filter(enabled=True).select_related("project"):
        window = webhook_digest.claim_window(webhook, "events_since")
        for text in webhook_digest.announcements(webhook, window) if window else []:
            deliver_webhook.delay(webhook.pk, text)
            sent += 1
    return {"sent": sent}
