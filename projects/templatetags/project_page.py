"""``{% envelope_rows %}`` and ``{% team_rows %}``: the body rows of the project page's
envelope and team tables.

Through the template engine each team row cost ~0.3 ms (three cells of labels and
lookups, then for a pilot an include of three forms, each with its ``{% url %}``,
``{% csrf_token %}`` and labels): ~24 ms of the page for a 73-person team at 1 M
contributions, ~80 ms for a federation's 229. Here the same markup is written once per row
(:mod:`contribbudget.lean_rows`): labels and choice names translated once a page, the links
reversed once, each distinct amount formatted once, every value escaped as the template's
autoescaping did. The markup is the one ``projects/detail.html`` and
``projects/setup/_team_actions.html`` wrote; tests/projects/test_project_page_rows.py renders
both and compares them.
"""
from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from contribbudget.lean_rows import escape, integer, memo_escaped, url_around_id
from contribbudget.money import format_hours, format_money
from contribbudget.templatetags.cb import bar_width

from ..models import ProjectRole

register = template.Library()


def _texts(**texts: str) -> dict[str, str]:
    """Labels translated once a page, as ``{% translate "…" %}`` writes them: a literal's
    translation is marked safe there, not escaped (``Retirer de l'équipe`` keeps its
    apostrophe), so neither are these."""
    return {key: str(text) for key, text in texts.items()}


@register.simple_tag
def envelope_rows(envelopes) -> SafeString:
    """The envelope table's ``<tr>`` rows (envelopes of ``selectors.project_envelopes``)."""
    text = _texts(envelope=_("Enveloppe"), rule=_("Règle"), amount=_("Montant"),
                  hours=_("Heures validées"), valued=_("Valeur des heures"),
                  distributed=_("Distribué"), available=_("Disponible"),
                  consumption=_("Consommation"))
    per_day, consumed = _("%(rate)s / jour"), _("%(pct)s %% consommé")
    money, hours = memo_escaped(format_money), memo_escaped(format_hours)
    before, after = url_around_id("projects:envelope_detail")
    out = []
    for e in envelopes:
        name, pct = escape(e.name), integer(e.consumed_percent)
        out.append(
            f'\n      <tr data-envelope="{name}">'
            f'\n        <td data-label="{text["envelope"]}"><a href="{before}{e.pk}{after}">'
            f'<strong>{name}</strong></a><br><small class="muted">'
            f'{escape(e.get_kind_display())}</small></td>'
            f'\n        <td data-label="{text["rule"]}">{escape(e.get_rule_display())}<br>'
            f'<small class="muted">{per_day % {"rate": money(e.daily_rate)}}</small></td>'
            f'\n        <td data-label="{text["amount"]}" class="num" data-testid="amount">'
            f'{money(e.amount)}</td>'
            f'\n        <td data-label="{text["hours"]}" class="num">{hours(e.validated_hours)}</td>'
            f'\n        <td data-label="{text["valued"]}" class="num">{money(e.valued)}</td>'
            f'\n        <td data-label="{text["distributed"]}" class="num">'
            f'{money(e.distributed)}</td>'
            f'\n        <td data-label="{text["available"]}" class="num">{money(e.available)}</td>'
            f'\n        <td data-label="{text["consumption"]}" class="bar-cell">'
            f'\n          <div class="bar {escape(e.bar_class)}" role="img" aria-label="'
            f'{consumed % {"pct": pct}}"><span class="{bar_width(e.consumed_percent)}"></span>'
            f'</div>\n          <small class="muted">{pct} %</small>\n        </td>'
            f'\n      </tr>\n    ')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _team_actions(project, me, csrf: str):
    """A writer of ``projects/setup/_team_actions.html`` for one row (a pilot's page)."""
    text = _texts(manage=_("Gérer"), promote=_("Nommer pilote"),
                  demote=_("Retirer le pilotage"), remove=_("Retirer de l'équipe"))
    set_url = escape(reverse("projects:team_set", args=[project.slug]))
    remove_before, remove_after = url_around_id("projects:team_remove", project.slug)
    me_pk = getattr(me, "pk", None)

    def hidden(member: str, role: str) -> str:
        return (f'<form method="post" action="{set_url}">{csrf}<input type="hidden" '
                f'name="member" value="{member}"><input type="hidden" name="role" '
                f'value="{role}">')

    def actions(row: dict) -> str:
        member = integer(row["member_id"])
        promote = (f'{hidden(member, "pilot")}<button type="submit" class="outline">'
                   f'{text["promote"]}</button></form>'
                   if row["role"] == "contributor" and row["member_id"] != me_pk else "")
        demote = (f'{hidden(member, "contributor")}<button type="submit" class="outline '
                  f'secondary">{text["demote"]}</button></form>' if row["role"] == "pilot"
                  else "")
        return (f'<details class="team-manage">\n  <summary>{text["manage"]}</summary>\n'
                f'  <div class="team-actions">\n  {promote}\n  {demote}\n'
                f'  <form method="post" action="{remove_before}{row["member_id"]}'
                f'{remove_after}">{csrf}<button type="submit" class="outline secondary">'
                f'{text["remove"]}</button></form>\n  </div>\n</details>\n')
    return actions


@register.simple_tag(takes_context=True)
def team_rows(context, team: list[dict], others: list[dict]) -> SafeString:
    """The team table's ``<tr>`` rows: the team (``selectors.project_team``), then the
    people outside it (``selectors.project_other_contributors``); with the pilot's
    actions when the page has ``team_form``."""
    text = _texts(person=_("Personne"), role=_("Rôle"), hours=_("Heures validées"),
                  team=_("Équipe"), outside=_("hors équipe (période ouverte)"))
    roles = {value: escape(label) for value, label in ProjectRole.Role.choices}
    hours = memo_escaped(format_hours)
    managed = bool(context.get("team_form"))
    actions = (_team_actions(context["project"], context.get("me"),
                             CsrfTokenNode().render(context)) if managed else None)
    out = []
    for row in team:
        name = escape(row["name"])
        manage = f'<td data-label="{text["team"]}">{actions(row)}</td>' if actions else ""
        out.append(
            f'\n      <tr data-member="{name}"><td data-label="{text["person"]}">{name}</td>'
            f'<td data-label="{text["role"]}">{roles.get(row["role"]) or escape(row["role"])}'
            f'</td><td data-label="{text["hours"]}" class="num">{hours(row["hours"])}</td>'
            f'{manage}</tr>\n    ')
    out.append("\n    ")
    empty = "<td></td>" if managed else ""
    for o in others:
        out.append(
            f'\n      <tr><td data-label="{text["person"]}">{escape(o["member__first_name"])} '
            f'{escape(o["member__last_name"])}</td><td data-label="{text["role"]}"><span '
            f'class="muted">{text["outside"]}</span></td><td data-label="{text["hours"]}" '
            f'class="num">{hours(o["hours"])}</td>{empty}</tr>\n    ')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
