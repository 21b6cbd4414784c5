"""Celery tasks of the contributions app. Thin: ids in, one service, JSON-safe out.

``send_weekly_reminders`` and ``send_pilot_digests`` are scheduled by Celery beat on
Monday mornings (settings.CELERY_BEAT_SCHEDULE); both can be called directly.
"""
from __future__ import annotations

from celery import shared_task

from . import reminders
from .imports import commit_import  # defined beside its service; registered from here too

__all__ = ["commit_import", "send_pilot_digests", "send_weekly_reminders"]


@shared_task
def send_weekly_reminders() -> dict:
    """Email members with an active project or grain who logged nothing in 14 days."""
    return {"sent": reminders.send_weekly_reminders()}


@shared_task
def send_pilot_digests() -> dict:
    """Email each pilot the contributions waiting for their validation."""
    return {"sent": reminders.send_pilot_digests()}
