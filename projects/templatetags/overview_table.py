"""``{% overview_rows table %}``: the body rows of the network overview (:class:`OverviewTable`).

django-tables2 wrote the 50 rows × 7 cells one cell at a time (accessor, render method,
attributes, ``format_html``), ~35 ms of a ~40 ms page at 1 M contributions. Here the same
markup is written once per row from the paginated records: labels translated once per page,
each distinct amount formatted once (``contribbudget.lean_rows``), every value escaped as
the template escaped it; django-tables2 still writes the headers, sort links and paginator,
and the export does not use the table. The cells are the ones ``OverviewTable``'s render
methods return (it stays the reference); tests/projects/test_overview_rows.py compares both
renderings byte for byte.
"""
from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from contribbudget.lean_rows import escape, memo_escaped
from contribbudget.money import format_hours, format_money
from contribbudget.templatetags.cb import bar_width

from ..models import Project
from ..selectors import project_alerts

register = template.Library()

# The characters of the URL's slug converter come out of reverse() unchanged, so the project
# link is reversed once a page and the slug put in (reverse() costs ~25 µs a row); any other
# slug goes through reverse(), which refuses it as the stock cell did.
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_MARK = "overview-slug"

# The whitespace of django-tables2's loop around each row (tables/table.html's row block).
ROW_START = '\n                    \n                    <tr class="{parity}">\n                        '
ROW_END = "\n                    </tr>\n                    \n                "
CELL = "\n                            <td {attrs}>{value}</td>\n                        "


def consumption(record) -> str:
    """As ``OverviewTable.render_consumption`` (the larger of the hours' worth and the money
    distributed, against what the envelopes hold)."""
    base = record.allocated or 0
    used = max(record.valued or 0, record.distributed or 0)
    raw = int(used * 100 / base) if base > 0 else (100 if used > 0 else 0)
    css = "over" if raw > 100 else ("warn" if raw >= 90 else "")
    return (f'<div class="bar {css}" role="img" aria-label="{raw} %"><span class="'
            f'{bar_width(min(100, raw))}"></span></div><small class="muted">{raw} %</small>')


def _envelopes(count: int) -> str:
    return ngettext("%(n)d enveloppe", "%(n)d enveloppes", count) % {"n": count}


def _alerts(record, none: str) -> str:
    alerts = project_alerts(record)
    if not alerts:
        return f'<span class="muted">{none}</span>'
    return " ".join(f'<span class="badge badge-rejected">{escape(a)}</span>' for a in alerts)


@register.simple_tag
def overview_rows(table) -> SafeString:
    columns = table.columns
    attrs = {column.name: column.attrs["td"].as_html() for column in columns}
    default = {column.name: escape(column.default) for column in columns}
    money, hours = memo_escaped(format_money), memo_escaped(format_hours)
    envelopes = memo_escaped(_envelopes)  # "9 enveloppes", once per count
    phases = {value: escape(label) for value, label in Project.Phase.choices}
    fields: dict[int, str] = {}
    link = escape(reverse("projects:detail", args=[SLUG_MARK]))

    def url_of(slug: str) -> str:
        if PLAIN_SLUG.fullmatch(slug):
            return link.replace(SLUG_MARK, slug)
        return escape(reverse("projects:detail", args=[slug]))
    none = escape(gettext("—"))

    def cell(name: str, value: str) -> str:
        return CELL.format(attrs=attrs[name], value=value)

    def filled(name: str, value, write) -> str:
        # An empty value shows the column's default, as django-tables2 does.
        return default[name] if value in (None, "") else write(value)

    out = []
    for index, row in enumerate(table.paginated_rows):
        record = row.record
        field = fields.get(record.field_id)
        if field is None:
            field = fields[record.field_id] = escape(record.field.name)
        url = url_of(record.slug)
        allocated = (default["allocated"] if record.allocated in (None, "") else
                     f'{money(record.allocated)}<br><small class="muted">'
                     f'{envelopes(record.envelope_count)}</small>')
        out.append("".join((
            ROW_START.format(parity="odd" if index % 2 else "even"),
            cell("name", f'<a href="{url}">{escape(record.name)}</a><br><small class="muted">'
                         f'{field} · {phases.get(record.phase, escape(record.phase))}</small>'),
            cell("budget", filled("budget", record.budget, money)),
            cell("allocated", allocated),
            cell("distributed", filled("distributed", record.distributed, money)),
            cell("validated_hours", filled("validated_hours", record.validated_hours, hours)),
            cell("consumption", consumption(record)),
            cell("alerts", _alerts(record, none)),
            ROW_END)))
    if not out:  # the loop's {% empty %} branch
        text = ""
        if table.empty_text:
            text = (f'\n                    \n                    <tr><td colspan="{len(columns)}">'
                    f'{escape(table.empty_text)}</td></tr>\n                    \n                    ')
        out.append(f"\n                    {text}\n                ")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
