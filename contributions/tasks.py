"""Celery tasks of the contributions app. Thin: ids in, one service, JSON-safe out.

``send_weekly_reminders`` and ``send_pilot_digests`` are scheduled by Celery beat on
Monday mornings (settings.CELERY_BEAT_SCHEDULE); both can be called directly.
"""
from __future__ import annotations

from celery import shared_task

from . import imports, reminders


@shared_task(bind=True)
def commit_import(self, import_id: int) -> dict:
    """Write a previewed import, all or nothing, reporting progress."""

    def progress(done: int, total: int) -> None:
        if not self.request.called_directly and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return imports.import_commit(import_id=import_id, progress=progress)


@shared_task
def send_weekly_reminders() -> dict:
    """Email members with an active project or grain who logged nothing in 14 days."""
    return {"sent": reminders.send_weekly_reminders()}


@shared_task
def send_pilot_digests() -> dict:
    """Email each pilot the contributions waiting for their validation."""
    return {"sent": reminders.send_pilot_digests()}
