"""The envelope options of the quick log and of the week grid, written once and cached.

A member may log on every envelope of their teams' projects and of all open projects (2,700
options in the benchmark data, all shipped: the page filters them by project and the quick
log works offline); fetching and writing them was most of both pages' CPU. The options are
cached without any ``selected``: each request marks its own choice. The key holds what they
show — the member (teams differ), the language ("(ouvert)") and the generation that any
save or delete of a project, envelope or role bumps (projects/list_cache.py), at once and
again on commit.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils.translation import get_language, gettext

from contribbudget.lean_rows import escape
from contribbudget.models import Member
from projects import list_cache

from . import selectors

T = TypeVar("T")
# A member's lists weigh 150–200 KB: kept for the length of a logging session, not a day,
# so the cache holds the lists of the members active in the last quarter of an hour (and
# the copies a generation bump leaves behind expire as fast).
OPTION_SECONDS = 15 * 60


def key(member: Member, what: str) -> str:
    # The members' generation too: the team mates' list ("team") shows their names.
    return (f"contributions:options:{what}:{list_cache.generation(list_cache.LOGGING)}:"
            f"{list_cache.generation(list_cache.MEMBERS)}:{get_language()}:{member.pk}")


def stamp(member: Member) -> str:
    """What the quick log's project and envelope lists were written from: the page sends it
    back with each entry, so the answer knows whether the page's lists still hold. Not the
    members' generation (a login bumps it): those two lists show no one's name."""
    return f"{list_cache.generation(list_cache.LOGGING)}:{get_language()}:{member.pk}"


def cached(member: Member, what: str, compute: Callable[[], T]) -> T:
    """The cached ``compute()`` for the member (one cache read; the query on a miss)."""
    name = key(member, what)
    html = cache.get(name)
    if html is None:
        html = compute()
        cache.set(name, html, OPTION_SECONDS)
    return html


def select(options: str, value: object) -> str:
    """``options`` with the option of ``value`` selected, as the widget would write it."""
    if value is None:
        return options
    mark = f'<option value="{value}"'
    return options.replace(mark, mark + " selected", 1)


def optgroups(envelopes) -> str:
    """``envelopes``: (pk, name, project pk, project name, in team) rows, by project."""
    parts: list[str] = []
    current = None
    opened = gettext("%(name)s (ouvert)")
    for pk, name, project_id, project_name, in_team in envelopes:
        if project_id != current:
            if current is not None:
                parts.append("</optgroup>")
            current = project_id
            label = project_name if in_team else opened % {"name": project_name}
            parts.append(f'<optgroup label="{escape(label)}">')
        parts.append(f'<option value="{pk}">{escape(name)}</option>')
    if current is not None:
        parts.append("</optgroup>")
    return "".join(parts)


def week_options(member: Member) -> str:
    """The week grid's envelope optgroups for the member ("" if none)."""
    return cached(member, "week", lambda: optgroups(selectors.envelope_rows_for_logging(member)))


# The week grid's options go into the page once, after it is rendered: written by the
# template, each nesting level (the select, the row, the loop, the form, the block, the
# base page) copied them again and marked the copy safe — at 27,000 options (1.3 MB, the
# federation's open projects) that was 12 ms of CPU per page. The template writes this
# mark instead (an HTML comment: names and texts reach the page escaped, so no "<!--"
# of a member's writing can look like it), and :func:`splice` puts each select's options,
# its choice marked, in its place: the same page, one copy.
MARK = "<!--cb:week-options:"


def mark(value: object) -> str:
    return f"{MARK}{'' if value is None else value}-->"


def splice(html: str, options: str) -> str:
    """``html`` with each :func:`mark` replaced by ``options``, its value selected."""
    head, *marked = html.split(MARK)
    parts = [head]
    for piece in marked:
        value, rest = piece.split("-->", 1)
        # The closing ">" too: value 5 must not select the option of envelope 50.
        parts += [options.replace(f'<option value="{value}">',
                                  f'<option value="{value}" selected>', 1) if value else options,
                  rest]
    return "".join(parts)

