"""The network overview's body rows, written by ``{% overview_rows %}`` from the records, are
the markup django-tables2 wrote cell by cell from ``OverviewTable``'s render methods — in
French and in English, on a first and a later page, sorted, with names to escape, alerts,
overruns and an empty table. (The page's query count, 2 vs 200 projects, is
test_views.test_overview_runs_the_same_queries_with_2_and_200_projects.)"""
from decimal import Decimal

import pytest
from django.template import loader
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from projects import selectors
from projects.models import AdjustmentRequest, Project
from projects.tables import OverviewTable
from tests import factories

pytestmark = pytest.mark.django_db

STOCK = "tables/table.html"  # the app's django-tables2 template, rows included


def render(template: str, query: dict, per_page: int = 3, projects=None, empty_text=None) -> str:
    request = RequestFactory().get("/projets/reseau/", query)
    table = OverviewTable(selectors.network_overview(projects or Project.objects.all()),
                          request=request, empty_text=empty_text)
    table.order_by = query.get("sort")
    table.paginate(page=query.get("page", 1), per_page=per_page)
    return loader.get_template(template).render({"table": table, "request": request}, request)


@pytest.fixture
def varied(world):
    # A name and a field to escape, a project without funding, envelopes beyond the budget,
    # an overrun by validated work, a pending adjustment, fractional hours, other phases.
    odd = factories.project(name="O'Brien & <b>Fils</b>", budget="1234.56",
                            field=factories.field(name="Champ « A & B »"),
                            phase=Project.Phase.EMERGENCE)
    envelope = factories.envelope(odd, amount="2000.00")
    factories.role(odd, world.contributor)
    factories.contribution(world.contributor, envelope, hours=Decimal("7.25"), status="validated")
    factories.project(name="Sans budget", budget="", phase=Project.Phase.CLOSED)
    AdjustmentRequest.objects.create(envelope=world.envelope, requested_by=world.contributor,
                                     delta=Decimal("10"), work_estimate="x", reason="y")
    over = factories.project(name="Dépassé", budget="500.00")
    factories.role(over, world.contributor)
    tiny = factories.envelope(over, amount="100.00")
    factories.contribution(world.contributor, tiny, hours=Decimal("8"), status="validated")
    for i in range(4):
        factories.project(name=f"Projet {i}", budget=f"{i * 1000 + 0.5}")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("query", [{}, {"page": 2}, {"page": 3}, {"sort": "-budget"},
                                   {"sort": "validated_hours", "page": 2}, {"sort": "-name"},
                                   {"sort": "allocated"}, {"sort": "-distributed"}])
def test_overview_rows_are_django_tables2s_cells(world, varied, language, query):
    with translation.override(language):
        stock = render(STOCK, query)
        lean = render("projects/overview_table.html", query)
    assert "<tbody" in lean and "<tr" in lean.split("<tbody")[1]
    assert lean == stock


@pytest.mark.parametrize("empty_text", [None, "Aucun projet <ici>"])
def test_an_empty_overview_is_the_same_too(world, empty_text):
    none = Project.objects.filter(name="personne")
    assert (render("projects/overview_table.html", {}, projects=none, empty_text=empty_text)
            == render(STOCK, {}, projects=none, empty_text=empty_text))


def test_the_page_uses_the_lean_rows(world, client_for):
    response = client_for(world.treasurer).get(reverse("projects:overview"))
    assert "projects/overview_table.html" in [t.name for t in response.templates]


def test_the_compared_rows_show_every_kind_of_cell(world, varied):
    """The comparison above covers escaping, every alert and both bar states."""
    with translation.override("fr"):
        lean = render("projects/overview_table.html", {}, per_page=20)
        assert lean == render(STOCK, {}, per_page=20)
    for text in ("O&#x27;Brien &amp; &lt;b&gt;Fils&lt;/b&gt;", "Champ « A &amp; B »",
                 "Aucun financement", "Enveloppes au-delà du budget", "enveloppe dépassée",
                 "demande d&#x27;ajustement", 'class="bar over"', "7,25\u00a0h", "Émergence",
                 '<span class="muted">—</span>'):
        assert text in lean, text
