"""``{% table_row_cells row %}``: a django-tables2 row's cells written in Python.

django-tables2's ``table.html`` writes each cell through a template loop (attributes,
localisation test, value): on a 50-row, 9-column page that loop was about a third of the
table's time. This writes the same markup, cell by cell, with the same values and
attributes (``column.attrs.td``, callables included) and the same localisation rules.

A cell's value is computed as django-tables2's ``BoundRow.get_cell`` does (its own
``_get_and_render_with``: accessor, ``get_FOO_display``, empty values, links), except that
the render method's signature is read once per column and page, not once per cell
(``inspect.signature`` was a fifth of the table's time). django-tables2 is pinned;
tests/contributions/test_lean_rendering.py compares the rows with its stock template.
"""
from django import template
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.safestring import mark_safe
from django_tables2.utils import signature

register = template.Library()

CELL = "\n                            <td {attrs}>{value}</td>\n                        "


def _cell(row, bound_column, plans: dict):
    """``row.get_cell(bound_column.name)``, with the render signature read from ``plans``."""

    def call_render(bound_column, value=None):
        # As BoundRow._call_render / utils.call_with_appropriate.
        kwargs = row._optional_cell_arguments(bound_column, value)
        render = bound_column.render
        if bound_column.name not in plans:
            plans[bound_column.name] = signature(render)
        args, catch_all = plans[bound_column.name]
        if catch_all:
            content = render(**kwargs)
        elif all(arg in kwargs for arg in args):
            content = render(**{arg: kwargs[arg] for arg in args})
        else:
            content = None
        return bound_column.link(content, **kwargs) if bound_column.link else content

    return row._get_and_render_with(bound_column, render_func=call_render,
                                    default=bound_column.default)


@register.simple_tag(takes_context=True)
def table_row_cells(context, row) -> str:
    plans = context.render_context.setdefault(("cb_tables", id(row.table)), {})
    parts = []
    for column in row.table.columns:
        # As BoundRow.items(): the column's attrs may be callables of the cell's value.
        cell = column.current_value = _cell(row, column, plans)
        column.current_record = row.record
        attrs = column.attrs["td"].as_html()
        if column.localize is not None:
            cell = localize(cell) if column.localize else unlocalize(cell)
        parts.append(CELL.format(attrs=attrs, value=render_value_in_context(cell, context)))
    return mark_safe("".join(parts))  # noqa: S308 - attributes and values escaped as in the template
