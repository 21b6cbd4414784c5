"""Reading numbers and years from query strings: what a URL may ask for, and nothing else.

A query string is typed by anyone (or by a crawler): a page answers an out-of-range or
malformed value with a clear message or a 400, never with a 500 from a date overflow or an
integer the database cannot hold. Every view reads its numeric GET parameters through these
helpers, so the bounds live in one place.
"""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Years a page may show: the networks' history and a reasonable future, no further; dates
# computed from them (weeks around, year bounds) stay far from datetime's limits.
MIN_YEAR = 2000
MAX_YEAR = 2100
# The largest id any table holds (PostgreSQL's integer / bigint): beyond it, no such row.
MAX_ID = 2**63 - 1
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class BadParameter(ValueError):
    """A query-string value the page refuses; ``str()`` is the French message to show."""


def year_param(value: str | None, default: int) -> int:
    """The year asked by ``value`` (``default`` when absent), or :class:`BadParameter`."""
    if value is None or value == "":
        return default
    text = value.strip()
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise BadParameter(_("Année « %(value)s » hors limites : choisissez une année entre "
                             "%(min)s et %(max)s.") % {"value": text[:12], "min": MIN_YEAR,
                                                       "max": MAX_YEAR})
    return int(text)


def id_param(value: str | None) -> int | None:
    """An object id from the query string, or None when absent or not an id (then the page
    shows its unfiltered content, as for an unknown id)."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def clamp_int(value, *, minimum: int, maximum: int, default: int) -> int:
    """An integer option (rows per page, page number) kept within bounds."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return max(minimum, min(maximum, number))


def slug_param(value: str | None) -> str | None:
    """A slug from the query string, or None when absent or not a slug (a NUL byte or a
    3,000-character value never reaches the database)."""
    text = (value or "").strip()
    if text and len(text) <= 100 and _SLUG.fullmatch(text):
        return text
    return None
