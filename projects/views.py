"""Project pages: projects, envelopes and their history, adjustments, transfers, adjustment
requests, coordination grains, the network overview and the public transparency page.

Views are thin: they ask :mod:`contribbudget.permissions` for the object (404 for outsiders,
403 for members lacking the right), call one service or selector, and render. Every page
runs a fixed number of queries whatever the number of rows."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from contribbudget import exports
from contribbudget.models import FieldOfAction, NetworkSettings
from contribbudget.money import to_cents
from contribbudget.permissions import (
    get_project_for,
    is_coordinator,
    member_of,
    project_role,
    sees_all_finances,
)
from contribbudget.services import history_of

from . import selectors, services
from .filters import OverviewFilter
from .forms import (
    AdjustForm,
    DecideForm,
    EnvelopeForm,
    GrainForm,
    RequestForm,
    TransferForm,
    add_errors,
)
from .models import AdjustmentRequest, CoordinationGrain, Envelope, Project, ProjectRole
from .tables import OverviewTable
from .views_team import detail_extras


def _project_with_totals(user, key, action: str) -> Project:
    queryset = selectors.projects_with_totals(Project.objects.select_related("field"))
    return get_project_for(user, key, action=action, queryset=queryset)


def _envelope_for(user, pk, action: str) -> tuple[Envelope, Project]:
    """The envelope and its project, with the project's permission check: an envelope id
    typed into the URL never bypasses it."""
    envelope = Envelope.objects.filter(pk=pk).values("project_id").first()
    if envelope is None or member_of(user) is None:
        raise Http404
    project = get_project_for(user, envelope["project_id"], action=action)
    envelope = selectors.decorate_envelope(
        selectors.envelopes_with_totals(Envelope.objects.filter(pk=pk)).get())
    envelope.project = project
    return envelope, project


def _rights(user, project: Project) -> dict:
    member = member_of(user)
    role = project_role(user, project)
    steer = role == ProjectRole.Role.PILOT or bool(member and member.is_coordinator)
    return {"role": role, "can_steer": steer, "is_team": role is not None,
            "can_request": role is not None or bool(member and member.is_coordinator),
            "can_finance": steer or bool(member and member.is_treasurer)}


def _chart(envelopes) -> dict:
    """Planned vs used per envelope for Chart.js (amounts as strings: no float here)."""
    return {"labels": [e.name for e in envelopes],
            "series": [_("Prévu"), _("Valeur des heures validées"), _("Distribué")],
            "planned": [str(e.amount) for e in envelopes],
            "used": [str(e.valued) for e in envelopes],
            "distributed": [str(e.distributed) for e in envelopes]}


# --- Projects --------------------------------------------------------------------------------

class ProjectListView(LoginRequiredMixin, TemplateView):
    """Every project a member can see (all of them: the network is transparent to its
    members), the member's own first, with their totals (one query)."""

    template_name = "projects/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = member_of(self.request.user)
        if member is None:
            raise Http404
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
        })
        # Team, open periods, copy and close (projects/views_team.py).
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


# --- Envelopes -------------------------------------------------------------------------------

def _service_form(request, form, template: str, context: dict, call, success_url: str,
                  success_message: str):
    """Validate ``form``; on success call the service ``call(form)`` and redirect; a
    service's ValidationError is shown on the form with what the user typed."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url)
    return render(request, template, {**context, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def envelope_create(request, slug: str):
    project = _project_with_totals(request.user, slug, "steer")
    form = EnvelopeForm(request.POST or None, creating=True)

    def call(form):
        return services.envelope_create(
            project=project, author=request.user, amount=form.cleaned_data["amount"] or 0,
            reason=form.cleaned_data["reason"], **form.service_kwargs())

    return _service_form(request, form, "projects/envelope_form.html",
                         {"project": project, "creating": True,
                          "unallocated": project.budget - project.allocated},
                         call, reverse("projects:detail", args=[project.slug]),
                         _("Enveloppe créée."))


@login_required
def envelope_edit(request, pk: int):
    envelope, project = _envelope_for(request.user, pk, "steer")
    form = EnvelopeForm(request.POST or None, initial=EnvelopeForm.initial_for(envelope))

    def call(form):
        return services.envelope_update(envelope=envelope, author=request.user,
                                        reason=form.cleaned_data["reason"],
                                        **form.service_kwargs())

    return _service_form(request, form, "projects/envelope_form.html",
                         {"project": project, "envelope": envelope, "creating": False},
                         call, reverse("projects:envelope_detail", args=[envelope.pk]),
                         _("Règle de l'enveloppe enregistrée."))


@login_required
def envelope_detail(request, pk: int):
    """The envelope's figures, every adjustment with who and why, and its requests."""
    envelope, project = _envelope_for(request.user, pk, "view")
    rights = _rights(request.user, project)
    adjustments = list(selectors.envelope_history(envelope))
    counterparts = selectors.transfer_counterparts(adjustments)
    for adjustment in adjustments:
        adjustment.counterpart = counterparts.get(adjustment.transfer_id, "")
    context = {
        **rights, "project": project, "envelope": envelope, "adjustments": adjustments,
        "requests": list(AdjustmentRequest.objects.filter(envelope=envelope)
                         .select_related("requested_by", "decided_by").order_by("-created_at")),
        "events": list(history_of(envelope).filter(action="envelope.updated")[:20]),
    }
    if rights["can_steer"]:
        context["adjust_form"] = AdjustForm()
        context["decide_form"] = DecideForm()
    if rights["can_request"]:
        context["request_form"] = RequestForm()
    return render(request, "projects/envelope_detail.html", context)


