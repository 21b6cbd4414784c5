"""Hours logged through the form while an import commits never make a day exceed 24 h, in
either order: the import locks the members of its file as the form service locks its
member (real PostgreSQL, one connection per thread)."""
import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.db.models import Sum

from contributions import services
from contributions.imports import import_commit, import_create
from contributions.models import Contribution, ContributionImport

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DAY = datetime.date(2026, 10, 5)


def queued_import(world):
    body = "email;date;hours;project;envelope;kind;description\n" + "".join(
        f"{world.contributor.user.email};{(DAY + datetime.timedelta(days=i)).isoformat()};1;"
        f"legumerie;Production;production;Ligne {i}\n" for i in range(5))
    imp, _rows = import_create(user=world.coordinator.user, upload=SimpleUploadedFile(
        "passe.csv", body.encode(), "text/csv"))
    assert imp.errors == []
    ContributionImport.objects.filter(pk=imp.pk).update(status=ContributionImport.Status.QUEUED)
    return imp


def log_form(world, hours="23.5"):
    return services.contribution_create(
        member=world.contributor, actor=world.contributor.user, project=world.project,
        envelope=world.envelope, date=DAY, hours=Decimal(hours), kind="production",
        description="Saisie par le formulaire")


def wait_until_someone_waits_for_a_lock():
    with connections["default"].cursor() as cursor:
        for _ in range(200):
            # Inside a transaction PostgreSQL keeps its first view of the activity: renew it.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                           "AND datname = current_database()")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("nobody waited for the member lock")


def in_thread(target):
    outcome = {}

    def run():
        try:
            outcome["value"] = target()
        except Exception as error:  # noqa: BLE001 - the test reads it
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def day_total(world):
    return Contribution.objects.filter(member=world.contributor, date=DAY).aggregate(
        t=Sum("hours"))["t"]


def test_an_import_waits_for_the_form_then_refuses_the_row_that_would_exceed_24_hours(world):
    imp = queued_import(world)
    holding, release = threading.Event(), threading.Event()

    def form():
        with transaction.atomic():
            log_form(world)  # holds the member lock until the outer block commits
            holding.set()
            release.wait(30)

    form_thread, form_outcome = in_thread(form)
    assert holding.wait(30)
    import_thread, import_outcome = in_thread(lambda: import_commit(import_id=imp.pk))
    wait_until_someone_waits_for_a_lock()  # the import queues on the member
    release.set()
    form_thread.join(30)
    import_thread.join(60)
    assert "error" not in form_outcome and "error" not in import_outcome, (form_outcome, import_outcome)
    imp.refresh_from_db()
    assert imp.status == "failed" and imp.errors[0]["line"] == 2
    assert "dépasserait 24 h" in imp.errors[0]["messages"][0]
    assert day_total(world) == Decimal("23.5")


def test_the_form_waits_for_an_import_then_refuses_hours_that_would_exceed_24(world):
    imp = queued_import(world)
    form_outcome = {}

    def progress(done, total):
        # Inside the import's transaction, rows written, locks held: the form tries now.
        form_thread, outcome = in_thread(lambda: log_form(world))
        form_outcome.update(thread=form_thread, outcome=outcome)
        wait_until_someone_waits_for_a_lock()

    assert import_commit(import_id=imp.pk, progress=progress)["status"] == "done"
    form_outcome["thread"].join(30)
    assert isinstance(form_outcome["outcome"].get("error"), ValidationError)
    assert "dépasserait 24 h" in " ".join(form_outcome["outcome"]["error"].messages)
    assert day_total(world) == Decimal("1")
