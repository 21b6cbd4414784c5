"""Helpers for the long tables whose rows are written in Python rather than by the template
engine (``{% payment_rows %}``, ``{% validation_rows %}``, ``{% run_line_rows %}``).

Through the engine each cell of a row costs a few nodes — a ``{% translate %}`` label, a
variable lookup, a filter — so a 100–500-row table spent 20–150 ms a page. These tags write
the markup the templates wrote, with the same helpers, and escape every value as the
template's autoescaping did (``escape`` of the rendered value); tests compare each tag with
the template loop it replaced.
"""
from __future__ import annotations

import html
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils.formats import localize


def escape(value) -> str:
    """``django.utils.html.escape`` without its lazy-text wrapper (the wrapper costs more than
    the escaping, ~2 µs a cell): the same characters encoded, to join into one safe string."""
    return html.escape(str(value))


def integer(value: int) -> str:
    """An id or a count as ``{{ value }}`` writes it: ``localize`` (~5 µs) only groups digits
    under ``USE_THOUSAND_SEPARATOR``; otherwise it is ``str``."""
    return localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


def memo_escaped(function: Callable) -> Callable:
    """``function(value)`` escaped, computed once per distinct value for one page's rows
    (dates, periods and amounts repeat; formatting one costs ~15 µs)."""
    seen: dict = {}

    def formatted(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = text = escape(function(value))
            return text
    return formatted


def labels(**texts: str) -> dict[str, str]:
    """Texts translated once for every row (``labels(member=_("Membre"))``, so that
    ``makemessages`` still finds them), escaped as ``{% translate %}`` does."""
    return {key: escape(text) for key, text in texts.items()}


_ID_MARK = 987654321


def url_around_id(name: str, *args) -> tuple[str, str]:
    """``{% url name pk %}`` (``{% url name *args pk %}``: the id last) reversed once a page
    (``reverse`` costs ~25 µs a row): the escaped path before and after the id, to write
    ``f"{before}{pk}{after}"`` per row."""
    before, _sep, after = reverse(name, args=[*args, _ID_MARK]).partition(str(_ID_MARK))
    return escape(before), escape(after)
