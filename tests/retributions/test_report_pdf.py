"""The funder report rendered with WeasyPrint and read back: the totals printed are the
database's, the pages are numbered, user text is printed as text."""
import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.db.models import Sum

from contribbudget.models import Preference
from contributions.models import Contribution
from projects.models import Funding
from retributions.services import report_data
from retributions.services.documents import funder_report_html, render_pdf, static_url_fetcher
from tests import factories

from ._documents_helpers import approved_run, fr_hours, fr_money, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def activity(world):
    """Validated work by a paid contributor, a volunteer (no place) and salaried time, on
    two envelopes, plus an approved run half paid."""
    w = world
    volunteer = factories.member("Véra", preference=Preference.VOLUNTEER)
    support = factories.envelope(w.project, name="Support", amount="3000.00",
                                 kind="support_admin", daily_rate=Decimal("250.00"))
    c = factories.contribution
    c(w.contributor, w.envelope, date=D(2026, 2, 3), hours=Decimal("7.00"), status="validated")
    c(w.contributor, w.envelope, date=D(2026, 2, 4), hours=Decimal("3.50"), status="validated",
      kind=Contribution.Kind.MEETING)
    c(volunteer, w.envelope, date=D(2026, 2, 5), hours=Decimal("14.00"), status="validated")
    c(w.pilot, support, date=D(2026, 3, 1), hours=Decimal("7.00"), status="validated", salaried=True)
    c(w.pilot, support, date=D(2026, 3, 2), hours=Decimal("2.00"), status="submitted")  # not counted
    c(w.contributor, w.envelope, date=D(2025, 12, 1), hours=Decimal("5.00"), status="validated")
    approved_run(w.envelope, w.coordinator.user, [
        {"member": w.contributor, "hours": "10.50", "money": "420.00", "paid_on": D(2026, 4, 2)},
        {"member": w.pilot, "hours": "3.00", "money": "120.00"},
    ])
    return w


def render(project, **kw) -> bytes:
    pdf, _pages = render_pdf(funder_report_html(project=project, **kw))
    return pdf


def test_printed_totals_equal_the_database_totals(activity):
    w = activity
    pdf = render(w.project, start=D(2026, 1, 1), end=D(2026, 12, 31))
    text = pdf_text(pdf)

    counted = Contribution.objects.filter(project=w.project, status__in=["validated", "retributed"],
                                          date__gte=D(2026, 1, 1), date__lte=D(2026, 12, 31))
    hours = counted.aggregate(t=Sum("hours"))["t"]
    assert hours == Decimal("31.50")
    assert fr_hours(hours) in text
    # Valued: 24.5 h at 280 €/7 h on Production + 7 h at 250 €/7 h on Support.
    assert fr_money(Decimal("980.00") + Decimal("250.00")) in text
    budget = Funding.objects.filter(project=w.project).aggregate(t=Sum("amount"))["t"]
    assert f"Budget {fr_money(budget)}" in text
    assert fr_money(Decimal("13000.00")) in text  # total of the envelopes
    assert fr_money(Decimal("540.00")) in text  # distributed by the approved run
    assert fr_money(Decimal("420.00")) in text  # paid
    # In-kind: bénévolat 14 h = 560 €, mise à disposition 7 h = 250 €, total 810 €.
    assert "Contributions volontaires en nature (comptes 86/87)" in text
    assert f"Bénévolat (864 / 870) 14 h {fr_money(Decimal('560.00'))}" in text
    assert f"Mises à disposition de personnel (861 / 871) 7 h {fr_money(Decimal('250.00'))}" in text
    assert fr_money(Decimal("810.00")) in text


def test_pages_are_numbered_page_n_of_m(activity):
    pdf = render(activity.project)
    pages = pdf_pages(pdf)
    assert len(pages) >= 1
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page


def test_dates_and_amounts_are_written_the_french_way(activity):
    text = pdf_text(render(activity.project, start=D(2026, 1, 1), end=D(2026, 11, 23)))
    assert "du 1 janvier 2026 au 23 novembre 2026" in text
    assert "20 000,00 €" in text


def test_html_in_a_description_is_printed_as_text_and_nothing_is_fetched(activity, monkeypatch):
    w = activity
    w.project.name = 'Légumerie <b>bio</b> <img src="http://example.org/x.png">'
    w.project.save()
    w.envelope.name = "<script>alert(1)</script>"
    w.envelope.save()
    fetched = []
    import retributions.services.documents as documents

    real = documents.static_url_fetcher

    def spy(url, *a, **kw):
        fetched.append(url)
        return real(url, *a, **kw)

    monkeypatch.setattr(documents, "static_url_fetcher", spy)
    text = pdf_text(render(w.project))
    assert 'Légumerie <b>bio</b> <img src="http://example.org/x.png">' in text
    assert "<script>alert(1)</script>" in text
    assert fetched == []


