"""Network-level Celery tasks. Thin: take ids, call a service, return JSON-safe values."""
from celery import shared_task
from django.core.mail import send_mail

from .export_jobs import build_export  # defined beside its service; registered from here too
from .selectors import network_totals

__all__ = ["build_export", "network_totals_snapshot", "send_email"]


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_email(subject: str, body: str, to: list[str]) -> int:
    """Send one email; SMTP hiccups are retried with backoff, up to five times."""
    return send_mail(subject, body, None, to, fail_silently=False)


@shared_task
def network_totals_snapshot() -> dict:
    """The network's totals as strings (for monitoring and the worker health check)."""
    return {key: str(value) for key, value in network_totals().items()}
