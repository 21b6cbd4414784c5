"""The treasurer's desk: documents, the year's totals, the network-wide exports."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contribbudget.models import Preference
from retributions.models import Document
from retributions.services.documents import funder_report_request
from tests import factories
from tests.exports_support import download, xlsx_rows

from ._documents_helpers import approved_run

pytestmark = pytest.mark.django_db
D = datetime.date
DESK = "/retributions/tresorerie/"


@pytest.fixture
def year(world):
    w = world
    volunteer = factories.member("Véra", preference=Preference.VOLUNTEER)
    factories.contribution(volunteer, w.envelope, hours=Decimal("7.00"), status="validated",
                           date=D(2026, 2, 1), description='<b>gras</b>')
    factories.contribution(w.pilot, w.envelope, hours=Decimal("3.50"), status="validated",
                           date=D(2026, 2, 2), salaried=True)
    factories.contribution(w.contributor, w.envelope, hours=Decimal("2.00"), status="validated",
                           date=D(2026, 2, 3))
    approved_run(w.envelope, w.coordinator.user, [
        {"member": w.contributor, "hours": "2.00", "money": "80.00", "paid_on": D(2026, 4, 1)},
        {"member": w.pilot, "hours": "3.50", "money": "140.00"},
    ])
    return w


def test_desk_shows_the_years_totals(year, client_for):
    page = client_for(year.treasurer).get(DESK + "?annee=2026").content.decode().replace("\u00a0", " ")
    assert "28 000,00 €" in page  # both projects' fundings run in 2026
    assert 'data-testid="desk-distributed">220,00 €' in page
    assert 'data-testid="desk-paid">80,00 €' in page
    assert 'data-testid="desk-to-pay">140,00 €' in page
    # In kind: 7 h volunteer + 3.5 h salaried at 280 €/7 h = 420 €.
    assert 'data-testid="desk-in-kind">420,00 €' in page


def test_desk_keeps_the_years_totals_a_few_minutes_and_says_when(year, client_for):
    client = client_for(year.treasurer)
    with CaptureQueriesContext(connection) as first:
        page = client.get(DESK + "?annee=2026").content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get(DESK + "?annee=2026").content.decode()
    assert len(second) < len(first)  # the year's scan is not redone
    assert 'data-testid="desk-computed-at">Totaux calculés le' in page
    assert again.count("Recalculer") == page.count("Recalculer") == 1


def test_desk_totals_follow_a_payment_at_once(year, client_for, django_capture_on_commit_callbacks):
    from retributions.models import RetributionLine
    from retributions.services.payments import payments_mark_paid

    client = client_for(year.treasurer)
    assert 'data-testid="desk-paid">80,00 €' in client.get(DESK + "?annee=2026").content.decode().replace("\u00a0", " ")
    unpaid = RetributionLine.objects.get(paid_on__isnull=True)
    with django_capture_on_commit_callbacks(execute=True):
        payments_mark_paid(actor=year.treasurer.user, line_ids=[unpaid.pk],
                           paid_on=datetime.date(2026, 5, 1), reference="VIR-42")
    page = client.get(DESK + "?annee=2026").content.decode().replace("\u00a0", " ")
    assert 'data-testid="desk-paid">220,00 €' in page
    assert 'data-testid="desk-to-pay">0,00 €' in page


def test_desk_is_for_treasurers_and_coordinators(world, client_for):
    assert client_for(world.treasurer).get(DESK).status_code == 200
    assert client_for(world.coordinator).get(DESK).status_code == 200
    for member in (world.pilot, world.contributor, world.outsider):
        assert client_for(member).get(DESK).status_code == 403
    bad = client_for(world.treasurer).get(DESK + "?annee=abc")
    assert bad.status_code == 400 and "hors limites" in bad.content.decode()


def test_desk_lists_documents_with_status_version_author(world, client_for):
    funder_report_request(author=world.treasurer.user, project=world.project)
    funder_report_request(author=world.pilot.user, project=world.project)
    page = client_for(world.treasurer).get(DESK).content.decode()
    assert "v1" in page and "v2" in page
    assert world.pilot.full_name in page and "En file d&#x27;attente" in page


def test_desk_queries_do_not_grow_with_documents(world, client_for):
    client = client_for(world.treasurer)
    funder_report_request(author=world.treasurer.user, project=world.project)
    client.get(DESK)  # the project lists are cached fragments: count with them warm
    with CaptureQueriesContext(connection) as small:
        client.get(DESK + "?recalculer=1")
    for _ in range(20):
        funder_report_request(author=world.pilot.user, project=world.other_project)
    with CaptureQueriesContext(connection) as large:
        client.get(DESK + "?recalculer=1")
    assert len(large) == len(small)
    assert Document.objects.count() == 21


def _xlsx(client, url, params):
    return xlsx_rows(download(client, url, params))


def test_contributions_export_applies_filters_with_typed_cells(year, client_for):
    client = client_for(year.treasurer)
    url = reverse("retributions:desk_export", args=["contributions"])
    rows = _xlsx(client, url, {"format": "xlsx", "project": year.project.slug,
                               "date_from": "2026-02-02", "date_to": "2026-02-28"})
    assert rows[0][:3] == ["Date", "Membre", "Lieu d'attache"]
    assert len(rows) == 3  # 2 Feb and 3 Feb
    assert isinstance(rows[1][0], datetime.datetime) and rows[1][6] == 3.5
    assert rows[1][10] == 140  # 3.5 h at 280 €/7 h
    csv = download(client, url, {"format": "csv"}).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Date;Membre;")
    assert "<b>gras</b>" in csv and "3,50" in csv


def test_contributions_export_refuses_a_reversed_period(year, client_for):
    response = client_for(year.treasurer).get(
        reverse("retributions:desk_export", args=["contributions"]),
        {"format": "csv", "date_from": "2026-03-01", "date_to": "2026-02-01"})
    assert response.status_code == 400
    assert "La fin de la période précède son début." in response.content.decode()


def test_envelope_lines_and_payments_exports(year, client_for):
    client = client_for(year.treasurer)
    envelopes = _xlsx(client, reverse("retributions:desk_export", args=["envelopes"]),
                      {"format": "xlsx", "project": year.project.slug})
    assert envelopes[1][:2] == ["Légumerie", "Production"]
    assert envelopes[1][5] == 10000 and envelopes[1][8] == 220
    lines = _xlsx(client, reverse("retributions:desk_export", args=["lines"]),
                  {"format": "xlsx", "annee": "2026"})
    assert len(lines) == 3
    payments = _xlsx(client, reverse("retributions:desk_export", args=["payments"]),
                     {"format": "xlsx", "annee": "2026"})
    assert len(payments) == 2 and payments[1][9] == 80
    assert isinstance(payments[1][10], datetime.datetime)


def test_exports_are_for_finance_people_only(year, client_for):
    url = reverse("retributions:desk_export", args=["contributions"])
    assert client_for(year.pilot).get(url).status_code == 403
    assert client_for(year.treasurer).get(url, {"format": "pdf"}).status_code == 404
    assert client_for(year.treasurer).get(
        reverse("retributions:desk_export", args=["lines"]), {"project": "inconnu"}).status_code == 400


def test_desk_project_lists_show_a_renamed_or_new_project_at_once(world, client_for):
    client = client_for(world.treasurer)
    assert "Légumerie" in client.get(DESK).content.decode()
    world.project.name = "Conserverie"
    world.project.save()
    factories.project(name="Brasserie", slug="brasserie")
    page = client.get(DESK).content.decode()
    assert "Légumerie" not in page
    assert page.count("Conserverie") == 2 and page.count("Brasserie") == 2
