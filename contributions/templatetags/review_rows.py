"""``{% validation_rows rows %}``: the rows of the validation queue, with their group rows
(one per person and week).

Through the template engine the queue's 100 rows — a dozen ``{% translate %}`` labels and
``{% blocktranslate %}`` texts each, three date filters, a ``{% url %}`` — cost ~40 ms a
page. The tag writes the same markup (the loop ``templates/contributions/validation.html``
had; tests compare the two) with labels translated once a page, every value escaped as the
template escaped it, dates and hours through the same helpers, once per distinct value
(:mod:`contribbudget.lean_rows`).
"""
from __future__ import annotations

import unicodedata

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contribbudget.lean_rows import escape, integer, labels, memo_escaped, url_around_id
from contribbudget.money import format_hours

from ..models import Contribution

register = template.Library()


def _group_row(c, name: str, day, hours) -> str:
    key = escape(c["group_key"])
    select = _("Tout sélectionner pour %(who)s") % {"who": name}
    week = _("semaine du %(d)s") % {"d": day(c["week_start"])}
    count = ngettext("%(n)s contribution, %(h)s", "%(n)s contributions, %(h)s",
                     c["group_count"]) % {"n": integer(c["group_count"]),
                                          "h": hours(c["group_hours"])}
    return (f'\n      <tr class="group-row"><th colspan="6" scope="rowgroup">'
            f'\n        <label><input type="checkbox" data-select-group="{key}" '
            f'aria-label="{select}">'
            f"\n        <strong>{name}</strong></label> · {week}"
            f'\n        <span class="muted">· {count}</span>'
            "\n      </th></tr>\n      ")


def _truncated(text: str) -> str:
    """``|truncatechars:80``: Truncator returns a short text as is once NFC-normalised, and
    most descriptions are short — skip its character-by-character walk for those."""
    if len(text) <= 80 and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(80)


@register.simple_tag
def validation_rows(rows: list[dict]) -> SafeString:
    """``rows``: :func:`contributions.selectors.queue_rows` with the view's group keys."""
    day, short_day, row_day = (memo_escaped(date_filter),
                               memo_escaped(lambda d: date_filter(d, "j N")),
                               memo_escaped(lambda d: date_filter(d, "D j N")))
    hours = memo_escaped(format_hours)
    label = labels(select=_("Sélection"), date=_("Date"), project=_("Projet"), kind=_("Type"),
                   description=_("Description"), hours=_("Heures"), salaried=_("salarié"),
                   deliverable=_("livrable"))
    invited, imported, logged, row_aria = (_("invité·e par %(who)s"), _("importée par %(who)s"),
                                           _("saisie par %(who)s"), _("%(who)s, %(d)s"))
    before, after = url_around_id("contributions:detail")  # {% url … c.pk %} once a page
    # get_kind_display: the choice's label, else the stored value.
    kinds = {value: escape(text) for value, text in Contribution.Kind.choices}
    out = []
    group = object()  # {% ifchanged %}: the first row opens a group
    for c in rows:
        name = escape(c["member_name"])
        parts = ["\n      "]
        if c["group_key"] != group:
            group = c["group_key"]
            parts.append(_group_row(c, name, day, hours))
        key, pk = escape(c["group_key"]), integer(c["pk"])
        kind = kinds.get(c["kind"], c["kind"] and escape(c["kind"]))
        if c["invited_by_name"] is not None:
            who = invited % {"who": escape(c["invited_by_name"])}
            kind += f' <small class="muted">({who})</small>'
        if c["salaried"]:
            kind += f' <span class="badge">{label["salaried"]}</span>'
        description = (f'<a href="{before}{pk}{after}">'
                       f"{escape(_truncated(c['description']))}</a>")
        if c["logged_on_behalf"]:
            by = (imported if c["is_imported"] else logged) % {
                "who": escape(c["created_by_name"])}
            description += f' <small class="muted" data-testid="created-by">{by}</small>'
        if c["deliverable_url"]:
            description += (f' · <a href="{escape(c["deliverable_url"])}" target="_blank" '
                            f'rel="noopener noreferrer">{label["deliverable"]}</a>')
        aria = row_aria % {"who": name, "d": short_day(c["date"])}
        parts.append(
            f'\n      <tr data-group="{key}">'
            f'\n        <td data-label="{label["select"]}"><input type="checkbox" name="ids" '
            f'value="{pk}" data-group="{key}" aria-label="{aria}"></td>'
            f'\n        <td data-label="{label["date"]}">{row_day(c["date"])}</td>'
            f'\n        <td data-label="{label["project"]}">{escape(c["project__name"])} '
            f'<small class="muted">· {escape(c["envelope__name"])}</small></td>'
            f'\n        <td data-label="{label["kind"]}">{kind}</td>'
            f'\n        <td data-label="{label["description"]}">{description}</td>'
            f'\n        <td class="num" data-label="{label["hours"]}">{hours(c["hours"])}</td>'
            "\n      </tr>\n    ")
        out.append("".join(parts))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
