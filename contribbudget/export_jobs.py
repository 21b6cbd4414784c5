"""Exports of network-wide tables: the CSV streams from the request, the XLSX is built by a
Celery task that reports its progress, then downloaded by its author.

A table export is declared once (:class:`TableExport`: its columns, its rows from JSON-safe
filters, its row count, its file name, who may ask for it) and registered by name, so the
task, which only receives the job's id, finds it again in the worker. Every app registers its
tables in its own ``exports`` module, imported by its ``AppConfig.ready``.
"""
from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from celery import shared_task
from django.core.files import File
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from . import exports
from .models import ExportJob

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class TableExport:
    name: str
    columns: Sequence[exports.Column]
    rows: Callable[[dict], Iterable[Sequence]]
    count: Callable[[dict], int]
    basename: Callable[[dict], str]
    allowed: Callable[[object], bool]


_TABLES: dict[str, TableExport] = {}


def register(table: TableExport) -> TableExport:
    _TABLES[table.name] = table
    return table


def get_table(name: str) -> TableExport | None:
    return _TABLES.get(name)


def export_start(*, author, table: TableExport, params: dict) -> ExportJob:
    """Create the job row and enqueue its build once the transaction commits."""
    job = ExportJob.objects.create(author=author, exporter=table.name, params=params,
                                   filename=f"{table.basename(params)}.xlsx")
    transaction.on_commit(lambda: build_export.delay(job.pk))
    return job


def export_build(job_id: int) -> ExportJob:
    """Build the XLSX of a queued job (the task's body). Claimed with a conditional update
    so two workers never build the same job; rows go to a temporary file as they are read
    (``write_only``), the progress is written every few hundred rows."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING)
    job = ExportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    table = get_table(job.exporter)
    try:
        if table is None:
            raise LookupError(job.exporter)
        total = table.count(job.params)
        ExportJob.objects.filter(pk=job_id).update(total_rows=total)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job_id).update(done_rows=done)

        with tempfile.TemporaryFile() as spool:
            done = exports.write_xlsx(table.columns, table.rows(job.params), spool,
                                      table.basename(job.params), progress=progress,
                                      every=PROGRESS_EVERY)
            spool.seek(0)
            job.file.save(job.filename, File(spool), save=False)
        job.status = ExportJob.Status.READY
        job.done_rows = done
        job.total_rows = max(total, done)
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "done_rows", "total_rows", "finished_at"])
    except Exception:
        logger.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now(),
            error=_("L'export a échoué. Réessayez ; si cela se reproduit, prévenez la "
                    "coordination."))
        job.refresh_from_db()
    return job


# The task lives beside its service (as render_document does), so enqueueing needs no import
# of the task module; ``contribbudget.tasks`` re-exports it for Celery's autodiscovery.
@shared_task(name="contribbudget.tasks.build_export", acks_late=True)
def build_export(job_id: int) -> dict:
    """Build one export job's XLSX; its row carries the status and progress."""
    job = export_build(job_id)
    return {"job": job.pk, "status": job.status, "rows": job.done_rows}


def export_response(request, table: TableExport, fmt: str, params: dict
                    ) -> HttpResponse | StreamingHttpResponse:
    """CSV: streamed at once. XLSX: a job, and the page that follows it."""
    if fmt == "csv":
        return exports.csv_response(table.columns, table.rows(params), table.basename(params))
    job = export_start(author=request.user, table=table, params=params)
    return redirect("export_job", pk=job.pk)
