"""What the run pages share: errors onto a form, the run behind a URL (through the permission
module), the progress box."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from contribbudget.formerrors import errors_to_form

from ...models import RetributionRun

RUN_LIST_LIMIT = 200


def _errors_to_form(form, error: ValidationError) -> None:
    errors_to_form(form, error)  # the one mapping


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _progress_context(run: RetributionRun) -> dict:
    state = {"queued": "queued", "computing": "running", "failed": "failed"}.get(run.status, "done")
    percent = 100 if state == "done" else int(100 * run.progress_done / (run.progress_total or 1))
    return {"percent": percent, "state": state, "label": _("Calcul des parts"),
            "job_id": f"run-{run.pk}", "error": run.error,
            "poll_url": reverse("retributions:run_progress", args=[run.pk]),
            "done_url": reverse("retributions:run_detail", args=[run.pk])}

