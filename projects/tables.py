"""Tables of the project pages (django-tables2): money and hours right-aligned and formatted
in the active language."""
from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contribbudget.money import format_hours, format_money
from contribbudget.tables import Table
from contribbudget.templatetags.cb import bar_width

from .models import Project
from .selectors import project_alerts

NUM = {"th": {"class": "num"}, "td": {"class": "num"}}


class MoneyColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_money(value)


class OverviewTable(Table):
    name = tables.Column(verbose_name=_("Projet"), order_by=("name",))
    budget = MoneyColumn(verbose_name=_("Budget"))
    allocated = MoneyColumn(verbose_name=_("En enveloppes"))
    distributed = MoneyColumn(verbose_name=_("Distribué"))
    validated_hours = tables.Column(verbose_name=_("Heures validées"), attrs=NUM)
    consumption = tables.Column(verbose_name=_("Consommation"), empty_values=(),
                                orderable=False)
    alerts = tables.Column(verbose_name=_("Alertes"), empty_values=(), orderable=False)

    class Meta:
        model = Project
        fields = ()
        sequence = ("name", "budget", "allocated", "distributed", "validated_hours",
                    "consumption", "alerts")
        attrs = {"class": "striped overview-table"}
        per_page = 50
        # With filters; the view says so when the network has no project at all.
        empty_text = _("Aucun projet ne correspond à ces filtres.")
        # The body rows are written by {% overview_rows %} (same markup, ~7× cheaper).
        template_name = "projects/overview_table.html"

    def render_name(self, record):
        return format_html('<a href="{}">{}</a><br><small class="muted">{} · {}</small>',
                           reverse("projects:detail", args=[record.slug]), record.name,
                           record.field.name, record.get_phase_display())

    def render_allocated(self, record):
        return format_html('{}<br><small class="muted">{}</small>', format_money(record.allocated),
                           ngettext("%(n)d enveloppe", "%(n)d enveloppes",
                                    record.envelope_count) % {"n": record.envelope_count})

    def render_validated_hours(self, value):
        return format_hours(value)

    def render_consumption(self, record):
        """Like the project page: the larger of the hours' worth and the money distributed,
        against what the envelopes hold."""
        base = record.allocated or 0
        used = max(record.valued or 0, record.distributed or 0)
        raw = int(used * 100 / base) if base > 0 else (100 if used > 0 else 0)
        pct = min(100, raw)
        css = "over" if raw > 100 else ("warn" if raw >= 90 else "")
        return format_html('<div class="bar {}" role="img" aria-label="{} %"><span class="{}">'
                           '</span></div><small class="muted">{} %</small>', css, raw,
                           bar_width(pct), raw)

    def render_alerts(self, record):
        alerts = project_alerts(record)
        if not alerts:
            return format_html('<span class="muted">{}</span>', _("—"))
        return format_html_join(" ", '<span class="badge badge-rejected">{}</span>',
                                ((a,) for a in alerts))
