"""The week timesheet: fill a week, submit it, totals per day and row, errors kept."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from contributions.models import Contribution

from .. import factories

pytestmark = pytest.mark.django_db
WEEK = reverse("contributions:week")
# A Friday: Monday to Friday of that week are in the past or today.
FRIDAY = datetime.datetime(2026, 11, 20, 18, 0)


def week_post(world, cells, **extra):
    data = {"week": "2026-W47", "rows": "1", "r0-envelope": world.envelope.pk,
            "r0-kind": "production", "r0-description": "Chantier légumerie"}
    data.update({f"r0-d{j}": v for j, v in cells.items()})
    data.update(extra)
    return data


@time_machine.travel(FRIDAY, tick=False)
def test_fill_and_submit_a_week(world, client_for):
    client = client_for(world.contributor)
    response = client.post(WEEK, week_post(world, {0: "2", 1: "1h30", 3: "3,25"}, action="submit"))
    assert response.status_code == 302 and "week=2026-W47" in response["Location"]
    rows = Contribution.objects.order_by("date")
    assert [(r.date.day, r.hours, r.status) for r in rows] == [
        (16, Decimal("2.00"), "submitted"), (17, Decimal("1.50"), "submitted"),
        (19, Decimal("3.25"), "submitted")]
    body = client.get(response["Location"]).content.decode()
    assert "6,75\u00a0h" in body  # week total
    assert "Soumise" in body


@time_machine.travel(FRIDAY, tick=False)
def test_save_as_draft_then_change_and_clear_cells(world, client_for):
    client = client_for(world.contributor)
    client.post(WEEK, week_post(world, {0: "2", 1: "1"}, action="save"))
    assert Contribution.objects.filter(status="draft").count() == 2
    client.post(WEEK, week_post(world, {0: "4", 1: ""}, action="save"))
    assert [(c.date.day, c.hours) for c in Contribution.objects.all()] == [(16, Decimal("4.00"))]


@time_machine.travel(FRIDAY, tick=False)
def test_a_bad_cell_writes_nothing_and_keeps_what_was_typed(world, client_for):
    client = client_for(world.contributor)
    response = client.post(WEEK, week_post(world, {0: "2", 1: "1h10", 2: "25"}, action="submit"))
    body = response.content.decode()
    assert response.status_code == 422
    assert "au quart d&#x27;heure" in body and "24" in body
    assert 'value="1h10"' in body and 'value="2"' in body
    assert not Contribution.objects.exists()


@time_machine.travel(FRIDAY, tick=False)
def test_the_day_limit_counts_other_rows_of_the_same_day(world, client_for):
    factories.contribution(world.contributor, world.envelope, date=datetime.date(2026, 11, 16),
                           hours=Decimal("20"), kind="meeting", status="submitted")
    response = client_for(world.contributor).post(WEEK, week_post(world, {0: "6"}))
    assert "dépasserait 24" in response.content.decode()
    assert Contribution.objects.count() == 1


@time_machine.travel(FRIDAY, tick=False)
def test_future_days_are_not_inputs(world, client_for):
    body = client_for(world.contributor).get(WEEK, {"week": "2026-W47"}).content.decode()
    assert 'name="r0-d4"' in body and 'name="r0-d5"' not in body  # Friday yes, Saturday no


@time_machine.travel(FRIDAY, tick=False)
def test_week_navigation_by_week_or_date(world, client_for):
    client = client_for(world.contributor)
    assert "16 novembre 2026" in client.get(WEEK, {"date": "2026-11-18"}).content.decode()
    body = client.get(WEEK, {"week": "2026-W46"}).content.decode()
    assert "9 novembre 2026" in body and "week=2026-W45" in body and "week=2026-W47" in body


@time_machine.travel(FRIDAY, tick=False)
def test_submitted_cells_are_locked(world, client_for):
    factories.contribution(world.contributor, world.envelope, date=datetime.date(2026, 11, 17),
                           status="validated", description="Chantier légumerie")
    body = client_for(world.contributor).get(WEEK).content.decode()
    assert "Validée" in body and 'name="r0-d1"' not in body and 'name="r0-d0"' in body
