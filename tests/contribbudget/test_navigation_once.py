"""The navigation (which menus a person sees) is looked up once a request, even on pages that
render further templates with the request (tables, fragments), and still shows a pilot their
menu."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who, url", [("contributor", "contributions:mine"),
                                      ("pilot", "contributions:mine"),
                                      ("treasurer", "retributions:payments")])
def test_a_table_page_runs_no_query_twice(world, client_for, who, url):
    client = client_for(getattr(world, who))
    client.get(reverse(url))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(url))
    assert response.status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    repeated = {text for text in sql if sql.count(text) > 1}
    assert not repeated  # the pilot-menu lookup, among others, ran twice before


def test_the_pilot_still_sees_the_validation_menu(world, client_for):
    page = client_for(world.pilot).get(reverse("contributions:mine")).content.decode()
    assert reverse("contributions:validation") in page
    page = client_for(world.contributor).get(reverse("contributions:mine")).content.decode()
    assert reverse("contributions:validation") not in page
