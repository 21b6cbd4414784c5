"""The rows of "my contributions", written by ``{% contribution_rows %}``, are the markup the
generic django-tables2 rendering wrote — checkboxes on drafts only, badges, rejection comments,
edit links except on retributed rows, long descriptions cut, names escaped — in French and
English, sorted by each column, on the first and a later page; and the page runs the same
queries as before."""
import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_tables2 import RequestConfig

from contributions.models import Contribution
from contributions.tables import ContributionTable

from .. import factories

pytestmark = pytest.mark.django_db
STOCK = "tables/table.html"  # what the page rendered before (its rows: {% table_row_cells %})
SORTS = ["", "date", "-date", "project", "-project", "envelope", "-envelope", "kind", "-kind",
         "hours", "-hours", "status", "-status"]


@pytest.fixture
def rows(world):
    other = factories.envelope(world.other_project, name='Café <&> "bar"')
    day = datetime.date(2026, 3, 2)
    add = factories.contribution
    add(world.contributor, world.envelope, date=day, description="Ligne <b>")
    add(world.contributor, world.envelope, date=day, status="submitted", kind="creative",
        hours=Decimal("1.25"), description="x" * 70)
    add(world.contributor, other, date=day + datetime.timedelta(days=3), status="validated",
        kind="meeting", hours=Decimal("7.50"), description="é" * 71)
    add(world.contributor, other, status="rejected", rejection_comment="Trop <long> & 'flou'",
        kind="support", hours=Decimal("8.00"), description="Réunion « café » " * 8)
    add(world.contributor, world.envelope, status="submitted", kind="coordination",
        description="Soumise")
    add(world.contributor, world.envelope, status="retributed", date=day,
        description="Payée")
    add(world.contributor, other, status="draft", hours=Decimal("0.25"), description="Dernière")
    add(world.pilot, world.envelope, description="Pas la mienne")  # never shown


def table_html(rf, member, template_name, query):
    # Both querysets join the same tables, so the database orders ties alike.
    request = rf.get("/", query)
    request.user = member.user
    table = ContributionTable(Contribution.objects.filter(member=member)
                              .select_related("project", "envelope"),
                              template_name=template_name)
    RequestConfig(request, paginate={"per_page": 3}).configure(table)
    return table.as_html(request)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("page", ["1", "3"])
def test_rows_are_the_stock_rendering(world, rf, rows, language, sort, page):
    query = {"page": page, **({"sort": sort} if sort else {})}
    with translation.override(language):
        ours = table_html(rf, world.contributor, None, query)
        stock = table_html(rf, world.contributor, STOCK, query)
    assert ours == stock
    assert ("Status" if language == "en" else "Statut") in ours
    assert ours.count("<tr ") == (3 if page == "1" else 1)


def test_every_kind_of_row_is_written_as_before(world, rf, rows):
    with translation.override("fr"):
        ours = table_html(rf, world.contributor, None, {"per_page": "50"})
        assert ours == table_html(rf, world.contributor, STOCK, {"per_page": "50"})
    assert ours.count('name="ids"') == 2  # drafts only
    assert ours.count(">Modifier</a>") == 6  # not the retributed row
    assert "Ligne &lt;b&gt;" in ours and "Café &lt;&amp;&gt; &quot;bar&quot;" in ours
    assert '<small class="rejection">Trop &lt;long&gt; &amp; &#x27;flou&#x27;</small>' in ours
    assert "é" * 69 + "…" in ours and "x" * 70 + "</a>" in ours
    assert "Pas la mienne" not in ours


def test_an_empty_table_says_so(world, rf):
    with translation.override("en"):
        ours = table_html(rf, world.contributor, None, {})
        assert ours == table_html(rf, world.contributor, STOCK, {})
    assert "No contribution matches these filters." in ours


def page_and_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        # By date (ties broken by id): the other columns leave the order of ties to the
        # database, which may differ between two queries joining different tables.
        response = client.get(reverse("contributions:mine"), {"sort": "date"})
    assert response.status_code == 200
    html = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.content.decode())
    return html, len(ctx.captured_queries)


def test_the_page_is_unchanged_and_runs_the_same_queries(world, client_for, rows, monkeypatch):
    client = client_for(world.contributor)
    client.get(reverse("contributions:mine"))  # warm-up
    ours, ours_queries = page_and_queries(client)
    monkeypatch.setattr(ContributionTable._meta, "template_name", STOCK)
    stock, stock_queries = page_and_queries(client)
    assert ours == stock
    assert ours_queries == stock_queries
