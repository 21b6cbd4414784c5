"""Server-side SVG charts for PDFs (no JavaScript in documents): plain shapes and text, which
WeasyPrint draws natively. Labels are escaped; numbers formatted the French way."""
from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from contribbudget.money import format_money

WIDTH = 640
LABEL_W = 190
BAR_W = WIDTH - LABEL_W - 20
ROW_H = 34
ACCENT = "#1f7a63"
VALUED = "#f0b429"
TRACK = "#e3ebe8"


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    if not whole or whole <= 0:
        return Decimal("0")
    return max(Decimal("0"), min(Decimal("1"), Decimal(part) / Decimal(whole)))


def consumption_chart(rows: list[dict]) -> SafeString:
    """Horizontal bars, one per envelope: the track is the envelope's amount, the green bar
    the money distributed by approved runs, the thin amber bar the valuation of the validated
    hours. ``rows``: dicts with label, amount, distributed, valued."""
    height = 30 + ROW_H * len(rows) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" class="chart" role="img">']
    for i, row in enumerate(rows):
        y = 20 + i * ROW_H
        amount = Decimal(row["amount"] or 0)
        dist_w = (_ratio(row["distributed"], amount) * BAR_W).quantize(Decimal("0.1"))
        val_w = (_ratio(row["valued"], amount) * BAR_W).quantize(Decimal("0.1"))
        label = escape(str(row["label"])[:32])
        parts.append(f'<text x="0" y="{y + 12}" font-size="10" fill="#222">{label}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{BAR_W}" height="14" fill="{TRACK}"/>')
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{dist_w}" height="14" fill="{ACCENT}"/>')
        parts.append(f'<rect x="{LABEL_W}" y="{y + 16}" width="{val_w}" height="5" fill="{VALUED}"/>')
        caption = escape(f"{format_money(row['distributed'])} / {format_money(amount)}")
        parts.append(f'<text x="{LABEL_W}" y="{y + 31}" font-size="8" fill="#555">{caption}</text>')
    legend_y = height - 8
    parts.append(f'<rect x="0" y="{legend_y - 8}" width="10" height="8" fill="{ACCENT}"/>'
                 f'<text x="14" y="{legend_y}" font-size="8">{escape(_("Distribué (calculs approuvés)"))}</text>'
                 f'<rect x="170" y="{legend_y - 8}" width="10" height="8" fill="{VALUED}"/>'
                 f'<text x="184" y="{legend_y}" font-size="8">{escape(_("Valorisation des heures validées"))}</text>'
                 f'<rect x="360" y="{legend_y - 8}" width="10" height="8" fill="{TRACK}"/>'
                 f'<text x="374" y="{legend_y}" font-size="8">{escape(_("Montant de l’enveloppe"))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above is escaped
