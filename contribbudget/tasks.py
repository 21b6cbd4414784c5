"""Network-level Celery tasks. Thin: take ids, call a service, return JSON-safe values."""
from celery import shared_task
from django.core.mail import send_mail

from .selectors import network_totals


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_email(subject: str, body: str, to: list[str]) -> int:
    """Send one email; SMTP hiccups are retried with backoff, up to five times."""
    return send_mail(subject, body, None, to, fail_silently=False)


@shared_task
def network_totals_snapshot() -> dict:
    """The network's totals as strings (for monitoring and the worker health check)."""
    return {key: str(value) for key, value in network_totals().items()}


@shared_task(name="contribbudget.tasks.build_export", acks_late=True)
def build_export(job_id: int) -> dict:
    """Build one export job's XLSX; its row carries the status and progress."""
    from .export_jobs import export_build

    job = export_build(job_id)
    return {"job": job.pk, "status": job.status, "rows": job.done_rows}
