"""Issue 12 point 3: exports never build a whole network's file inside the request.

CSV streams row by row from the database (constant queries, nothing held); XLSX is built by
a Celery task (openpyxl ``write_only``) whose progress the author follows on a page, then
downloads; the payment export exists once, the same from the desk and the payments page."""
import datetime
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contribbudget.models import ExportJob
from tests import factories
from tests.exports_support import body, csv_rows, xlsx_rows

from ._documents_helpers import approved_run

pytestmark = pytest.mark.django_db
EXPORT = "retributions:desk_export"


def _contributions(world, n):
    for i in range(n):
        factories.contribution(world.contributor, world.envelope, status="validated",
                               hours=Decimal("1.00"), date=datetime.date(2026, 3, 1),
                               description=f"Atelier {i}")


def _streamed_queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        assert response.streaming  # sent as it is read, never built whole
        data = body(response)
    return len(ctx.captured_queries), csv_rows(data)


def test_the_network_csv_streams_with_the_same_queries_for_3_or_300_rows(world, client_for):
    client = client_for(world.treasurer)
    url = reverse(EXPORT, args=["contributions"])
    _contributions(world, 3)
    small, rows = _streamed_queries(client, url, {"format": "csv"})
    assert len(rows) == 4
    _contributions(world, 297)
    large, rows = _streamed_queries(client, url, {"format": "csv"})
    assert len(rows) == 301
    assert large == small


def test_the_network_xlsx_is_built_by_a_task_whose_progress_its_author_follows(
        world, client_for, django_capture_on_commit_callbacks):
    _contributions(world, 1200)
    client = client_for(world.treasurer)
    response = client.get(reverse(EXPORT, args=["contributions"]), {"format": "xlsx"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("export_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode().replace("&#x27;", "'")
    assert "en file d'attente" in page and "?progress=1" in page  # polled by htmx
    # The task (eager here): the whole file is written row by row, progress on the way.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse(EXPORT, args=["contributions"]), {"format": "xlsx"})
    job = ExportJob.objects.latest("pk")
    assert job.status == "ready" and job.done_rows == job.total_rows == 1200
    fragment = client.get(reverse("export_job", args=[job.pk]), {"progress": "1"},
                          HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    page = client.get(reverse("export_job", args=[job.pk])).content.decode()
    assert "1200 lignes" in page
    download = client.get(reverse("export_job_download", args=[job.pk]))
    assert download["Cache-Control"] == "private, no-store"
    rows = xlsx_rows(body(download))
    assert len(rows) == 1201 and rows[1][9] == "Atelier 0"


def test_an_export_job_is_its_authors_only(world, client_for, django_capture_on_commit_callbacks):
    _contributions(world, 2)
    client = client_for(world.treasurer)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse(EXPORT, args=["envelopes"]), {"format": "xlsx"})
    job = ExportJob.objects.get()
    for url in (reverse("export_job", args=[job.pk]), reverse("export_job_download", args=[job.pk])):
        assert client.get(url).status_code == 200
        assert client_for(world.coordinator).get(url).status_code == 404  # not theirs
        assert client_for(world.contributor).get(url).status_code == 404
    world.treasurer.is_treasurer = False
    world.treasurer.save()
    assert client.get(reverse("export_job_download", args=[job.pk])).status_code == 403


def test_the_payment_export_is_one_export_from_the_desk_and_the_payments_page(world, client_for):
    approved_run(world.envelope, world.coordinator.user, [
        {"member": world.contributor, "hours": "2.00", "money": "80.00",
         "paid_on": datetime.date(2026, 4, 1), "payment_reference": "VIR-1"},
        {"member": world.pilot, "hours": "3.00", "money": "120.00"},
    ])
    client = client_for(world.treasurer)
    desk = csv_rows(body(client.get(reverse(EXPORT, args=["payments"]), {"format": "csv"})))
    page = csv_rows(body(client.get(reverse("retributions:payments"),
                                    {"status": "paid", "export": "csv"})))
    assert desk == page  # same columns, same rows
    assert desk[0][:4] == ["Bénéficiaire", "Type", "SIRET", "Adresse"]
    assert [r[-1] for r in desk[1:]] == ["VIR-1"]
    unpaid = csv_rows(body(client.get(reverse("retributions:payments"),
                                      {"status": "unpaid", "export": "csv"})))
    assert unpaid[0] == desk[0] and [r[9] for r in unpaid[1:]] == ["120,00"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_network_xlsx(settings, monkeypatch, client_for):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    world = factories.World.build()
    _contributions(world, 1200)
    from contribbudget.celery import app as celery_app
    from tests.realservices import running_worker

    celery_app.conf.task_always_eager = False
    try:
        with running_worker():
            client = client_for(world.treasurer)
            response = client.get(reverse(EXPORT, args=["contributions"]), {"format": "xlsx"})
            job = ExportJob.objects.get()
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.status in ("ready", "failed"):
                    break
                time.sleep(0.3)
            assert job.status == "ready", job.error
            rows = xlsx_rows(body(client.get(response["Location"] + "telecharger/")))
            assert len(rows) == 1201
    finally:
        celery_app.conf.task_always_eager = True
