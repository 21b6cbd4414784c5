"""The network overview: every project's budget in one filterable, exportable table."""
from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from contribbudget import exports
from contribbudget.money import to_cents
from contribbudget.permissions import get_member_for

from .. import selectors
from ..filters import OverviewFilter
from ..tables import OverviewTable

# --- Network overview ------------------------------------------------------------------------

EXPORT_COLUMNS = [
    exports.Column("Projet"), exports.Column("Champ d'action"), exports.Column("Phase"),
    exports.Column("Début", "date"), exports.Column("Fin", "date"),
    exports.Column("Budget", "money"), exports.Column("En enveloppes", "money"),
    exports.Column("Non réparti", "money"), exports.Column("Enveloppes", "number"),
    exports.Column("Distribué", "money"), exports.Column("Heures validées", "hours"),
    exports.Column("Valeur des heures validées", "money"), exports.Column("Alertes"),
]


class OverviewView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """All projects with budget, envelopes, consumption and alerts, for coordinators and
    treasurers; ``?export=csv|xlsx`` downloads the filtered rows."""

    template_name = "projects/overview.html"
    filterset_class = OverviewFilter
    table_class = OverviewTable

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            get_member_for(request.user, action="finance")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.network_overview()

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in exports.FORMATS:
            filterset = self.filterset_class(request.GET, queryset=self.get_queryset(),
                                             request=request)
            rows = ([p.name, p.field.name, p.get_phase_display(), p.start, p.end,
                     to_cents(p.budget), to_cents(p.allocated), to_cents(p.budget - p.allocated),
                     p.envelope_count, to_cents(p.distributed), p.validated_hours,
                     to_cents(p.valued), " ; ".join(selectors.project_alerts(p))]
                    for p in filterset.qs)
            return exports.export_response(fmt, EXPORT_COLUMNS, rows, "vue-reseau-projets")
        return super().get(request, *args, **kwargs)

    def get_table_kwargs(self):
        # The table's own empty text speaks of filters; with none in use, nothing is there.
        if self.filterset.form.has_changed():
            return {}
        return {"empty_text": _("Le réseau n'a pas encore de projet.")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("export", None)
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context

