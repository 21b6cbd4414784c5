"""Helpers shared by the run, smoothing and payment tests (not a conftest: the documents
tests live in the same folder)."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from contributions.models import Contribution
from retributions.models import RetributionRun
from retributions.services import runs as run_services
from tests import factories

TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=60)
END = TODAY


def validated(member, envelope, hours="2.00", **kw):
    kw.setdefault("status", Contribution.Status.VALIDATED)
    return factories.contribution(member, envelope, hours=Decimal(hours), **kw)


def computed_run(world, *, envelope=None, actor=None, start=START, end=END) -> RetributionRun:
    """Start a run and compute it right away, as the worker would."""
    envelope = envelope or world.envelope
    run = run_services.run_create(actor=(actor or world.pilot).user, envelope=envelope,
                                  period_start=start, period_end=end)
    run_services.run_compute(run_id=run.pk)
    run.refresh_from_db()
    return run
