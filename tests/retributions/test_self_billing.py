"""Self-billing: mandate accepted in the app, one invoice per payee and run after approval,
numbered per payee without gaps, PDF/A-3 whose Factur-X XML (EN 16931) passes the factur-x
checks and matches the line; revoked mandate → invoice request; contest within the period."""
import datetime
import io

import pypdf
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from facturx import get_facturx_level, get_xml_from_pdf, xml_check_xsd
from lxml import etree

from retributions.models import SelfBilledInvoice
from retributions.services import documents, invoicing, mandates

from .treasury_support import SIRET, approved_run, bank_network, freelancer, with_iban

pytestmark = pytest.mark.django_db
NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}


@pytest.fixture
def issued(world, django_capture_on_commit_callbacks):
    bank_network()
    freelancer(world.contributor)
    with django_capture_on_commit_callbacks(execute=True):
        run = approved_run(world)
    return SelfBilledInvoice.objects.get(line__run=run)


def test_the_invoice_pdf_carries_a_factur_x_xml_that_passes_the_checks_and_matches_the_line(world, issued):
    pdf = issued.file.read()
    filename, xml = get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    tree = etree.fromstring(xml)
    assert xml_check_xsd(tree, flavor="factur-x", level="en16931")
    assert get_facturx_level(tree) == "en16931"
    line = issued.line
    text = lambda path: tree.findtext(path, namespaces=NS)  # noqa: E731
    assert text(".//rsm:ExchangedDocument/ram:ID") == issued.number == f"AUTO-{world.contributor.pk:05d}-0001"
    assert text(".//rsm:ExchangedDocument/ram:TypeCode") == "389"  # self-billed invoice
    totals = ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    for field in ("LineTotalAmount", "TaxBasisTotalAmount", "GrandTotalAmount", "DuePayableAmount"):
        assert text(totals + field) == f"{line.money:.2f}"
    assert text(totals + "TaxTotalAmount") == "0.00"
    assert text(".//ram:SellerTradeParty/ram:Name") == world.contributor.full_name
    assert text(".//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == SIRET[:9]
    assert text(".//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == "732829320"
    notes = [n.text for n in tree.iterfind(".//ram:IncludedNote/ram:Content", NS)]
    assert "Autofacturation" in notes and "TVA non applicable, art. 293 B du CGI" in notes
    # The visible PDF says the same, and declares PDF/A-3.
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    page = reader.pages[0].extract_text()
    assert "Autofacturation" in page and "TVA non applicable, art. 293 B du CGI" in page
    assert world.contributor.full_name in page and issued.number in page
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid" in xmp and (b'pdfaid:part="3"' in xmp or b"<pdfaid:part>3</pdfaid:part>" in xmp)
    assert b"urn:factur-x" in xmp.lower() or b"factur-x" in xmp.lower()


def test_numbers_follow_each_other_per_payee_without_gaps_and_one_invoice_per_run(world, issued, django_capture_on_commit_callbacks):
    other = approved_run(world, hours=(("contributor", "2.00"),),
                         start=datetime.date.today() - datetime.timedelta(days=200),
                         end=datetime.date.today() - datetime.timedelta(days=61))
    numbers = list(SelfBilledInvoice.objects.filter(member=world.contributor).order_by("pk")
                   .values_list("number", flat=True))
    assert numbers == [f"AUTO-{world.contributor.pk:05d}-0001", f"AUTO-{world.contributor.pk:05d}-0002"]
    assert invoicing.invoices_issue_for_run(run=other) == []  # issuing again: nothing new
    # The copilot has no mandate: no invoice in their name.
    assert not SelfBilledInvoice.objects.filter(member=world.copilot).exists()


def test_a_mandate_needs_a_siret_and_franchise_and_only_its_owner_signs_it(world):
    with pytest.raises(ValidationError) as error:
        mandates.mandate_accept(member=world.copilot, actor=world.copilot.user)
    assert any("SIRET" in m for m in error.value.messages)
    with_iban(world.copilot, "", siret=SIRET, vat_status="franchise")
    with pytest.raises(ValidationError, match="elle-même"):
        mandates.mandate_accept(member=world.copilot, actor=world.treasurer.user)
    mandate = mandates.mandate_accept(member=world.copilot, actor=world.copilot.user)
    assert "289 I-2" in mandate.terms and mandate.contest_days == 15


def test_a_mandate_revoked_before_the_next_run_falls_back_to_an_invoice_request(world, issued):
    mandates.mandate_revoke(mandate=issued.mandate, actor=world.contributor.user)
    run = approved_run(world, hours=(("contributor", "2.00"),),
                       start=datetime.date.today() - datetime.timedelta(days=200),
                       end=datetime.date.today() - datetime.timedelta(days=61))
    assert not SelfBilledInvoice.objects.filter(line__run=run).exists()
    document = documents.statement_request(author=world.treasurer.user, run=run,
                                           member=world.contributor, invoice=True)
    assert document.invoice_number.startswith("AF-")


def test_contest_within_the_period_gives_a_credit_note_and_a_corrected_invoice(world, issued, client_for):
    client = client_for(world.contributor)
    response = client.post(reverse("retributions:invoice_contest", args=[issued.pk]),
                           {"reason": "Mon adresse a changé."})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == SelfBilledInvoice.Status.CANCELLED
    credit = SelfBilledInvoice.objects.get(corrects=issued, kind="credit_note")
    corrected = SelfBilledInvoice.objects.get(corrects=issued, kind="invoice")
    assert [credit.number[-4:], corrected.number[-4:]] == ["0002", "0003"]
    assert credit.amount == corrected.amount == issued.amount
    xml = invoicing.facturx_xml(credit)
    assert b"<ram:TypeCode>261</ram:TypeCode>" in xml and issued.number.encode() in xml


def test_contesting_after_the_period_is_refused_in_french(world, issued):
    with time_machine.travel(issued.contest_until + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError, match="délai de contestation est passé"):
            invoicing.invoice_contest(invoice=issued, actor=world.contributor.user, reason="Trop tard")
    assert SelfBilledInvoice.objects.count() == 1


def test_the_member_downloads_their_invoice_from_mes_retributions_and_others_get_404(world, issued, client_for):
    page = client_for(world.contributor).get(reverse("retributions:my_retributions")).content.decode()
    assert issued.number in page and reverse("retributions:invoice_download", args=[issued.pk]) in page
    url = reverse("retributions:invoice_download", args=[issued.pk])
    response = client_for(world.contributor).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(world.treasurer).get(url).status_code == 200
    assert client_for(world.coordinator).get(url).status_code == 200
    assert client_for(world.pilot).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404
    contest = reverse("retributions:invoice_contest", args=[issued.pk])
    assert client_for(world.treasurer).post(contest, {"reason": "x"}).status_code == 403
