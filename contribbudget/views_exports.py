"""The page that follows an export job (progress, then the download) and the download."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .exports import XLSX_CONTENT_TYPE
from .models import ExportJob
from .permissions import get_export_job_for


def _progress_context(job: ExportJob) -> dict:
    state = {ExportJob.Status.QUEUED: "queued", ExportJob.Status.RUNNING: "running",
             ExportJob.Status.READY: "done", ExportJob.Status.FAILED: "failed"}[job.status]
    return {"job_id": f"export-{job.pk}", "state": state, "percent": job.percent,
            "label": _("Export %(name)s") % {"name": job.filename}, "error": job.error,
            "poll_url": reverse("export_job", args=[job.pk]) + "?progress=1",
            "done_url": reverse("export_job_download", args=[job.pk])}


@login_required
def export_job(request, pk: int):
    """``?progress=1``: only the progress fragment (polled by htmx); it asks for a reload
    once finished so the download button appears."""
    job = get_export_job_for(request.user, pk)
    progress = _progress_context(job)
    if request.GET.get("progress"):
        response = render(request, "includes/_progress.html", progress)
        if job.status in (ExportJob.Status.READY, ExportJob.Status.FAILED):
            response["HX-Refresh"] = "true"
        return response
    return render(request, "exports/job.html", {"job": job, "progress": progress})


@login_required
def export_job_download(request, pk: int):
    job = get_export_job_for(request.user, pk)
    if job.status != ExportJob.Status.READY or not job.file:
        raise Http404
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename,
                            content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
