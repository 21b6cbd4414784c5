"""The week grid's totals leave refused hours out, even when a cell mixes a refused row
with counted ones (issue 12, point 14): the grid agrees with the 24 h rule and the
dashboard."""
import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from .. import factories

pytestmark = pytest.mark.django_db
FRIDAY = datetime.datetime(2026, 11, 20, 18, 0)
MONDAY = datetime.date(2026, 11, 16)


@time_machine.travel(FRIDAY, tick=False)
def test_the_week_grid_totals_exclude_refused_hours(world, client_for):
    c = world.contributor
    factories.contribution(c, world.envelope, date=MONDAY, hours=Decimal("3"), status="validated")
    factories.contribution(c, world.envelope, date=MONDAY, hours=Decimal("5"), status="rejected",
                           rejection_comment="Doublon")
    other = factories.envelope(world.project, name="Support")
    factories.contribution(c, other, date=MONDAY, hours=Decimal("4"), status="rejected",
                           rejection_comment="Hors sujet")
    body = client_for(c).get(reverse("contributions:week") + "?week=2026-W47").content.decode()
    day_totals = re.findall(r'class="num ts-day-total"[^>]*>([^<]*)<', body)
    assert day_totals[0].replace("\u00a0", " ") == "3 h"
    week_total = re.search(r'data-testid="week-total">([^<]*)<', body).group(1)
    assert week_total.replace("\u00a0", " ") == "3 h"
    row_totals = [t.replace("\u00a0", " ") for t in
                  re.findall(r'class="num ts-row-total"[^>]*>([^<]*)<', body)]
    assert "8 h" not in row_totals and "4 h" not in row_totals
