"""The "my contributions" table (django-tables2): sortable, paginated, phone-stacked."""
from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contribbudget.formats import TABLE_DATE_FORMAT
from contribbudget.money import format_hours
from contribbudget.tables import Table

from .models import Contribution


def labelled(label) -> dict:
    """``td`` attributes giving each cell its column name, for the stacked phone layout."""
    return {"td": {"data-label": label}}


class SelectColumn(tables.CheckBoxColumn):
    """A checkbox for drafts only: bulk submit acts on drafts."""

    def render(self, value, bound_column, record):
        if record.status != Contribution.Status.DRAFT:
            return ""
        return format_html('<input type="checkbox" name="ids" value="{}" aria-label="{}">',
                           record.pk, _("Sélectionner"))


class ContributionTable(Table):
    # Every sort ends on the id: rows with equal values keep one order from page to page, so
    # none shows twice or goes missing across pages.
    select = SelectColumn(accessor="pk", orderable=False, verbose_name="",
                          attrs={"th__input": {"data-select-all": "ids",
                                               "aria-label": _("Tout sélectionner")},
                                 "td": {"data-label": _("Sélection")}})
    date = tables.DateColumn(verbose_name=_("Date"), format=TABLE_DATE_FORMAT, attrs=labelled(_("Date")),
                             order_by=("date", "pk"))
    project = tables.Column(verbose_name=_("Projet"), accessor="project__name",
                            order_by=("project__name", "pk"), attrs=labelled(_("Projet")))
    envelope = tables.Column(verbose_name=_("Enveloppe"), accessor="envelope__name",
                             order_by=("envelope__name", "pk"), attrs=labelled(_("Enveloppe")))
    kind = tables.Column(verbose_name=_("Type"), order_by=("kind", "pk"), attrs=labelled(_("Type")))
    description = tables.Column(verbose_name=_("Description"), orderable=False,
                                attrs=labelled(_("Description")))
    hours = tables.Column(verbose_name=_("Heures"), order_by=("hours", "pk"),
                          attrs={"td": {"class": "num", "data-label": _("Heures")},
                                 "th": {"class": "num"}})
    status = tables.Column(verbose_name=_("Statut"), order_by=("status", "pk"),
                           attrs=labelled(_("Statut")))
    actions = tables.Column(verbose_name="", accessor="pk", orderable=False, empty_values=(),
                            attrs=labelled(_("Actions")))

    class Meta:
        model = Contribution
        fields = ["select", "date", "project", "envelope", "kind", "description", "hours",
                  "status", "actions"]
        attrs = {"class": "striped stack contributions-table"}
        order_by = ("-date",)
        empty_text = _("Aucune contribution ne correspond à ces filtres.")
        # The body rows are written by {% contribution_rows %} from plain values.
        template_name = "contributions/mine_table.html"

    def render_kind(self, record):
        return record.get_kind_display()

    def render_description(self, record):
        text = record.description
        short = text if len(text) <= 70 else text[:69] + "…"
        return format_html('<a href="{}">{}</a>', reverse("contributions:detail",
                                                          args=[record.pk]), short)

    def render_hours(self, value):
        return format_hours(value)

    def render_status(self, record):
        badge = format_html('<span class="badge badge-{}">{}</span>', record.status,
                            record.get_status_display())
        if record.status == Contribution.Status.REJECTED and record.rejection_comment:
            return format_html('{} <small class="rejection">{}</small>', badge,
                               record.rejection_comment)
        return badge

    def render_actions(self, record):
        if not record.is_editable:
            return ""
        edit = format_html('<a href="{}">{}</a>', reverse("contributions:edit", args=[record.pk]),
                           _("Modifier"))
        return edit

    def order_date(self, queryset, is_descending):
        prefix = "-" if is_descending else ""
        return queryset.order_by(f"{prefix}date", f"{prefix}pk"), True
