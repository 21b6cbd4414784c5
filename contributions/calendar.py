"""The French calendar of the week grid: public holidays for the member's home place,
weekends, and the rows of the previous week to copy.

Holidays come from the ``holidays`` library. Which holidays apply depends on where the
member works: Alsace-Moselle (Bas-Rhin 67, Haut-Rhin 68, Moselle 57) keeps Good Friday and
26 December from the local law, overseas départements add their own days (abolition of
slavery…). The place's ``department`` says which; without it, metropolitan France.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import get_language

from contribbudget.models import Member

from . import timesheet
from .models import Contribution
from .selectors import envelopes_for_logging

# holidays' subdivision codes for the départements whose calendar differs from the
# metropolitan one; every other département uses the national list.
_SUBDIVISIONS = {
    "57": "57", "67": "6AE", "68": "6AE",
    "971": "971", "972": "972", "973": "973", "974": "974", "976": "976",
}


@dataclass(frozen=True)
class Day:
    date: datetime.date
    holiday: str = ""

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def is_off(self) -> bool:
        return self.is_weekend or bool(self.holiday)

    # The grid labels each of its cells with its day: formatted once per day, not per cell.
    @cached_property
    def short_label(self) -> str:
        return date_format(self.date, "D j")

    @cached_property
    def long_label(self) -> str:
        return date_format(self.date, "l j F")


def subdivision_for(department: str) -> str | None:
    """holidays' subdivision for a département code ("57", "2A", "974"), or None."""
    return _SUBDIVISIONS.get((department or "").strip().upper())


@lru_cache(maxsize=64)
def _holidays(subdivision: str | None, year: int, language: str) -> dict[datetime.date, str]:
    table = holidays.France(subdiv=subdivision, years=year,
                            language="fr" if language.startswith("fr") else "en_US")
    return dict(table.items())


def member_department(member: Member) -> str:
    place = member.home_place
    return place.department if place is not None else ""


def calendar_days(member: Member, days: list[datetime.date]) -> list[Day]:
    """The days of the grid, each with its public holiday's name for this member, if any."""
    subdivision = subdivision_for(member_department(member))
    language = get_language() or "fr"
    return [Day(date=d, holiday=_holidays(subdivision, d.year, language).get(d, ""))
            for d in days]


def copy_previous_week(member: Member, monday: datetime.date, *, with_hours: bool) -> list:
    """The grid of the week of ``monday`` with the rows of the week before laid over it
    (same envelope, kind and description), and their hours in the empty editable cells
    when ``with_hours``. Nothing is written: the member reviews, then saves the grid."""
    allowed = {e.pk for e in envelopes_for_logging(member)}
    rows = timesheet.build_rows(member, monday, blank_rows=0)
    by_key = {row.key: row for row in rows}
    previous = timesheet.build_rows(member, monday - datetime.timedelta(days=7), blank_rows=0)
    for old in previous:
        if old.envelope is None or old.envelope.pk not in allowed:
            continue
        row = by_key.get(old.key)
        if row is None:
            row = timesheet.blank_row(monday)
            row.envelope, row.kind, row.description = old.envelope, old.kind, old.description
            rows.append(row)
            by_key[row.key] = row
        if not with_hours:
            continue
        for cell, before in zip(row.cells, old.cells, strict=True):
            refused = (before.contribution is not None
                       and before.contribution.status == Contribution.Status.REJECTED)
            if (before.value and not refused and not cell.value and not cell.locked
                    and not cell.future and cell.contribution is None):
                cell.value = before.value
    rows.append(timesheet.blank_row(monday))
    return rows
