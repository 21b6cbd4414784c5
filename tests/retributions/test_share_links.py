"""Funder links: unguessable, no account needed, 404 once revoked, treasurers only."""
import pytest
from django.test import Client
from django.urls import reverse

from contribbudget.models import AuditEvent
from retributions.models import Document, ShareLink
from retributions.services.documents import document_render, funder_report_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(world):
    document = funder_report_request(author=world.treasurer.user, project=world.project)
    return document_render(document.pk)


def test_treasurer_shares_a_report_and_the_funder_reads_it_without_account(world, report, client_for):
    client = client_for(world.treasurer)
    client.post(reverse("retributions:share_link_create", args=[report.pk]))
    link = ShareLink.objects.get()
    assert len(link.token) >= 40
    page = client.get(reverse("retributions:document_detail", args=[report.pk])).content.decode()
    assert reverse("retributions:shared_document", args=[link.token]) in page
    response = Client().get(reverse("retributions:shared_document", args=[link.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_revoked_link_answers_404(world, report, client_for):
    client = client_for(world.treasurer)
    client.post(reverse("retributions:share_link_create", args=[report.pk]))
    link = ShareLink.objects.get()
    client.post(reverse("retributions:share_link_revoke", args=[link.pk]))
    assert Client().get(reverse("retributions:shared_document", args=[link.token])).status_code == 404
    actions = list(AuditEvent.objects.filter(action=AuditEvent.Action.SHARE_LINK)
                   .values_list("data__event", flat=True))
    assert sorted(actions) == ["created", "revoked"]


def test_an_unknown_token_answers_404():
    assert Client().get(reverse("retributions:shared_document", args=["x" * 43])).status_code == 404


def test_pilot_and_contributor_cannot_create_or_revoke_links(world, report, client_for):
    assert client_for(world.pilot).post(
        reverse("retributions:share_link_create", args=[report.pk])).status_code == 403
    assert client_for(world.contributor).post(
        reverse("retributions:share_link_create", args=[report.pk])).status_code == 404
    link = ShareLink.objects.create(document=report, created_by=world.treasurer.user)
    assert client_for(world.pilot).post(
        reverse("retributions:share_link_revoke", args=[link.pk])).status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_only_a_ready_report_can_be_shared(world, client_for):
    document = funder_report_request(author=world.treasurer.user, project=world.project)
    assert document.status == Document.Status.QUEUED
    response = client_for(world.treasurer).post(
        reverse("retributions:share_link_create", args=[document.pk]), follow=True)
    assert "Seul un bilan financeur prêt peut être partagé." in response.content.decode()
    assert not ShareLink.objects.exists()
