"""``{% envelope_optgroups envelopes row.envelope %}``: the week grid's envelope select.

Each new row of the grid offers every envelope the member may log on, grouped by project
(2,700 in the benchmark data, and a copied week has up to 30 new rows): written by the
template, options cost ~150 ms of CPU per page. The groups are written once per render in
Python, with the same markup, and each row only marks its chosen envelope.
"""
import html

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def _optgroups(envelopes) -> str:
    """``envelopes``: (pk, name, project pk, project name, in team) rows, by project."""
    parts: list[str] = []
    current = None
    escape = html.escape  # what django.utils.html.escape does, without its lazy-text wrapper
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


@register.simple_tag(takes_context=True)
def envelope_optgroups(context, envelopes, chosen=None) -> str:
    key = ("week_options", id(envelopes))
    cache = context.render_context
    if key not in cache:
        cache[key] = _optgroups(envelopes)
    options = cache[key]
    if chosen is not None and chosen.pk is not None:
        options = options.replace(f'<option value="{chosen.pk}">',
                                  f'<option value="{chosen.pk}" selected>', 1)
    return mark_safe(options)  # noqa: S308 - names escaped in _optgroups
