"""Reading what people type: hours ("1h30", "1,5", "90 min", "1:30"), dates, ISO weeks.

Pure functions, no ORM: the quick-log form, the timesheet and the import share them.
Hours come back as ``Decimal`` (never a float); the quarter-hour rule is checked by the
service, so a value like "1h10" parses to 1.17 h and is then refused with a clear message
instead of being silently rounded.
"""
from __future__ import annotations

import datetime
import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from contribbudget.querystring import MAX_YEAR, MIN_YEAR


class ParseError(ValueError):
    """A French message saying what could not be read."""


def _shown(text: str, limit: int = 60) -> str:
    """What was typed, quoted back in a message: cut, so a pasted novel is not echoed."""
    return text if len(text) <= limit else text[:limit] + "…"


_H_M = re.compile(r"^(?P<h>\d{1,2})\s*(?:h|:)\s*(?P<m>\d{1,2})?\s*(?:min|mn|m)?$")
_MIN = re.compile(r"^(?P<m>\d{1,4})\s*(?:min|mn|m|minutes?)$")
_NUM = re.compile(r"^(?P<n>\d{1,3}(?:[.,]\d{1,4})?)\s*(?:h|heures?)?$")


def parse_hours(text) -> Decimal:
    """``"1h30"``, ``"1 h 30"``, ``"1:30"``, ``"1,5"``, ``"1.5"``, ``"90 min"``, ``"2"`` →
    ``Decimal`` hours with two decimals. Raises :class:`ParseError` on anything else."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int | float) and not isinstance(text, bool):
        # Spreadsheet cells: go through str() so 1.5 stays exactly 1.5.
        text = str(text)
    value = str(text or "").strip().lower().replace("\u00a0", " ")
    if not value:
        raise ParseError(_("Indiquez un nombre d'heures."))
    match = _NUM.match(value)
    if match:
        try:
            return Decimal(match["n"].replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the regex already filters
            raise ParseError(_("Nombre d'heures illisible.")) from exc
    match = _H_M.match(value)
    if match:
        minutes = int(match["m"] or 0)
        if minutes >= 60:
            raise ParseError(_("Les minutes doivent être inférieures à 60 (« %(value)s »).")
                             % {"value": _shown(text)})
        return _two_places(Decimal(int(match["h"])) + Decimal(minutes) / 60)
    match = _MIN.match(value)
    if match:
        return _two_places(Decimal(int(match["m"])) / 60)
    raise ParseError(_("« %(value)s » n'est pas une durée : écrivez par exemple 1h30, 1,5 "
                       "ou 90 min.") % {"value": _shown(text)})


def _two_places(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_quarter(hours: Decimal) -> bool:
    return (hours * 4) == (hours * 4).to_integral_value()


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(value) -> datetime.date:
    """A date from a cell: a ``date``/``datetime`` (XLSX) or text in French or ISO format."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise ParseError(_("Indiquez une date."))
    day = _date_from_text(text)
    if day is not None:
        return day
    raise ParseError(_("« %(value)s » n'est pas une date (format attendu : 23/11/2026).")
                     % {"value": _shown(text)})


@functools.lru_cache(maxsize=4096)
def _date_from_text(text: str) -> datetime.date | None:
    # Cached: an import's 10,000 rows name a few hundred distinct days, and strptime is the
    # costliest step of reading a row.
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


def parse_week(week: str | None, date: str | None, today: datetime.date) -> datetime.date:
    """The Monday of the week asked by ``?week=2026-W47`` or ``?date=2026-11-23``; this week
    when neither is given or readable. A readable week outside the years a page may show
    (``0001-W01``, ``9999-W52``: the weeks around it would overflow the calendar) raises
    :class:`ParseError` with the message to show."""
    monday = None
    if week:
        match = re.match(r"^(\d{4})-?W(\d{1,2})$", week.strip(), re.IGNORECASE)
        if match:
            try:
                monday = datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
            except ValueError:
                pass
    if monday is None and date:
        try:
            monday = week_start(parse_date(date))
        except ParseError:
            pass
    if monday is None:
        return week_start(today)
    if not MIN_YEAR <= monday.year <= MAX_YEAR - 1:
        raise ParseError(_("Semaine hors limites : choisissez une semaine entre %(min)s et "
                           "%(max)s. Voici la semaine en cours.") % {"min": MIN_YEAR,
                                                                   "max": MAX_YEAR - 1})
    return monday


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"
