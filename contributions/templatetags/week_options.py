"""``{% envelope_optgroups envelopes row.envelope %}``: the week grid's envelope select.

Each new row of the grid offers every envelope the member may log on, grouped by project
(2,700 in the benchmark data, and a copied week has up to 30 new rows): written by the
template, options cost ~150 ms of CPU per page. The groups are written once per render in
Python, with the same markup, and each row only marks its chosen envelope. The week view
sets ``splice_options``: the tag then writes a mark the view replaces once the page is
rendered (contributions/option_cache.py: ``splice``).
"""
from django import template
from django.utils.safestring import mark_safe

from ..option_cache import mark, optgroups

register = template.Library()


@register.simple_tag(takes_context=True)
def envelope_optgroups(context, envelopes, chosen=None) -> str:
    """``envelopes``: the rows, or their :func:`optgroups` already written (the week view
    passes those, cached: contributions/option_cache.py)."""
    if isinstance(envelopes, str):
        if context.get("splice_options"):  # the view puts them in (option_cache.splice)
            return mark_safe(mark(chosen.pk if chosen is not None else None))  # noqa: S308 - a pk
        options = envelopes
    else:
        key = ("week_options", id(envelopes))
        cache = context.render_context
        if key not in cache:
            cache[key] = optgroups(envelopes)
        options = cache[key]
    if chosen is not None and chosen.pk is not None:
        options = options.replace(f'<option value="{chosen.pk}">',
                                  f'<option value="{chosen.pk}" selected>', 1)
    return mark_safe(options)  # noqa: S308 - names escaped in optgroups
