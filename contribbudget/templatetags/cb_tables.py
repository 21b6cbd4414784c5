"""``{% table_row_cells row %}``: a django-tables2 row's cells written in Python.

django-tables2's ``table.html`` writes each cell through a template loop (attributes,
localisation test, value): on a 50-row, 9-column page that loop was about a third of the
table's time. This writes the same markup, cell by cell, with the same values and
attributes (``column.attrs.td``, callables included) and the same localisation rules.
"""
from django import template
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.safestring import mark_safe

register = template.Library()

CELL = "\n                            <td {attrs}>{value}</td>\n                        "


@register.simple_tag(takes_context=True)
def table_row_cells(context, row) -> str:
    parts = []
    for column, cell in row.items():
        attrs = column.attrs["td"].as_html()
        if column.localize is not None:
            cell = localize(cell) if column.localize else unlocalize(cell)
        parts.append(CELL.format(attrs=attrs, value=render_value_in_context(cell, context)))
    return mark_safe("".join(parts))  # noqa: S308 - attributes and values escaped as in the template
