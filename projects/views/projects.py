"""The project list, a project's page and its public transparency page."""
from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from contribbudget.models import NetworkSettings
from contribbudget.permissions import get_member_for
from contribbudget.services import history_of

from .. import selectors
from ..forms import (
    TransferForm,
)
from ..models import AdjustmentRequest, Project, ProjectRole
from .common import _chart, _project_with_totals, _rights
from .team import detail_extras

HISTORY_SHOWN = 30

# --- Projects --------------------------------------------------------------------------------

class ProjectListView(LoginRequiredMixin, TemplateView):
    """Every project a member can see (all of them: the network is transparent to its
    members), the member's own first, with their totals (one query)."""

    template_name = "projects/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = get_member_for(self.request.user)
        my_role = ProjectRole.objects.filter(project=OuterRef("pk"), member=member).values("role")[:1]
        projects = list(selectors.projects_with_totals(Project.objects.select_related("field"))
                        .annotate(my_role=Subquery(my_role)).order_by("field__name", "name"))
        context["mine"] = [p for p in projects if p.my_role]
        context["others"] = [p for p in projects if not p.my_role]
        return context


class ProjectDetailView(LoginRequiredMixin, TemplateView):
    template_name = "projects/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = _project_with_totals(self.request.user, self.kwargs["slug"], "view")
        rights = _rights(self.request.user, project)
        network = NetworkSettings.load()
        envelopes = selectors.project_envelopes(project)
        team = selectors.project_team(project)
        context.update(rights)
        context.update({
            "project": project,
            "fundings": list(project.fundings.all()),
            "envelopes": envelopes,
            "unallocated": project.budget - project.allocated,
            "team": team,
            "others": selectors.project_other_contributors(project),
            "grains": selectors.project_grains(project, network.hours_per_fte_year),
            "chart": _chart(envelopes),
            # Its team, fundings and grains changes, newest first (one query).
            "history": list(history_of(project)[:HISTORY_SHOWN]),
        })
        # Team, open periods, copy and close (projects/views/team.py).
        context.update(detail_extras(self.request.user, project, rights["can_steer"]))
        if rights["can_steer"]:
            context["outliers"] = selectors.daily_rate_outliers(
                team, envelopes, network.daily_rate_outlier_factor)
            context["outlier_factor"] = network.daily_rate_outlier_factor
            context["pending_requests"] = list(
                AdjustmentRequest.objects.filter(envelope__project=project, status="pending")
                .select_related("envelope", "requested_by").order_by("created_at"))
            if len(envelopes) >= 2:
                context["transfer_form"] = TransferForm(project=project)
        return context


# --- Public transparency page ----------------------------------------------------------------

def public(request, slug: str):
    """No login. 404 unless the project opted in: nothing leaks about the others."""
    queryset = selectors.projects_with_totals(
        Project.objects.select_related("field").filter(public_page=True))
    project = get_object_or_404(queryset, slug=slug)
    envelopes = selectors.project_envelopes(project)
    contributors = selectors.public_contributors(project)
    named = project.public_names == Project.PublicNames.NAMED
    for index, row in enumerate(contributors, start=1):
        row["label"] = (f"{row['member__first_name']} {row['member__last_name']}" if named
                        else _("Contributeur·rice %(n)d") % {"n": index})
    return render(request, "projects/public.html", {
        "project": project, "envelopes": envelopes, "contributors": contributors,
        "fundings": list(project.fundings.all()),
        "chart": _chart(envelopes)})
