"""Requesting a document, following it to ready, downloading, retrying — as each role."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from retributions.models import Document
from tests import factories

from ._documents_helpers import approved_run, pdf_text

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks):
    """Requests run in the test's transaction: run the on-commit callbacks (the enqueued
    render task, eager here) when each request's transaction would have committed."""
    global on_commit
    on_commit = lambda: django_capture_on_commit_callbacks(execute=True)  # noqa: E731


def post(client, url, data, **kw):
    with on_commit():
        return client.post(url, data, **kw)


def ask_report(client, project, **extra):
    data = {"kind": "funder_report", "project": project.slug, "names": "named", **extra}
    return post(client, reverse("retributions:document_create"), data)


def test_treasurer_asks_for_a_report_and_downloads_it_once_ready(world, client_for):
    factories.contribution(world.contributor, world.envelope, status="validated",
                           hours=Decimal("7.00"), date=D(2026, 2, 2))
    client = client_for(world.treasurer)
    response = ask_report(client, world.project)
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("retributions:document_detail", args=[document.pk])
    # Eager Celery in tests: rendered on commit.
    assert document.status == Document.Status.READY
    assert document.version == 1 and len(document.checksum) == 64 and document.page_count >= 1
    page = client.get(response["Location"]).content.decode().replace('&#x27;', "'")
    assert "Télécharger le PDF" in page
    pdf = client.get(reverse("retributions:document_download", args=[document.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert "Légumerie" in pdf_text(b"".join(pdf.streaming_content))


def test_asking_again_makes_a_new_version_and_keeps_the_first(world, client_for):
    client = client_for(world.treasurer)
    ask_report(client, world.project)
    ask_report(client, world.project)
    first, second = Document.objects.order_by("version")
    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    assert first.file.storage.exists(first.file.name)


def test_period_end_before_start_is_refused_with_a_clear_message(world, client_for):
    response = ask_report(client_for(world.treasurer), world.project,
                          period_start="2026-03-01", period_end="2026-02-01")
    assert response.status_code == 200
    assert "La fin de la période précède son début." in response.content.decode().replace('&#x27;', "'")
    assert 'value="2026-03-01"' in response.content.decode().replace('&#x27;', "'")
    assert not Document.objects.exists()


def test_unknown_project_or_foreign_funding_is_refused(world, client_for):
    client = client_for(world.treasurer)
    response = client.post(reverse("retributions:document_create"),
                           {"kind": "funder_report", "project": "inconnu", "names": "named"})
    assert "Projet inconnu." in response.content.decode().replace('&#x27;', "'")
    other_funding = world.other_project.fundings.get()
    response = ask_report(client, world.project, funding=other_funding.pk)
    assert "Ce financement n'appartient pas au projet choisi." in response.content.decode().replace('&#x27;', "'")
    assert not Document.objects.exists()


def test_pilot_reports_on_own_project_only(world, client_for):
    client = client_for(world.pilot)
    assert ask_report(client, world.project).status_code == 302
    response = ask_report(client, world.other_project)
    assert response.status_code == 200 and "Projet inconnu." in response.content.decode().replace('&#x27;', "'")


def test_contributor_and_outsider_cannot_ask_for_a_funder_report(world, client_for):
    assert client_for(world.contributor).get(reverse("retributions:document_create")).status_code == 403
    assert ask_report(client_for(world.contributor), world.project).status_code == 403


def test_document_pages_are_hidden_from_who_may_not_see_them(world, client_for):
    ask_report(client_for(world.treasurer), world.project)
    document = Document.objects.get()
    urls = [reverse(f"retributions:{name}", args=[document.pk])
            for name in ("document_detail", "document_progress", "document_download")]
    for member in (world.contributor, world.outsider):
        for url in urls:
            assert client_for(member).get(url).status_code == 404
    for member in (world.pilot, world.coordinator, world.treasurer):
        for url in urls:
            assert client_for(member).get(url).status_code == 200
    from django.test import Client

    assert Client().get(urls[0]).status_code == 302  # to the login page


def test_progress_fragment_is_polled_until_ready_then_reloads(world, client_for, monkeypatch):
    from retributions.tasks import documents as tasks

    monkeypatch.setattr(tasks.render_document, "delay_on_commit", lambda *a, **k: None)
    client = client_for(world.treasurer)
    ask_report(client, world.project)
    document = Document.objects.get()
    url = reverse("retributions:document_progress", args=[document.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in fragment.content.decode().replace('&#x27;', "'")
    assert "en file d'attente" in fragment.content.decode().replace('&#x27;', "'")
    assert "HX-Refresh" not in fragment
    from retributions.services.documents import document_render
    document_render(document.pk)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"


def test_a_failure_shows_a_clear_message_and_can_be_retried(world, client_for, monkeypatch):
    import retributions.services.documents as services

    def broken(html):
        raise RuntimeError("police de caractères introuvable")

    monkeypatch.setattr(services, "render_pdf", broken)
    client = client_for(world.treasurer)
    ask_report(client, world.project)
    document = Document.objects.get()
    assert document.status == Document.Status.FAILED
    page = client.get(reverse("retributions:document_detail", args=[document.pk])).content.decode().replace('&#x27;', "'")
    assert "La génération du document a échoué : police de caractères introuvable" in page
    assert "Réessayer" in page
    monkeypatch.undo()
    post(client, reverse("retributions:document_retry", args=[document.pk]), {})
    document.refresh_from_db()
    assert document.status == Document.Status.READY and document.error == ""
    assert Document.objects.count() == 1


def test_retry_is_refused_for_a_ready_document(world, client_for):
    client = client_for(world.treasurer)
    ask_report(client, world.project)
    document = Document.objects.get()
    response = post(client, reverse("retributions:document_retry", args=[document.pk]), {}, follow=True)
    assert "Seul un document en échec peut être relancé." in response.content.decode().replace('&#x27;', "'")


def test_contributor_asks_for_own_statement_but_not_someone_elses(world, client_for):
    run = approved_run(world.envelope, world.coordinator.user, [
        {"member": world.contributor, "hours": "7.00", "money": "280.00"},
        {"member": world.pilot, "hours": "3.50", "money": "140.00"},
    ])
    client = client_for(world.contributor)
    form = client.get(reverse("retributions:document_create") + "?kind=statement").content.decode().replace('&#x27;', "'")
    assert world.pilot.full_name not in form
    response = client.post(reverse("retributions:document_create"),
                           {"kind": "statement", "run": run.pk, "member": world.pilot.pk})
    assert response.status_code == 200 and "Membre inconnu·e." in response.content.decode().replace('&#x27;', "'")
    response = post(client, reverse("retributions:document_create"),
                    {"kind": "statement", "run": run.pk, "member": world.contributor.pk})
    document = Document.objects.get()
    assert document.member == world.contributor and document.status == Document.Status.READY
    assert client.get(reverse("retributions:document_download", args=[document.pk])).status_code == 200


def test_document_pages_query_count_does_not_grow_with_versions_or_links(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from retributions.models import ShareLink

    client = client_for(world.treasurer)
    ask_report(client, world.project)
    first = Document.objects.get()
    url = reverse("retributions:document_detail", args=[first.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(5):
        ask_report(client, world.project)
        ShareLink.objects.create(document=first, created_by=world.treasurer.user)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
