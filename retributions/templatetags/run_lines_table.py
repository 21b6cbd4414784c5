"""``{% run_line_rows lines %}``: the rows of a run's table of shares.

Through the template engine each line — ten ``{% translate %}`` labels, a loop over its
hours by kind, three money and three hours filters — cost ~1 ms; a 22-line run spent half
of its page there. The tag writes the markup ``templates/retributions/runs/detail.html``
had (tests compare the two) with labels translated once a page, values escaped as the
template escaped them, the same formatters once per distinct value
(:mod:`contribbudget.lean_rows`). A draft line's override form stays a template
(``_line_override.html``, rendered in the page's context: its CSRF token, its fields).
"""
from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from contribbudget.lean_rows import escape, integer, labels, memo_escaped
from contribbudget.money import format_hours, format_money

from .runs_extras import why

register = template.Library()


@register.simple_tag(takes_context=True)
def run_line_rows(context, lines) -> SafeString:
    run, kept, open_line = context.get("run"), context.get("kept_overrides"), context.get("open_line")
    approved = run.status == "approved"
    hours, money = memo_escaped(format_hours), memo_escaped(format_money)
    label = labels(member=_("Membre"), hours=_("Heures"), weighted=_("Pondérées"),
                   valued=_("Valorisation"), share=_("Part"), payee=_("Bénéficiaire"),
                   why=_("Pourquoi"), payment=_("Paiement"), person=_("la personne"),
                   volunteer=_("Bénévole"), nothing=_("aucun versement"),
                   changed=_("Modifiée"), kept=_("modification conservée au recalcul"),
                   to_pay=_("à payer"))
    kinds = labels(production=_("production"), support=_("support"), creative=_("créatif"),
                   coordination=_("coordination"), meeting=_("réunion"))
    computed, paid = _("calculé : %(c)s"), _("payée le %(d)s")
    override = context.template.engine.get_template("retributions/runs/_line_override.html")
    out = []
    for line in lines:
        member = line.member
        by_kind = " · ".join(f"{kinds.get(kind, kinds['meeting'])} {hours(h)}"
                             for kind, h in (line.hours_by_kind or {}).items())
        share = f'<strong data-testid="money">{money(line.money)}</strong>\n        '
        if line.money != line.computed_money:
            share += (f'<br><small class="muted run-computed">'
                      f'{computed % {"c": money(line.computed_money)}}</small>')
        if line.payee == "place":
            payee = escape(line.payee_place.name) if line.payee_place else ""
        elif line.payee == "self":
            payee = label["person"]
        else:
            badge = (label["volunteer"] if line.preference == "volunteer"
                     else escape(line.non_financial) if line.non_financial else label["nothing"])
            payee = f'<span class="badge">{badge}</span>'
        reason = ""
        if line.override_reason:
            reason = (f'<br><small class="warn-text">{label["changed"]} : '
                      f'{escape(line.override_reason)}</small>')
            if kept and line.member_id in kept:
                reason += f' <small class="badge" data-testid="override-kept">{label["kept"]}</small>'
        form = ""
        if getattr(line, "override_form", None):
            with context.push(line=line, open_line=open_line):
                form = override.render(context).split("\n", 1)[1].rstrip("\n")
            form = f"\n        {form}\n        "
        payment = ""
        if approved:
            if line.paid_on:
                state = (f'<span class="badge badge-approved">'
                         f'{paid % {"d": escape(date_filter(line.paid_on))}}</span>')
            elif line.money:
                state = f'<span class="badge badge-submitted">{label["to_pay"]}</span>'
            else:
                state = "—"
            payment = f'<td data-label="{label["payment"]}">{state}</td>'
        out.append(
            f'\n    <tr id="line-{integer(line.pk)}" '
            f'data-testid="line-{escape(member.last_name)}">'
            f'\n      <td data-label="{label["member"]}"><strong>{escape(member.full_name)}</strong>'
            f'\n        <small class="run-kinds muted">{by_kind}</small></td>'
            f'\n      <td data-label="{label["hours"]}" class="num">{hours(line.hours)}</td>'
            f'\n      <td data-label="{label["weighted"]}" class="num">{hours(line.weighted_hours)}</td>'
            f'\n      <td data-label="{label["valued"]}" class="num">{money(line.valued)}</td>'
            f'\n      <td data-label="{label["share"]}" class="num">{share}</td>'
            f'\n      <td data-label="{label["payee"]}">{payee}</td>'
            f'\n      <td data-label="{label["why"]}" class="run-why-cell">'
            f"<small>{conditional_escape(why(line))}</small>"
            f"\n        {reason}"
            f"\n        {form}"
            f"\n      </td>"
            f"\n      {payment}"
            "\n    </tr>\n  ")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
