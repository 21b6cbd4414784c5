"""``{% payment_rows lines status checked %}``: the rows of the payments table.

The page shows up to 500 lines; through the template engine each of their ~40 nodes (cells,
``{% translate %}`` labels, date and money filters) cost ~160 ms a page at 1 M contributions.
Here the same markup is written once per row from plain values
(:func:`retributions.selectors_runs.payment_rows`): labels translated once per page, every
value escaped as the template escaped it, dates and amounts formatted by the same helpers
(``|date``, ``|cell_date``, ``|money``), each distinct value once (``contribbudget.lean_rows``).
The row markup is the one ``templates/retributions/payments/list.html`` had; tests compare
the two.
"""
from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from contribbudget.lean_rows import escape, labels, memo_escaped
from contribbudget.models import Member
from contribbudget.money import format_money
from contribbudget.templatetags.cb import cell_date

register = template.Library()


@register.simple_tag
def payment_rows(lines: list[dict], status: str, checked: set[str]) -> SafeString:
    day, table_day = memo_escaped(date_filter), memo_escaped(cell_date)
    money = memo_escaped(format_money)
    label = labels(payee=_("Bénéficiaire"), member=_("Membre"), project=_("Projet"),
                   period=_("Période"), amount=_("Montant"), payment=_("Paiement"),
                   place=_("lieu"), to_pay=_("à payer"))
    pay_label = _("Payer %(name)s")
    with_box = status != "paid"
    out = []
    for line in lines:
        name = escape(Member.display_name(line["member__first_name"], line["member__last_name"],
                                          line["member__user__email"]))
        cells = ["\n      <tr>\n        "]
        if with_box:
            cells.append("<td>")
            if not line["paid_on"]:
                pk = str(line["pk"])
                cells.append(f'<input type="checkbox" name="lines" value="{pk}" aria-label="'
                             f'{pay_label % {"name": name}}"'
                             f'{" checked" if pk in checked else ""}>')
            cells.append("</td>")
        if line["payee"] == "place":
            payee = (f'<strong>{escape(line["payee_place__name"] or "")}</strong> '
                     f'<small class="muted">{label["place"]}</small>')
        else:
            payee = f"<strong>{name}</strong>"
        if line["paid_on"]:
            paid = (f'<span class="badge badge-approved">{day(line["paid_on"])}</span> '
                    f'<small>{escape(line["payment_reference"])}</small>')
        else:
            paid = f'<span class="badge badge-submitted">{label["to_pay"]}</span>'
        cells.append(
            f'\n        <td data-label="{label["payee"]}">{payee}</td>'
            f'\n        <td data-label="{label["member"]}">{name}</td>'
            f'\n        <td data-label="{label["project"]}">'
            f'{escape(line["run__envelope__project__name"])} · {escape(line["run__envelope__name"])}</td>'
            f'\n        <td data-label="{label["period"]}">'
            f'{table_day(line["run__period_start"])} – {table_day(line["run__period_end"])}</td>'
            f'\n        <td data-label="{label["amount"]}" class="num">{money(line["money"])}</td>'
            f'\n        <td data-label="{label["payment"]}">{paid}</td>'
            "\n      </tr>\n    ")
        out.append("".join(cells))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
