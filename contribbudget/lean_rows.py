"""Helpers for the long tables whose rows are written in Python rather than by the template
engine (``{% payment_rows %}``, ``{% validation_rows %}``, ``{% run_line_rows %}``).

Through the engine each cell of a row costs a few nodes — a ``{% translate %}`` label, a
variable lookup, a filter — so a 100–500-row table spent 20–150 ms a page. These tags write
the markup the templates wrote, with the same helpers, and escape every value as the
template's autoescaping did (``escape`` of the rendered value); tests compare each tag with
the template loop it replaced.
"""
from __future__ import annotations

from collections.abc import Callable

from django.utils.html import escape


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
