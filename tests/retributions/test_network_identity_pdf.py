"""The network's legal identity (settings page) on the invoice request of a statement."""
import datetime

import pytest

from contribbudget.models import NetworkSettings
from retributions.models import Document
from retributions.services.documents import document_render, statement_request

from ._documents_helpers import approved_run, pdf_pages

pytestmark = pytest.mark.django_db


def test_invoice_request_is_addressed_to_the_network_legal_identity(world):
    network = NetworkSettings.load()
    network.legal_name = "Association des tiers-lieux de Touraine"
    network.siret, network.address = "73282932000074", "1 place du Marché\n37000 Tours"
    network.save()
    world.contributor.siret = "12345678901234"
    world.contributor.address = "3 rue des Lilas"
    world.contributor.save()
    run = approved_run(world.envelope, world.coordinator.user, [
        {"member": world.contributor, "hours": "10.00", "money": "400.00",
         "paid_on": datetime.date(2026, 4, 2)}])
    document = statement_request(author=world.treasurer.user, run=run, member=world.contributor,
                                 invoice=True)
    document = document_render(document.pk)
    assert document.status == Document.Status.READY, document.error
    with document.file.open("rb") as f:
        pages = pdf_pages(f.read())
    assert "Association des tiers-lieux de Touraine" in pages[0]
    invoice = pages[-1]
    assert "Appel à facture" in invoice
    assert "Association des tiers-lieux de Touraine" in invoice
    assert "1 place du Marché" in invoice and "732 829 320 00074" in invoice
