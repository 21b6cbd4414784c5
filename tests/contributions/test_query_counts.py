"""The table, dashboard and validation pages run the same number of SQL queries with 10
and with 1,000 contributions."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contributions.models import Contribution

from .. import factories

pytestmark = pytest.mark.django_db


def make_rows(world, n, status):
    grain = factories.grain(world.contributor, world.envelope) if not world.contributor.grains.exists() else None
    start = datetime.date(2026, 1, 5)
    Contribution.objects.bulk_create([
        Contribution(member=world.contributor, project=world.project, envelope=world.envelope,
                     date=start + datetime.timedelta(days=i % 300), hours=Decimal("0.25"),
                     kind="coordination" if i % 3 else "production", description=f"Ligne {i}",
                     status=status, grain=grain if i % 3 else None,
                     invited_by=None)
        for i in range(n)])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name,who,status", [
    ("contributions:mine", "contributor", "draft"),
    ("contributions:dashboard", "contributor", "validated"),
    ("contributions:validation", "pilot", "submitted"),
    ("contributions:week", "contributor", "draft"),
])
def test_page_queries_do_not_grow_with_rows(world, client_for, name, who, status):
    client = client_for(getattr(world, who))
    url = reverse(name)
    make_rows(world, 10, status)
    client.get(url)  # warm-up: the network settings row is created on first read
    small = count_queries(client, url)
    make_rows(world, 990, status)
    large = count_queries(client, url)
    assert small == large
    assert large <= 20
