"""Money and hours helpers: one field type, one formatter. Never a float.

Amounts are ``Decimal`` with two decimals (cents); hours are ``Decimal`` in quarter hours.
"""
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils import translation
from django.utils.formats import date_format, get_format, number_format

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
QUARTER = Decimal("0.25")


class MoneyField(models.DecimalField):
    """An amount in euros, exact to the cent (13 digits: up to 99 999 999 999,99 €)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 13)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


class HoursField(models.DecimalField):
    """Hours in quarter hours (the check that they are multiples of 0.25 lives on the model)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


def to_cents(value: Decimal) -> Decimal:
    """Round half-up to the cent: the one rounding helper for ``Decimal`` amounts shown or
    stored. The engine, pure and exact, applies the same rule to fractions
    (``retributions.engine.round_half_up_cents``); valuations go through
    ``retributions.engine.valuation``."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_decimal(value, places: int = 2, language: str | None = None) -> str:
    """``1234.5`` → ``"1 234,50"`` in French, ``"1,234.50"`` in English: rounded half-up to
    ``places``, then grouped with the separators of contribbudget/formats/, as Django's
    ``number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)`` writes it.

    Written here rather than through ``number_format``: its wrapper (the active language,
    three lazy format lookups) and its digit-by-digit grouping cost ~12 µs a value, and the
    long tables format hundreds (run page, overview). The language's separators are read with
    ``get_format`` (cached by Django); a grouping other than 3 goes through ``number_format``.
    tests/contribbudget/test_money_format.py compares both on many values."""
    if value is None or value == "":
        return ""
    value = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    wanted = (language or translation.get_language() or "fr")[:2]
    if get_format("NUMBER_GROUPING", wanted, use_l10n=True) != 3:
        return _number_format(value, places, wanted)
    # Django writes a zero that rounds from a negative value as "0,00", without the sign.
    integer, _sep, decimals = f"{abs(value):f}".partition(".")
    grouped = f"{int(integer):,}"
    thousands = get_format("THOUSAND_SEPARATOR", wanted, use_l10n=True)
    if thousands != ",":
        grouped = grouped.replace(",", thousands)
    if places > 0:
        grouped += get_format("DECIMAL_SEPARATOR", wanted, use_l10n=True) + decimals
    return "-" + grouped if value < 0 else grouped


def _number_format(value: Decimal, places: int, wanted: str) -> str:
    """Django's own formatting, in ``wanted`` (for groupings the fast path does not write)."""
    if wanted == translation.get_language():
        return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    with translation.override(wanted):
        return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def format_money(value, language: str | None = None) -> str:
    """``Decimal("1234.56")`` → ``"1 234,56 €"`` (French) or ``"€1,234.56"`` (English)."""
    if value is None or value == "":
        return ""
    language = (language or translation.get_language() or "fr")[:2]
    body = format_decimal(value, 2, language)
    if language == "en":
        return body.replace("-", "-€", 1) if body.startswith("-") else "€" + body
    return body + "\u00a0€"


def format_hours(value, language: str | None = None) -> str:
    """Hours without useless zeros: ``7.50`` → ``"7,5 h"``, ``8.00`` → ``"8 h"``."""
    if value is None:
        return ""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else (1 if (value * 10) % 1 == 0 else 2)
    return format_decimal(value, places, language) + "\u00a0h"


def format_date(value: datetime.date | None) -> str:
    """A date as the language writes it (``SHORT_DATE_FORMAT`` of contribbudget/formats/:
    ``04/03/2026`` in French): the one date format of messages; templates use ``|date``."""
    if value is None:
        return ""
    return date_format(value, "SHORT_DATE_FORMAT")
