""""My contributions" counts the member's rows once a page: the summary line ("30
contributions · …") and the table's pages come from the same count, for every filter, and a
page number past the end or not a number shows the last or first page rather than an error."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty(world):
    day = factories.contribution(world.contributor, world.envelope).date
    for _ in range(29):
        factories.contribution(world.contributor, world.envelope, date=day)
    factories.contribution(world.pilot, world.envelope, date=day)  # not theirs: never counted


def counts(response_sql):
    return [q["sql"] for q in response_sql if "COUNT(" in q["sql"]]


def test_the_rows_are_counted_once_and_the_pages_follow_the_count(world, client_for, thirty):
    client = client_for(world.contributor)
    client.get(reverse("contributions:mine"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("contributions:mine"))
    page = response.content.decode()
    assert len(counts(ctx.captured_queries)) == 1
    assert "30 contributions" in page
    assert 'href="?page=2"' in page and 'href="?page=3"' not in page  # 25 + 5
    assert page.count('name="ids"') == 25


@pytest.mark.parametrize("page, rows", [("2", 5), ("999", 5), ("abc", 25), ("-1", 25)])
def test_any_page_number_shows_a_page(world, client_for, thirty, page, rows):
    response = client_for(world.contributor).get(reverse("contributions:mine"), {"page": page})
    assert response.status_code == 200
    assert response.content.decode().count('name="ids"') == rows


def test_a_filter_narrows_the_summary_and_the_pages_alike(world, client_for, thirty):
    factories.contribution(world.contributor, world.envelope, kind="meeting",
                           description="Réunion")
    response = client_for(world.contributor).get(reverse("contributions:mine"),
                                                 {"kind": "meeting"})
    page = response.content.decode()
    assert "1 contribution ·" in page
    assert page.count('name="ids"') == 1 and 'href="?kind=meeting&amp;page=2"' not in page
