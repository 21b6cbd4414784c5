"""On "my contributions", rows with equal values in the sorted column keep one order from
page to page: paging through any sort shows every contribution exactly once (each sort ends
on the id)."""
import re

import pytest
from django.urls import reverse

from .. import factories

pytestmark = pytest.mark.django_db
SORTS = ["", "date", "-date", "project", "-project", "envelope", "-envelope", "kind", "-kind",
         "hours", "-hours", "status", "-status"]


@pytest.mark.parametrize("sort", SORTS)
def test_paging_through_any_sort_shows_each_contribution_once(world, client_for, sort):
    # 30 contributions equal in every sortable column but one (the date of 3): ties everywhere.
    day = factories.contribution(world.contributor, world.envelope).date
    made = [factories.contribution(world.contributor, world.envelope, date=day).pk
            for _ in range(27)]
    made += [factories.contribution(world.contributor, world.envelope,
                                    date=day.replace(day=1) if day.day > 1 else day).pk
             for _ in range(2)]
    made += [world.contributor.contributions.order_by("pk").first().pk]
    detail = re.compile(re.escape(reverse("contributions:detail", args=[987654321]))
                        .replace("987654321", r"(\d+)"))
    client = client_for(world.contributor)
    seen = []
    for page in (1, 2):
        response = client.get(reverse("contributions:mine"), {"sort": sort, "page": page})
        assert response.status_code == 200
        # A row links its id twice (details, edit): each page's ids, once each.
        seen += sorted({int(pk) for pk in detail.findall(response.content.decode())})
    assert sorted(seen) == sorted(set(made))  # 25 + 5: none twice, none missing


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_ends_on_the_id(world, rf, sort):
    """PostgreSQL gives ties no order of its own (a top-N sort for one page, another plan for
    the next), so the guarantee is the ORDER BY itself: it ends on the id."""
    from django_tables2 import RequestConfig

    from contributions.models import Contribution
    from contributions.tables import ContributionTable

    request = rf.get("/", {"sort": sort} if sort else {})
    request.user = world.contributor.user
    table = ContributionTable(Contribution.objects.filter(member=world.contributor))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    assert table.data.data.query.order_by[-1] in ("pk", "-pk")
