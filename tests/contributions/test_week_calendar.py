"""The week grid's French calendar: public holidays by the home place's département,
weekends marked, and "Copier la semaine précédente"."""
import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from contributions.calendar import calendar_days, subdivision_for
from contributions.models import Contribution

from .. import factories

pytestmark = pytest.mark.django_db
WEEK = reverse("contributions:week")


def holiday_headers(body: str) -> list[str]:
    return re.findall(r'<th scope="col" class="[^"]*holiday[^"]*" data-holiday="([^"]+)"', body)


@time_machine.travel(datetime.datetime(2026, 12, 28, 12, 0), tick=False)
def test_christmas_is_a_holiday_for_everyone_and_26_december_only_in_moselle(world, client_for):
    body = client_for(world.contributor).get(WEEK + "?week=2026-W52").content.decode()
    assert holiday_headers(body) == ["Noël"]
    world.contributor.home_place.department = "57"
    world.contributor.home_place.save()
    body = client_for(world.contributor).get(WEEK + "?week=2026-W52").content.decode()
    assert holiday_headers(body) == ["Noël", "Saint-Étienne"]


def test_alsace_and_overseas_departements_have_their_own_days(world):
    assert subdivision_for("67") == subdivision_for("68") == "6AE"
    assert subdivision_for("75") is None
    place = world.contributor.home_place
    place.department = "974"
    place.save()
    days = [datetime.date(2026, 12, 20) + datetime.timedelta(days=i) for i in range(7)]
    marked = {d.date.day: d.holiday for d in calendar_days(world.contributor, days) if d.holiday}
    assert 20 in marked and 25 in marked  # La Réunion: abolition of slavery, 20 December


def test_a_member_without_place_gets_the_metropolitan_calendar(world, client_for):
    world.contributor.home_place = None
    world.contributor.save()
    with time_machine.travel(datetime.datetime(2026, 12, 28, 12, 0), tick=False):
        body = client_for(world.contributor).get(WEEK + "?week=2026-W52").content.decode()
    assert holiday_headers(body) == ["Noël"]


@time_machine.travel(datetime.datetime(2026, 11, 20, 18, 0), tick=False)
def test_weekends_are_marked(world, client_for):
    body = client_for(world.contributor).get(WEEK + "?week=2026-W47").content.decode()
    assert len(re.findall(r'<th scope="col" class="num[^"]*weekend', body)) == 2


def test_departement_must_be_a_departement_number(world):
    from django.core.exceptions import ValidationError
    place = world.contributor.home_place
    place.department = "Moselle"
    with pytest.raises(ValidationError, match="département"):
        place.full_clean()


def _log(world, day, hours, status="draft", description="Accueil du jeudi"):
    return factories.contribution(world.contributor, world.envelope, date=day,
                                  hours=Decimal(hours), status=status,
                                  description=description)


@time_machine.travel(datetime.datetime(2026, 11, 27, 18, 0), tick=False)
def test_copy_previous_week_fills_the_rows_and_optionally_the_hours(world, client_for):
    _log(world, datetime.date(2026, 11, 16), "2")
    _log(world, datetime.date(2026, 11, 18), "1.5", status="validated")
    client = client_for(world.contributor)
    body = client.get(WEEK + "?week=2026-W48&copier=1").content.decode()
    assert "Accueil du jeudi" in body and "semaine précédente copiées" in body
    assert 'name="r0-d0" value=""' in body  # rows only: no hours
    body = client.get(WEEK + "?week=2026-W48&copier=1&heures=1").content.decode()
    assert 'name="r0-d0" value="2"' in body and 'name="r0-d2" value="1,5"' in body
    assert not Contribution.objects.filter(date__gte=datetime.date(2026, 11, 23)).exists()
    # Saving the copied grid writes the week.
    data = {"week": "2026-W48", "rows": "1", "r0-envelope": world.envelope.pk,
            "r0-kind": "production", "r0-description": "Accueil du jeudi",
            "r0-d0": "2", "r0-d2": "1,5", "action": "save"}
    assert client.post(WEEK, data).status_code == 302
    assert sorted(Contribution.objects.filter(date__gte=datetime.date(2026, 11, 23))
                  .values_list("hours", flat=True)) == [Decimal("1.50"), Decimal("2.00")]
