"""Entries for the books: the FEC and the Paheko CSV parsed back, every entry balances, their
totals equal the year's approved runs, payments and in-kind valuation; an empty year gives an
empty but valid file, said so; the command writes the FEC under its legal name in a folder."""
import csv
import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from contribbudget.models import NetworkSettings, Preference
from contributions.models import Contribution
from retributions.models import RetributionLine
from retributions.services import accounting, payments
from retributions.services.report_data import year_totals
from tests import factories

from .runs_support import validated
from .treasury_support import approved_run, bank_network

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year


@pytest.fixture
def books(world):
    bank_network()
    world.copilot.preference = Preference.MONEY_PLACE
    world.copilot.home_place = world.contributor.home_place
    world.copilot.save()
    world.contributor.siret = "73282932000074"
    world.contributor.save()
    volunteer = factories.member("Vera", preference="volunteer")
    factories.role(world.project, volunteer)
    world.envelope.daily_rate = Decimal("280.00")
    world.envelope.save()
    validated(volunteer, world.envelope, "7.00")
    validated(world.pilot, world.envelope, "3.50", salaried=True)
    run = approved_run(world)
    line = RetributionLine.objects.get(run=run, member=world.contributor)
    payments.payments_mark_paid(actor=world.treasurer.user, line_ids=[line.pk],
                                paid_on=datetime.date.today(), reference="VIR-1")
    return run


def _fr(value: str) -> Decimal:
    return Decimal(value.replace(",", "."))


def test_fec_has_its_18_fields_every_entry_balances_and_totals_match_the_year(world, books):
    name, _type, content = accounting.fec_export(YEAR)
    assert name == f"732829320FEC{YEAR}1231.txt"
    rows = list(csv.reader(io.StringIO(content.decode()), delimiter="\t"))
    assert rows[0] == accounting.FEC_FIELDS and len(rows[0]) == 18
    rows = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    by_entry = defaultdict(lambda: [Decimal(0), Decimal(0)])
    by_journal_account = defaultdict(Decimal)
    for r in rows:
        by_entry[r["EcritureNum"]][0] += _fr(r["Debit"])
        by_entry[r["EcritureNum"]][1] += _fr(r["Credit"])
        by_journal_account[(r["JournalCode"], r["CompteNum"])] += _fr(r["Debit"])
        datetime.datetime.strptime(r["EcritureDate"], "%Y%m%d")
    assert all(d == c for d, c in by_entry.values())
    totals = year_totals(YEAR)
    charges = sum(v for (j, a), v in by_journal_account.items() if j == "HA")
    assert charges == totals["distributed"] == books.distributed
    # Charges by payee kind: the freelancer (SIRET) on 6226, the place on 611.
    assert by_journal_account[("HA", "6226")] == RetributionLine.objects.get(run=books, member=world.contributor).money
    assert by_journal_account[("HA", "611")] == RetributionLine.objects.get(run=books, member=world.copilot).money
    assert by_journal_account[("BQ", "401")] == RetributionLine.objects.filter(paid_on__year=YEAR).get().money
    assert by_journal_account[("CV", "864")] == totals["in_kind"]["volunteer"]["valued"] > 0
    assert by_journal_account[("CV", "862")] == totals["in_kind"]["salaried"]["valued"] > 0


def test_paheko_csv_parses_back_with_its_columns_and_balanced_rows(world, books):
    name, _type, content = accounting.paheko_export(YEAR)
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert list(rows[0]) == accounting.PAHEKO_COLUMNS
    assert {r["Projet analytique"] for r in rows} == {"LEGUMERIE"}
    by_debit = defaultdict(Decimal)
    for r in rows:
        assert r["Compte de débit"] and r["Compte de crédit"] and _fr(r["Montant"]) > 0
        by_debit[r["Compte de débit"]] += _fr(r["Montant"])
        datetime.datetime.strptime(r["Date"], "%d/%m/%Y")
    totals = year_totals(YEAR)
    assert by_debit["6226"] + by_debit["611"] == totals["distributed"]
    assert by_debit["864"] + by_debit["862"] == totals["in_kind"]["total"]["valued"]
    assert by_debit["401"] == RetributionLine.objects.filter(paid_on__year=YEAR).get().money


def test_the_account_mapping_comes_from_the_network_settings(world, books):
    network = NetworkSettings.load()
    network.account_mapping = {"charge_freelancer": "6228"}
    network.save()
    content = accounting.fec_export(YEAR)[2].decode()
    assert "\t6228\t" in content and "\t6226\t" not in content


def test_an_empty_year_gives_a_valid_file_with_headers_only_and_says_so(world, tmp_path, client_for):
    out = io.StringIO()
    call_command("accounting_export", "--format", "fec", "--year", "2001", "--out", str(tmp_path),
                 stdout=out)
    path = tmp_path / "000000000FEC20011231.txt"
    assert path.read_text().splitlines() == ["\t".join(accounting.FEC_FIELDS)]
    assert "Aucune écriture en 2001" in out.getvalue()
    response = client_for(world.treasurer).get(reverse("retributions:books_export"),
                                               {"format": "paheko", "annee": "2001"})
    assert response.status_code == 200
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [accounting.PAHEKO_COLUMNS]


def test_the_command_writes_the_fec_under_its_legal_name_and_paheko_to_a_file(world, books, tmp_path):
    out = io.StringIO()
    call_command("accounting_export", "--format", "fec", "--year", str(YEAR), "--out",
                 str(tmp_path), stdout=out)
    assert (tmp_path / f"732829320FEC{YEAR}1231.txt").exists()
    target = tmp_path / "paheko.csv"
    call_command("accounting_export", "--format", "paheko", "--year", str(YEAR), "--out",
                 str(target), stdout=out)
    assert target.read_text().startswith("Numéro d'écriture,")
    assert Contribution.objects.exists()
