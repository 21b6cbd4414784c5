"""A real Celery worker on Redis renders a funder report queued by a request."""
import datetime
import time
from decimal import Decimal

import pytest

from retributions.models import Document
from retributions.services.documents import funder_report_request
from tests import factories

from ._documents_helpers import fr_hours, pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_media(settings, monkeypatch):
    """The worker process writes the PDF where the test reads it (the temporary media)."""
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


def test_a_real_worker_renders_a_queued_report(shared_media, celery_worker_process):
    world = factories.World.build()
    factories.contribution(world.contributor, world.envelope, status="validated",
                           hours=Decimal("6.75"), date=datetime.date(2026, 2, 2))
    document = funder_report_request(author=world.treasurer.user, project=world.project)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in (Document.Status.READY, Document.Status.FAILED):
            break
        time.sleep(0.3)
    assert document.status == Document.Status.READY, document.error
    assert document.progress == 100 and document.page_count >= 1
    with document.file.open("rb") as f:
        assert fr_hours(Decimal("6.75")) in pdf_text(f.read())
