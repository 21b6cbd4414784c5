"""Celery tasks of the projects app: the team-chat webhooks. Thin: ids in, one service.

``send_webhook_digests`` runs daily and ``send_webhook_announcements`` every few minutes
(settings.CELERY_BEAT_SCHEDULE); both can be called directly.
"""
from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import webhook_digest, webhooks
from .webhook_models import ProjectWebhook


def _retry_delay(retries: int) -> int:
    delays = settings.WEBHOOK_RETRY_DELAYS
    return delays[min(retries, len(delays) - 1)]


@shared_task(bind=True, max_retries=None)
def deliver_webhook(self, webhook_id: int, text: str) -> dict:
    """Post one message. A receiver that is down or answers 429/5xx is retried after
    growing delays, ``WEBHOOK_MAX_RETRIES`` times at most, then the failure is recorded
    on the webhook (shown on the project's chat page) and the message dropped.

    In eager mode (embedded default, tests) Celery re-raises ``Retry`` instead of running
    the retry, so the attempts loop here, without waiting."""
    attempts = self.request.retries
    while True:
        attempts += 1
        try:
            sent = webhooks.webhook_deliver(webhook_id=webhook_id, text=text)
        except webhooks.WebhookTemporaryError as error:
            if attempts > settings.WEBHOOK_MAX_RETRIES:
                webhooks.webhook_record(webhook_id=webhook_id, error=str(error))
                return {"sent": False, "attempts": attempts}
            if not self.request.is_eager:
                raise self.retry(exc=error, countdown=_retry_delay(attempts - 1)) from error
            continue
        return {"sent": sent, "attempts": attempts}


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