def test_the_fetcher_refuses_anything_outside_the_static_files(tmp_path):
    with pytest.raises(ValueError):
        static_url_fetcher("http://example.org/x.png")
    with pytest.raises(ValueError):
        static_url_fetcher("file:///etc/passwd")
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    with pytest.raises(ValueError):
        static_url_fetcher(secret.as_uri())
    with pytest.raises(ValueError):
        static_url_fetcher((settings.BASE_DIR / "static" / ".." / "manage.py").as_uri())
    app_css = (settings.BASE_DIR / "static" / "css" / "app.css").as_uri()
    assert static_url_fetcher(app_css).content_type == "text/css"


def test_an_external_image_in_raw_html_is_not_fetched(monkeypatch):
    """Even in raw HTML, WeasyPrint goes through the fetcher, which refuses the network."""
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("WeasyPrint tried the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    pdf, pages = render_pdf('<p>avant</p><img src="http://example.org/x.png"><p>après</p>')
    assert pages == 1
    assert "après" in pdf_text(pdf)


def test_a_period_without_data_says_so(world):
    text = pdf_text(render(world.project, start=D(2030, 1, 1), end=D(2030, 1, 31)))
    assert "Aucune contribution validée ni aucun calcul de rétribution approuvé sur cette période" in text


def test_one_funding_line_reports_its_funder_reference_and_amount(activity):
    w = activity
    grant = Funding.objects.create(project=w.project, funder="Fondation de France",
                                   reference="FDF-2026-17", amount=Decimal("5000.00"),
                                   start=D(2026, 2, 1), end=D(2026, 2, 28))
    text = pdf_text(render(w.project, funding=grant))
    assert "Fondation de France" in text and "FDF-2026-17" in text
    assert f"Budget {fr_money(Decimal('5000.00'))}" in text
    # The funding's eligible period is the report's: only February's 24.5 h.
    assert "du 1 février 2026 au 28 février 2026" in text
    assert fr_hours(Decimal("24.50")) in text


def test_anonymised_report_prints_no_names(activity):
    w = activity
    named = pdf_text(render(w.project))
    anonymous = pdf_text(render(w.project, named=False))
    assert w.contributor.full_name in named
    assert w.contributor.full_name not in anonymous
    assert "Contributeur·rice 1" in anonymous


def test_report_data_breakdowns_add_up_to_the_totals(activity):
    data = report_data.funder_report_data(report_data.scope_for(project=activity.project))
    assert sum(k["valued"] for k in data.by_kind) == data.totals["valued"]
    assert sum(p["valued"] for p in data.by_place) == data.totals["valued"]
    assert sum(e.period_valued for e in data.envelopes) == data.totals["valued"]
    assert sum(k["hours"] for k in data.by_kind) == data.totals["hours"] == Decimal("36.50")
    assert data.contributors_count == 3


def test_envelope_valuation_is_the_envelope_pages_figure_and_breakdowns_keep_every_cent(world):
    """Three members' 1 h each at 100 €/7 h: 14.2857… € each. Rounded once per envelope the
    envelope is worth 42.86 € (as on its page); the groups share those cents exactly."""
    from projects.models import Envelope
    from projects.selectors import envelopes_with_totals

    env = factories.envelope(world.project, name="Petits taux", daily_rate=Decimal("100.00"))
    for who in (world.contributor, world.pilot, factories.member("Zoé", preference="volunteer")):
        factories.contribution(who, env, hours=Decimal("1.00"), status="validated",
                               date=D(2026, 2, 1), kind="support" if who == world.pilot else "production")
    data = report_data.funder_report_data(report_data.scope_for(project=world.project))
    row = next(e for e in data.envelopes if e.pk == env.pk)
    page = envelopes_with_totals(Envelope.objects.filter(pk=env.pk)).get()
    assert row.period_valued == Decimal("42.86")
    assert page.validated_hours / page.hours_per_day * page.daily_rate > Decimal("42.857")
    assert sum(k["valued"] for k in data.by_kind) == data.totals["valued"] == Decimal("42.86")


def test_report_figures_take_the_same_number_of_queries_for_10_or_200_contributions(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            report_data.funder_report_data(report_data.scope_for(project=world.project))
        return len(queries)

    people = [factories.member(f"P{i}", home_place=factories.place()) for i in range(5)]
    for i in range(10):
        factories.contribution(people[i % 5], world.envelope, status="validated", date=D(2026, 2, 1))
    count()  # the first call creates the network's settings row
    small = count()
    more = [factories.member(f"Q{i}", home_place=factories.place()) for i in range(20)]
    for i in range(190):
        factories.contribution(more[i % 20], world.envelope, status="validated", date=D(2026, 2, 1),
                               kind=["production", "support", "meeting"][i % 3])
    assert count() == small <= 12
