"""Tasks for retribution runs: thin, ids in, the service does the work.

``acks_late`` and ``reject_on_worker_lost`` (settings) re-deliver the message of a worker
killed mid-compute; the service's claim lets that re-delivery (or a retry from the run's page)
take the run over, and its final transaction writes exactly one set of lines.
"""
from __future__ import annotations

from celery import shared_task

__all__ = ["compute_run"]


@shared_task(name="retributions.tasks.compute_run", bind=True)
def compute_run(self, run_id: int) -> dict:
    from ..services.runs import run_compute, run_mark_failed

    def progress(done: int, total: int) -> None:
        if self.request.id and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    try:
        run = run_compute(run_id=run_id, token=self.request.id or "", progress=progress)
    except Exception as exc:
        run_mark_failed(run_id=run_id, message=f"{type(exc).__name__}: {exc}")
        raise
    if run is None:
        return {"run": run_id, "status": "skipped"}
    return {"run": run_id, "status": run.status}
