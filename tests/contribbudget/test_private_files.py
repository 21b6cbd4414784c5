"""Issue 12 point 5: generated and uploaded files are only served by the permission-checked
views, in every mode (no ``/media/`` route even with DEBUG), under names with a random part."""
import importlib
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse

from contributions.models import ContributionImport
from retributions.models import Document
from retributions.services.documents import funder_report_request
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_urls(settings):
    """The URLconf as ``make run`` builds it: DEBUG on."""
    import contribbudget.urls

    settings.DEBUG = True
    importlib.reload(contribbudget.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(contribbudget.urls)
    clear_url_caches()


@pytest.fixture
def report(world, django_capture_on_commit_callbacks):
    factories.contribution(world.contributor, world.envelope, status="validated",
                           hours=Decimal("3.00"))
    with django_capture_on_commit_callbacks(execute=True):
        document = funder_report_request(author=world.treasurer.user, project=world.project)
    document.refresh_from_db()
    assert document.status == Document.Status.READY
    return document


def test_media_is_not_served_even_with_debug(debug_urls, report, world, client_for):
    path = "/media/" + report.file.name
    for client in (client_for(world.treasurer), client_for(world.outsider)):
        assert client.get(path).status_code == 404
    # The permission-checked view still serves its owner, and only them.
    url = reverse("retributions:document_download", args=[report.pk])
    response = client_for(world.treasurer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert client_for(world.outsider).get(url).status_code == 404


def test_an_uploaded_import_is_not_served_either(debug_urls, world, client_for):
    file = SimpleUploadedFile("passe.csv", b"email;date;hours;project;envelope;kind;description\n")
    client_for(world.pilot).post(reverse("contributions:import"), {"file": file})
    imp = ContributionImport.objects.get()
    assert client_for(world.pilot).get("/media/" + imp.file.name).status_code == 404


def test_stored_names_have_a_random_part_and_downloads_keep_a_readable_name(
        report, world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        again = funder_report_request(author=world.treasurer.user, project=world.project)
    again.refresh_from_db()
    for document in (report, again):
        stored = document.file.name.rsplit("/", 1)[-1]
        assert re.search(r"[A-Za-z0-9_-]{16,}", stored.split("bilan-")[0]), stored
        assert not stored.startswith("bilan-")  # not guessable from the project and version
    assert report.file.name != again.file.name
    response = client_for(world.treasurer).get(
        reverse("retributions:document_download", args=[report.pk]))
    assert 'filename="bilan-legumerie-v1.pdf"' in response["Content-Disposition"]