@login_required
def adjust(request, pk: int):
    envelope, project = _envelope_for(request.user, pk, "steer")
    form = AdjustForm(request.POST or None)

    def call(form):
        return services.envelope_adjust(envelope=envelope, delta=form.cleaned_data["delta"],
                                        reason=form.cleaned_data["reason"], author=request.user)

    return _service_form(request, form, "projects/adjust.html",
                         {"project": project, "envelope": envelope}, call,
                         reverse("projects:envelope_detail", args=[envelope.pk]),
                         _("Ajustement enregistré."))


@login_required
def transfer(request, slug: str):
    project = _project_with_totals(request.user, slug, "steer")
    form = TransferForm(request.POST or None, project=project,
                        initial={"source": request.GET.get("source")})

    def call(form):
        data = form.cleaned_data
        return services.envelope_transfer(source=data["source"], target=data["target"],
                                          amount=data["amount"], reason=data["reason"],
                                          author=request.user)

    return _service_form(request, form, "projects/transfer.html", {"project": project}, call,
                         reverse("projects:detail", args=[project.slug]),
                         _("Virement entre enveloppes enregistré."))


# --- Adjustment requests ---------------------------------------------------------------------

@login_required
def request_create(request, pk: int):
    envelope, project = _envelope_for(request.user, pk, "view")
    if not _rights(request.user, project)["can_request"]:
        raise PermissionDenied
    form = RequestForm(request.POST or None)

    def call(form):
        data = form.cleaned_data
        return services.adjustment_request_create(
            envelope=envelope, requested_by=member_of(request.user), delta=data["delta"],
            work_estimate=data["work_estimate"], reason=data["reason"])

    return _service_form(request, form, "projects/request_form.html",
                         {"project": project, "envelope": envelope}, call,
                         reverse("projects:envelope_detail", args=[envelope.pk]),
                         _("Demande envoyée aux pilotes du projet."))


@login_required
@require_POST
def request_decide(request, pk: int):
    adjustment_request = get_object_or_404(
        AdjustmentRequest.objects.select_related("envelope"), pk=pk)
    envelope, project = _envelope_for(request.user, adjustment_request.envelope_id, "steer")
    form = DecideForm(request.POST)
    back = reverse("projects:envelope_detail", args=[envelope.pk])
    if not form.is_valid():
        messages.error(request, _("Choisissez d'accepter ou de refuser la demande."))
        return redirect(back)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.adjustment_request_decide(request=adjustment_request,
                                           decided_by=member_of(request.user), accept=accept,
                                           comment=form.cleaned_data["comment"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Demande acceptée : l'enveloppe est ajustée.") if accept
                         else _("Demande refusée ; la personne est prévenue."))
    return redirect(back)


# --- Coordination grains ---------------------------------------------------------------------

@login_required
def grains(request):
    """Every grain of the network, by field of action (open to members: transparency)."""
    if member_of(request.user) is None:
        raise Http404
    network = NetworkSettings.load()
    rows = [selectors.decorate_grain(g, network.hours_per_fte_year)
            for g in selectors.grains_with_usage().order_by("field__name", "member__last_name",
                                                            "start")]
    return render(request, "projects/grains.html", {
        "grains": rows, "hours_per_fte_year": network.hours_per_fte_year,
        "can_create": is_coordinator(request.user)})


@login_required
def grain_create(request):
    if member_of(request.user) is None:
        raise Http404
    if not is_coordinator(request.user):
        raise PermissionDenied
    form = GrainForm(request.POST or None)
    created = {}

    def call(form):
        created["grain"] = services.grain_create(author=request.user, **form.cleaned_data)
        return created["grain"]

    response = _service_form(request, form, "projects/grain_form.html",
                             {"fields": FieldOfAction.objects.all()}, call,
                             reverse("projects:grains"), _("Grain de coordination créé."))
    if "grain" in created:
        return redirect("projects:grain_detail", pk=created["grain"].pk)
    return response


@login_required
def grain_detail(request, pk: int):
    if member_of(request.user) is None:
        raise Http404
    grain = get_object_or_404(selectors.grains_with_usage(CoordinationGrain.objects.all()), pk=pk)
    network = NetworkSettings.load()
    selectors.decorate_grain(grain, network.hours_per_fte_year)
    return render(request, "projects/grain_detail.html", {
        "grain": grain, "hours_per_fte_year": network.hours_per_fte_year})


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
            if member_of(request.user) is None:
                raise Http404
            if not sees_all_finances(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.network_overview(Project.objects.all())

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("export", None)
        query.pop("page", None)
        context["query"] = query.urlencode()
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
