"""Issue 12 point 8: a PDF worker killed mid-render (kill -9) no longer leaves its document
"rendering" for ever. As for runs, the render claims the row with a conditional UPDATE that
writes a claim token and a heartbeat; a render whose heartbeat is older than the stale
threshold can be retried from the page, and only the current claim writes the file."""
import datetime
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from contribbudget.celery import app as celery_app
from retributions.models import Document
from retributions.services import documents as services
from tests import factories
from tests.realservices import start_worker, stop_worker

from ._documents_helpers import fr_hours, pdf_text


def _wait_for(predicate, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def _state(pk):
    return Document.objects.values_list("status", "progress").get(pk=pk)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_pdf_worker_killed_mid_render_leaves_a_document_that_can_be_retried(
        settings, monkeypatch, client_for):
    world = factories.World.build()
    factories.contribution(world.contributor, world.envelope, status="validated",
                           hours=Decimal("6.75"), date=datetime.date(2026, 2, 2))
    settings.DOCUMENT_RENDER_STALE_SECONDS = 3
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    # The worker sleeps 4 s after each progress step, so it is caught in the middle.
    monkeypatch.setenv("CONTRIBBUDGET_TEST_TASK_DELAY", "4")
    worker = start_worker()
    try:
        document = services.funder_report_request(author=world.treasurer.user,
                                                  project=world.project)
        _wait_for(lambda: _state(document.pk)[0] == "rendering")
        stop_worker(worker, kill=True)  # SIGKILL to the whole worker process group
        assert _state(document.pk)[0] == "rendering"
        client = client_for(world.treasurer)
        detail = reverse("retributions:document_detail", args=[document.pk])
        time.sleep(settings.DOCUMENT_RENDER_STALE_SECONDS + 1)
        page = client.get(detail).content.decode().replace("&#x27;", "'")
        assert "interrompue" in page and "Réessayer" in page
        monkeypatch.delenv("CONTRIBBUDGET_TEST_TASK_DELAY")
        worker = start_worker()
        response = client.post(reverse("retributions:document_retry", args=[document.pk]))
        assert response.status_code == 302
        _wait_for(lambda: _state(document.pk)[0] in ("ready", "failed"))
        document.refresh_from_db()
        assert document.status == "ready", document.error
        assert document.version == 1 and document.progress == 100
        with document.file.open("rb") as f:
            assert fr_hours(Decimal("6.75")) in pdf_text(f.read())
        files = list(Path(settings.MEDIA_ROOT, "documents").rglob("*.pdf"))
        assert len(files) == 1  # one render wrote, no orphan
    finally:
        stop_worker(worker, kill=True)
        celery_app.control.purge()
        celery_app.conf.task_always_eager = True


@pytest.mark.django_db
def test_a_fresh_render_cannot_be_retried_and_a_lost_claim_writes_nothing(world, settings):
    settings.DOCUMENT_RENDER_STALE_SECONDS = 600
    document = Document.objects.create(kind=Document.Kind.FUNDER_REPORT, project=world.project,
                                       author=world.treasurer.user)
    assert services.document_claim(document.pk, "first")
    with pytest.raises(Exception, match="en cours"):
        services.document_retry(document=document, actor=world.treasurer.user)
    # A second delivery of the message takes the render over; the first claim then writes
    # nothing, so there is never a second file.
    assert services.document_claim(document.pk, "second")
    assert not services.document_store(document_id=document.pk, token="first",
                                       pdf=b"%PDF-1.4 x", pages=1)
    assert Document.objects.get(pk=document.pk).status == "rendering"
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    assert services.document_store(document_id=document.pk, token="second", pdf=b"%PDF-1.4 y",
                                   pages=1)
    assert Document.objects.get(pk=document.pk).status == "ready"
