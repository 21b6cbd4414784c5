"""Reliability of the compute job on the real components: PostgreSQL, Redis and a Celery
worker process that is killed with SIGKILL in the middle of a compute (issue #5, part 7)."""
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from contribbudget.celery import app as celery_app
from contribbudget.models import AuditEvent, NetworkSettings
from retributions.models import LedgerEntry, RetributionRun
from retributions.services import runs as svc
from tests import factories
from tests.realservices import start_worker, stop_worker

from .runs_support import END, START, validated


def _team(world, n=12):
    for i in range(n):
        member = factories.member(f"Membre{i}")
        validated(member, world.envelope, "2.50")
        validated(member, world.envelope, "1.25", kind="support")
    return n


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def _run_status(run_pk):
    return RetributionRun.objects.values_list("status", "progress_done").get(pk=run_pk)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_compute_leaves_the_run_retryable_then_one_set_of_lines(
        world):
    members = _team(world)
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    # The worker is held in the middle of the compute: after its first progress step it
    # reads the network settings, whose table another connection keeps locked.
    release = _hold_table_lock(NetworkSettings._meta.db_table)
    worker = start_worker()
    try:
        run = svc.run_create(actor=world.pilot.user, envelope=world.envelope,
                             period_start=START, period_end=END)
        _wait_for(lambda: _run_status(run.pk) == ("computing", 1))
        stop_worker(worker, kill=True)  # SIGKILL to the whole worker process group
        release()
        assert _run_status(run.pk)[0] == "computing"
        assert run.lines.count() == 0
        worker = start_worker()
        svc.run_recompute(actor=world.pilot.user, run=run)  # the pilot's "retry"
        _wait_for(lambda: _run_status(run.pk)[0] == "draft")
        assert run.lines.count() == members
        assert run.lines.values("member").distinct().count() == members
        run.refresh_from_db()
        assert sum(line.money for line in run.lines.all()) == run.distributed
    finally:
        release()
        stop_worker(worker, kill=True)
        celery_app.control.purge()
        celery_app.conf.task_always_eager = True


def _hold_table_lock(table):
    """Lock ``table`` (even against reads) from another connection until the returned
    function is called: whoever reads it meanwhile waits, without a sleep in app code."""
    locked, done = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
                locked.set()
                done.wait(120)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(30), "could not lock the table"

    def release():
        done.set()
        thread.join(30)

    return release


def _in_threads(target, count=2):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def body():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_computes_of_one_run_give_one_set_of_lines(world):
    members = _team(world)
    run = svc.run_create(actor=world.pilot.user, envelope=world.envelope, period_start=START,
                         period_end=END)  # eager compute on commit: already a draft
    RetributionRun.objects.filter(pk=run.pk).update(status="queued")
    results, errors = _in_threads(lambda: svc.run_compute(run_id=run.pk), count=3)
    assert not errors
    assert sum(1 for r in results if r is not None) >= 1
    assert _run_status(run.pk)[0] == "draft"
    assert run.lines.count() == members


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_approve_approves_once(world):
    _team(world)
    run = svc.run_create(actor=world.pilot.user, envelope=world.envelope, period_start=START,
                         period_end=END)
    assert _run_status(run.pk)[0] == "draft"
    results, errors = _in_threads(lambda: svc.run_approve(actor=world.pilot.user, run=run))
    assert not errors
    assert [r.status for r in results] == ["approved", "approved"]
    assert LedgerEntry.objects.filter(run=run, kind="distributed").count() == 1
    assert AuditEvent.objects.filter(action="run.approved", object_id=str(run.pk)).count() == 1
    assert world.envelope.contributions.filter(retributed_in=run).count() == 24
    assert connection.vendor == "postgresql"
    assert Decimal(run.lines.count()) == 12
