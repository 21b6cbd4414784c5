"""Retribution runs: start, compute (in a Celery task), override a line, approve, recompute,
and each member's preference for one run (DESIGN.md §4, issue #5).

Life of a run: ``queued`` → ``computing`` → ``draft`` → ``approved`` (or ``failed`` /
``cancelled``). How the jobs stay correct:

- :func:`run_compute` claims the run with a conditional ``UPDATE … WHERE status IN (queued,
  computing)`` that writes a fresh claim token in ``task_id`` (``computing`` is claimable
  again, so a message re-delivered after a worker was killed, or a retry, takes over). It
  then writes the lines in ONE transaction, after ``SELECT … FOR UPDATE`` on the run and a
  check that its claim is still the current one: of two concurrent computes of one run, the
  one that lost the claim writes nothing; and the unique constraint (run, member) makes a
  second set of lines impossible anyway.
- :func:`run_approve` locks the project then the run, so a double click approves once (the
  second call finds the run approved and returns it); it refuses a run whose inputs changed
  since it was computed (fingerprint) or that distributes more than is available.
- Surplus (DESIGN.md §4): on approval the envelope's surplus policy decides where
  ``available − distributed`` goes. ``carry`` keeps it in the envelope. ``commons`` and
  ``reserve`` move it, as a transfer (two linked adjustments), to the project's commons or
  smoothing-reserve envelope — created, empty, if the project has none — so every envelope's
  available amount stays ``adjustments − approved runs`` and the reserve that smoothing rounds
  draw from is simply the reserve envelope's available amount. ``split`` sends
  ``surplus_commons_percent`` % (half-up to the cent) to the commons, the rest to the reserve.
  Each destination is also written as a :class:`LedgerEntry`.

Rules that need per-member inputs (peer points, requests, manual amounts) read them from
``run.parameters`` (``{"points": {member_id: "40"}, "requests": {…}, "manual": {…}}``); without
them the shares are zero and the pilot sets them with line overrides (with a reason).
"""
from .approval import run_approve
from .computing import (
    ENGINE_PREFERENCE,
    KIND_LABELS,
    STEPS,
    Progress,
    Status,
    _claim,
    compute_run,
    enqueue_compute,
    run_compute,
    run_mark_failed,
)
from .lifecycle import (
    _check_period,
    _insert_run,
    _refuse_open_overlap,
    run_cancel,
    run_create,
    run_preference_set,
    run_recompute,
)
from .overrides import run_line_override

__all__ = [
    "compute_run",
    "ENGINE_PREFERENCE",
    "KIND_LABELS",
    "Progress",
    "STEPS",
    "Status",
    "_check_period",
    "_claim",
    "_insert_run",
    "_refuse_open_overlap",
    "enqueue_compute",
    "run_approve",
    "run_cancel",
    "run_compute",
    "run_create",
    "run_line_override",
    "run_mark_failed",
    "run_preference_set",
    "run_recompute",
]
