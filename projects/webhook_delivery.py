"""Sending chat messages through Celery: the delivery task, with capped retries, and the one
seam services use to send (``enqueue``). The task lives here, beside its seam, so no module
imports its own caller (``projects.tasks`` re-exports it for Celery's autodiscovery)."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import webhooks
from .models import Project
from .webhook_models import ProjectWebhook

TEST_MESSAGE = gettext_lazy("Message d'essai de Budget contributif pour le projet « %(project)s » "
                            ": la messagerie de l'équipe est bien reliée.")


def _retry_delay(retries: int) -> int:
    delays = settings.WEBHOOK_RETRY_DELAYS
    return delays[min(retries, len(delays) - 1)]


@shared_task(bind=True, max_retries=None, name="projects.tasks.deliver_webhook")
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


def enqueue(webhook: ProjectWebhook, text: str) -> None:
    """The one seam through which services send a chat message: after commit, by Celery."""
    deliver_webhook.delay_on_commit(webhook.pk, text)


def webhook_send_test(*, actor, project: Project) -> ProjectWebhook:
    """The "Envoyer un message d'essai" button."""
    webhook = ProjectWebhook.objects.filter(project=project).first()
    if webhook is None or not webhook.enabled:
        raise ValidationError(_("Enregistrez d'abord une adresse de webhook active."))
    enqueue(webhook, str(TEST_MESSAGE) % {"project": project.name})
    return webhook
