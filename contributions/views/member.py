"""The member's own pages: the contributions table (filters, export, bulk submit), the
dashboard and the preferences."""
from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from contribbudget.exports import FORMATS, Column, export_response
from contribbudget.tables import CountedPaginator

from .. import selectors, services
from ..filters import ContributionFilter
from ..forms import PreferencesForm, apply_service_errors
from ..tables import ContributionTable
from .common import member_or_404

# Lazy: translated when an export is written, in the reader's language.
EXPORT_COLUMNS = [
    Column(_lazy("Date"), "date"), Column(_lazy("Projet")), Column(_lazy("Enveloppe")),
    Column(_lazy("Type")), Column(_lazy("Description")), Column(_lazy("Heures"), "hours"),
    Column(_lazy("Statut")), Column(_lazy("Temps salarié")), Column(_lazy("Invité·e par")),
    Column(_lazy("Lien vers le livrable")), Column(_lazy("Motif du refus")),
]


# The rows of the member's export are a read: contributions.selectors.export_rows.
export_rows = selectors.export_rows


class ContributionListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """My contributions: sort, filters, pagination; ``?export=csv|xlsx`` exports what is
    filtered. Only the member's own rows are ever in the queryset."""

    table_class = ContributionTable
    filterset_class = ContributionFilter
    template_name = "contributions/mine.html"
    # The table paginates (25 a page, ?per_page= within bounds), told the count by the
    # page's summary: ListView's own paginate_by would COUNT the rows once more, and a third
    # time with the table's paginator (three COUNTs of the member's rows per page).
    paginate_by = None
    per_page = 25

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.member = member_or_404(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.contributions_of(self.member)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["member"] = self.member
        return kwargs

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in FORMATS:
            filterset = self.get_filterset(self.get_filterset_class())
            queryset = filterset.qs if filterset.is_valid() else self.get_queryset()
            queryset = queryset.order_by("-date", "-pk")
            return export_response(fmt, EXPORT_COLUMNS, export_rows(queryset),
                                   "mes-contributions")
        return super().get(request, *args, **kwargs)

    def get_table_pagination(self, table):
        self.summary = self.object_list.order_by().aggregate(n=Count("pk"), hours=Sum("hours"))
        return {"per_page": self.per_page, "paginator_class": CountedPaginator,
                "count": self.summary["n"]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for key in ("export", "page", "sort"):
            query.pop(key, None)
        context["filter_query"] = query.urlencode()
        context["summary"] = self.summary
        return context


@login_required
@require_POST
def bulk_submit(request):
    member = member_or_404(request)
    ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
    if not ids:
        messages.warning(request, _("Cochez les brouillons à soumettre."))
    else:
        try:
            n = services.contributions_submit_bulk(member=member, ids=ids, actor=request.user)
        except ValidationError as error:
            messages.error(request, _("Rien n'a été soumis. ") + " ".join(error.messages))
        else:
            messages.success(request, _("%(n)s contribution(s) soumise(s) aux pilotes.")
                             % {"n": n})
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("contributions:mine")


@login_required
def dashboard(request):
    member = member_or_404(request)
    data = selectors.dashboard(member)
    return render(request, "contributions/dashboard.html", {
        "data": data, "member": member,
        "chart_json": json.dumps(data["chart"]),
    })


@login_required
def preferences(request):
    member = member_or_404(request)
    if request.method == "POST":
        form = PreferencesForm(request.POST, member=member)
        if form.is_valid():
            try:
                services.member_preferences_update(member=member, actor=request.user,
                                                   **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Préférences enregistrées."))
                return redirect("contributions:preferences")
    else:
        form = PreferencesForm(member=member)
    return render(request, "contributions/preferences.html", {"form": form, "member": member})
