"""Contributor statements: the line printed as in the database, the numbered invoice request
("appel à facture"), and clear refusals."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contribbudget.models import NetworkSettings
from contributions.models import Contribution
from retributions.models import Document, RetributionLine
from retributions.services.documents import document_render, statement_request
from tests import factories

from ._documents_helpers import approved_run, fr_hours, fr_money, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def run(world):
    w = world
    w.contributor.siret = "12345678901234"
    w.contributor.address = "3 rue des Lilas\n37000 Tours"
    w.contributor.save()
    run = approved_run(w.envelope, w.coordinator.user, [
        {"member": w.contributor, "hours": "10.50", "money": "420.00", "paid_on": D(2026, 4, 2),
         "payment_reference": "VIR-0402"},
        {"member": w.pilot, "hours": "3.00", "money": "120.00", "payee": RetributionLine.Payee.PLACE,
         "payee_place": factories.place(name="Tiers-lieu du Moulin", siret="98765432109876")},
        {"member": w.copilot, "hours": "2.00", "money": "80.00"},
    ])
    for hours, description in (("7.00", '<img src="http://example.org/x.png">'),
                               ("3.00", "<script>x()</script>"), ("0.50", "Compte rendu")):
        factories.contribution(w.contributor, w.envelope, hours=Decimal(hours), status="retributed",
                               retributed_in=run, date=D(2026, 2, 10), description=description)
    return run


def render(document: Document) -> bytes:
    document = document_render(document.pk)
    assert document.status == Document.Status.READY, document.error
    with document.file.open("rb") as f:
        return f.read()


def test_statement_prints_the_line_as_the_database_has_it(world, run):
    line = RetributionLine.objects.get(run=run, member=world.contributor)
    text = pdf_text(render(statement_request(author=world.treasurer.user, run=run,
                                             member=world.contributor)))
    assert world.contributor.full_name in text
    assert fr_money(line.money) in text and fr_hours(line.hours) in text
    assert "versée le 2 avril 2026" in text and "(VIR-0402)" in text
    assert "du 1 janvier 2026 au 31 mars 2026" in text
    assert "Appel à facture" not in text


def test_each_contribution_prints_its_date_type_description_and_hours_on_its_row(world, run):
    Contribution.objects.filter(retributed_in=run, description="Compte rendu").update(
        kind=Contribution.Kind.MEETING, salaried=True)
    text = pdf_text(render(statement_request(author=world.treasurer.user, run=run,
                                             member=world.contributor)))
    # One row: date, hours (right-aligned by figure spaces), type — description.
    assert "Date Heures Type — Description" in text
    assert "10/02/2026 0,5 h Réunion (temps salarié) — Compte rendu" in text
    assert "10/02/2026 3 h Production — <script>x()</script>" in text


def test_a_long_statement_prints_every_contribution_once_in_order_across_its_pages(world, run):
    """A statement of several pages (the rows break between pages in one table): each page
    repeats the column header, every contribution is printed once, in date order, with its
    own hours, and the total is the line's."""
    w = world
    for day in range(1, 91):
        factories.contribution(w.contributor, w.envelope, hours=Decimal("0.25") * (day % 9 + 1),
                               status="retributed", retributed_in=run,
                               date=D(2026, 1, 1) + datetime.timedelta(days=day % 80),
                               description=f"Atelier n° {day}")
    pages = pdf_pages(render(statement_request(author=w.treasurer.user, run=run,
                                               member=w.contributor)))
    assert len(pages) >= 3
    assert all("Date Heures Type — Description" in page for page in pages)
    text = "\n".join(pages)
    rows = [line for line in text.splitlines() if "Atelier n° " in line]
    assert len(rows) == 90
    expected = sorted(range(1, 91), key=lambda day: (day % 80, day))  # date, then creation
    for row, day in zip(rows, expected, strict=True):
        date = (D(2026, 1, 1) + datetime.timedelta(days=day % 80)).strftime("%d/%m/%Y")
        assert row == f"{date} {fr_hours(Decimal('0.25') * (day % 9 + 1))} Production — Atelier n° {day}"
    assert f"Total {fr_hours(RetributionLine.objects.get(run=run, member=w.contributor).hours)}" in text


def test_html_in_a_contribution_description_is_printed_as_text(world, run):
    text = pdf_text(render(statement_request(author=world.treasurer.user, run=run,
                                             member=world.contributor)))
    assert '<img src="http://example.org/x.png">' in text
    assert "<script>x()</script>" in text


def test_invoice_request_is_numbered_and_prefilled_with_the_payee(world, run):
    settings = NetworkSettings.load()
    settings.next_invoice_number = 41
    settings.save()
    document = statement_request(author=world.treasurer.user, run=run, member=world.contributor,
                                 invoice=True)
    assert document.invoice_number == "AF-000041"
    pdf = render(document)
    pages = pdf_pages(pdf)
    invoice = pages[-1]
    assert "Appel à facture n° AF-000041" in invoice
    assert "12345678901234" in invoice and "3 rue des Lilas" in invoice
    assert fr_money(Decimal("420.00")) in invoice
    assert f"page {len(pages)} / {len(pages)}" in invoice
    assert NetworkSettings.load().next_invoice_number == 42


def test_invoice_for_a_member_paid_through_a_place_names_the_place(world, run):
    document = statement_request(author=world.treasurer.user, run=run, member=world.pilot, invoice=True)
    invoice = pdf_pages(render(document))[-1]
    assert "Tiers-lieu du Moulin" in invoice and "98765432109876" in invoice
    assert f"pour {world.pilot.full_name}" in invoice


def test_invoice_numbers_are_sequential_and_never_reused(world, run):
    numbers = [statement_request(author=world.treasurer.user, run=run, member=m, invoice=True).invoice_number
               for m in (world.contributor, world.pilot, world.contributor)]
    assert numbers == ["AF-000001", "AF-000002", "AF-000003"]
    # A refused request allocates nothing.
    with pytest.raises(ValidationError):
        statement_request(author=world.treasurer.user, run=run, member=world.copilot, invoice=True)
    assert statement_request(author=world.treasurer.user, run=run, member=world.pilot,
                             invoice=True).invoice_number == "AF-000004"
    versions = list(Document.objects.filter(member=world.contributor).values_list("version", flat=True))
    assert sorted(versions) == [1, 2]


def test_a_member_without_payee_identity_gets_a_clear_message(world, run):
    with pytest.raises(ValidationError) as error:
        statement_request(author=world.treasurer.user, run=run, member=world.copilot, invoice=True)
    assert "n'a pas d'identité de facturation (SIRET personnel)" in error.value.message_dict["invoice"][0]
    assert not Document.objects.exists()
    assert NetworkSettings.load().next_invoice_number == 1


def test_a_member_without_a_share_in_the_run_is_refused(world, run):
    with pytest.raises(ValidationError) as error:
        statement_request(author=world.treasurer.user, run=run, member=world.outsider)
    assert "n'a pas de part dans ce calcul" in error.value.message_dict["member"][0]


def test_a_statement_without_detailed_contributions_says_so(world, run):
    Contribution.objects.filter(retributed_in=run).update(retributed_in=None, status="validated")
    text = pdf_text(render(statement_request(author=world.treasurer.user, run=run,
                                             member=world.copilot)))
    assert "Le détail des contributions n'est pas rattaché à ce calcul." in text
