"""Template filters for money, hours and bars, in the active language."""
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format

from contribbudget.formats import TABLE_DATE_FORMAT
from contribbudget.money import format_decimal, format_hours, format_money

register = template.Library()


@register.filter
def money(value):
    """``{{ amount|money }}`` → ``1 234,56 €``."""
    return format_money(value)


@register.filter
def hours(value):
    """``{{ 7.5|hours }}`` → ``7,5 h``."""
    return format_hours(value)


@register.filter
def hours_column(value):
    """``|hours`` padded for a column of one contribution's hours (under 100 h) written as
    text rather than in a cell: a figure space (U+2007, a digit's width) for each missing
    digit and a punctuation space (U+2008) for a missing comma, so that in a font with
    figures of one width (DejaVu Sans) the column ends on the same "h" row after row."""
    text = format_hours(value)
    number, _, unit = text.rpartition("\u00a0")
    whole, comma, decimals = number.partition(",")
    if len(whole) > 2 or len(decimals) > 2:  # never for one contribution: printed as is
        return text
    missing = "\u2007" * (4 - len(whole) - len(decimals)) + ("" if comma else "\u2008")
    return missing + text


@register.filter
def number(value, places=2):
    return format_decimal(value, int(places))


@register.filter
def percent(part, whole):
    """Share of ``part`` in ``whole`` as an integer 0–100 (for bars and labels)."""
    try:
        part, whole = Decimal(part or 0), Decimal(whole or 0)
    except (InvalidOperation, TypeError):
        return 0
    if whole <= 0:
        return 0
    return max(0, min(100, int(part * 100 / whole)))


@register.filter
def minus(value, other):
    return Decimal(value or 0) - Decimal(other or 0)


@register.filter
def bar_width(value):
    """``<span class="{{ pct|bar_width }}">`` → ``w-42``: a bar's width as a class (0–100),
    because the Content-Security-Policy allows no inline ``style`` attribute."""
    try:
        pct = int(Decimal(value or 0))
    except (InvalidOperation, TypeError, ValueError):
        pct = 0
    return f"w-{max(0, min(100, pct))}"


@register.filter
def cell_date(value):
    """``{{ c.date|cell_date }}`` → ``28 nov. 2026``: the one date format of tables."""
    if not value:
        return ""
    return date_format(value, TABLE_DATE_FORMAT)
