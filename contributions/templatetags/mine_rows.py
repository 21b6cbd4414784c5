"""``{% contribution_rows table %}``: the body rows of the "my contributions" table.

django-tables2 computes each of the page's 450 cells through its accessors, the
``get_FOO_display`` methods and the table's ``render_*`` methods, on model instances (~30 ms a
page at 1 M contributions). django-tables2 still sorts, paginates and writes the headers; this
tag writes the rows of the current page from ``values()`` of the columns shown, with labels
and choice names translated once a page, each distinct date and number of hours formatted
once, every value escaped as ``{{ cell }}`` escaped it (:mod:`contribbudget.lean_rows`). The
markup is the one ``templates/tables/table.html`` wrote with ``ContributionTable``'s cells;
tests/contributions/test_mine_rows.py compares the two.
"""
from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from contribbudget.formats import TABLE_DATE_FORMAT
from contribbudget.lean_rows import escape, memo_escaped, url_around_id
from contribbudget.money import format_hours

from ..models import Contribution

register = template.Library()
FIELDS = ("pk", "date", "project__name", "envelope__name", "kind", "description", "hours",
          "status", "rejection_comment")
EMPTY = (None, "")  # django-tables2's empty_values: such a cell shows the column's default
ROW = "\n                    \n                    <tr {attrs}>\n                        {cells}\n                    </tr>\n                    \n                "
CELL = "\n                            <td {attrs}>{value}</td>\n                        "


def _description(text: str, detail: tuple[str, str], pk: str) -> str:
    short = text if len(text) <= 70 else text[:69] + "…"
    return f'<a href="{detail[0]}{pk}{detail[1]}">{escape(short)}</a>'


def _status(c: dict, statuses: dict) -> str:
    status = c["status"]
    badge = (f'<span class="badge badge-{escape(status)}">'
             f"{statuses.get(status) or escape(status)}</span>")
    if status == Contribution.Status.REJECTED and c["rejection_comment"]:
        return f'{badge} <small class="rejection">{escape(c["rejection_comment"])}</small>'
    return badge


@register.simple_tag
def contribution_rows(table) -> SafeString:
    """The ``<tr>`` rows of ``table``'s current page (a ``ContributionTable``), one query."""
    rows = table.paginated_rows
    data = getattr(rows.data, "data", rows.data)  # the page's slice of the sorted queryset
    # Each column's td attributes (static: no callable) and default, once a page.
    columns = {column.name: column for column in table.columns}
    attrs = {name: column.attrs["td"].as_html() for name, column in columns.items()}
    default = {name: escape(column.default) for name, column in columns.items()}
    day, hours = (memo_escaped(lambda d: date_filter(d, TABLE_DATE_FORMAT)),
                  memo_escaped(format_hours))
    kinds = {value: escape(text) for value, text in Contribution.Kind.choices}
    statuses = {value: escape(text) for value, text in Contribution.Status.choices}
    select_label, edit_label = escape(_("Sélectionner")), escape(_("Modifier"))
    detail, edit = url_around_id("contributions:detail"), url_around_id("contributions:edit")
    values = list(data.values(*FIELDS))
    if hasattr(table, "page"):
        # The pagination block asks {% if table.page %} (its length) after the rows: the page
        # holds the rows shown, lest that length fetch the model instances in a second query.
        table.page.object_list = values
    out = []
    for index, c in enumerate(values):
        pk = str(c["pk"])
        status = c["status"]
        cell = {
            "select": (f'<input type="checkbox" name="ids" value="{pk}" '
                       f'aria-label="{select_label}">' if status == Contribution.Status.DRAFT
                       else ""),
            "date": day(c["date"]) if c["date"] not in EMPTY else None,
            "project": escape(c["project__name"]) if c["project__name"] not in EMPTY else None,
            "envelope": (escape(c["envelope__name"]) if c["envelope__name"] not in EMPTY
                         else None),
            "kind": (kinds.get(c["kind"]) or escape(c["kind"])) if c["kind"] not in EMPTY
            else None,
            "description": (_description(c["description"], detail, pk)
                            if c["description"] not in EMPTY else None),
            "hours": hours(c["hours"]) if c["hours"] not in EMPTY else None,
            "status": _status(c, statuses) if status not in EMPTY else None,
            # Contribution.is_editable: retributed rows are locked.
            "actions": (f'<a href="{edit[0]}{pk}{edit[1]}">{edit_label}</a>'
                        if status != Contribution.Status.RETRIBUTED else ""),
        }
        cells = "".join(CELL.format(attrs=attrs[name], value=default[name] if cell[name] is None
                                    else cell[name]) for name in columns)
        out.append(ROW.format(attrs=f'class="{"odd" if index % 2 else "even"}"', cells=cells))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
