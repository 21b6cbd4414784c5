"""A statement is ordered only by whoever may see it (issue 12, point 11): the member
themself, a pilot of the run's project, treasurers and coordinators — and the right is
checked before anything is created or an invoice number is used up."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from contribbudget.models import NetworkSettings
from retributions.models import Document
from retributions.services import documents as services

from ._documents_helpers import approved_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(world):
    """An approved run of world.project (contributor paid, with a SIRET to invoice) and one
    of the outsider's project, where the contributor also has a line."""
    world.contributor.siret = "12345678901234"
    world.contributor.save()
    ours = approved_run(world.envelope, world.coordinator.user, [
        {"member": world.contributor, "hours": "7.00", "money": "280.00"}])
    theirs = approved_run(world.other_envelope, world.coordinator.user, [
        {"member": world.contributor, "hours": "3.50", "money": "140.00"},
        {"member": world.outsider, "hours": "1.00", "money": "40.00"}])
    return ours, theirs


def test_a_pilot_cannot_order_a_statement_for_a_run_of_a_project_they_do_not_steer(world, runs):
    ours, _theirs = runs
    number_before = NetworkSettings.load().next_invoice_number
    with pytest.raises(PermissionDenied):
        services.statement_request(author=world.outsider.user, run=ours,
                                   member=world.contributor, invoice=True)
    assert not Document.objects.exists()
    assert NetworkSettings.load().next_invoice_number == number_before


def test_the_page_refuses_the_combination_and_numbers_nothing(world, runs, client_for):
    ours, _theirs = runs
    number_before = NetworkSettings.load().next_invoice_number
    response = client_for(world.outsider).post(reverse("retributions:document_create"), {
        "kind": "statement", "run": ours.pk, "member": world.contributor.pk, "invoice": "on"})
    assert response.status_code in (200, 403)
    assert not Document.objects.exists()
    assert NetworkSettings.load().next_invoice_number == number_before


def test_who_may_order_a_statement(world, runs):
    ours, theirs = runs
    for author in (world.contributor, world.pilot, world.treasurer, world.coordinator):
        services.statement_request(author=author.user, run=ours, member=world.contributor)
    services.statement_request(author=world.outsider.user, run=theirs, member=world.contributor)
    with pytest.raises(PermissionDenied):
        services.statement_request(author=world.copilot.user, run=theirs,
                                   member=world.contributor)
    assert Document.objects.count() == 5
