"""Smoothing rounds: a member's request, and the pilot starting a round."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contribbudget.models import Member
from contribbudget.permissions import (
    get_member_for,
)
from contributions.models import Contribution
from projects.models import Project

from ... import selectors_runs as sel
from ...forms_runs import (
    SmoothingRequestForm,
    SmoothingRunForm,
)
from ...models import SmoothingRequest
from ...services import smoothing as smoothing_services
from .common import _errors_to_form

# --- Smoothing -----------------------------------------------------------------------------

@login_required
def smoothing_request_create(request):
    member = get_member_for(request.user)
    projects = Project.objects.filter(contributions__member=member).distinct()
    form = SmoothingRequestForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            smoothing_services.smoothing_request_create(member=member, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Demande de lissage envoyée aux pilotes du projet."))
            return redirect("retributions:my_retributions")
    mine = SmoothingRequest.objects.filter(member=member).select_related("project")[:50]
    return render(request, "retributions/runs/smoothing_request.html",
                  {"form": form, "mine": mine}, status=400 if form.errors else 200)


@login_required
def smoothing_run_create(request):
    get_member_for(request.user, action="steer")
    projects = sel.steerable_projects(request.user).filter(envelopes__kind="reserve").distinct()
    data = request.POST if request.method == "POST" else (request.GET or None)
    project = None
    raw_project = (data or {}).get("project")
    if raw_project and str(raw_project).isdigit():
        project = projects.filter(pk=raw_project).first()
    members = Member.objects.none()
    askers: dict[int, SmoothingRequest] = {}
    if project is not None:
        members = Member.objects.filter(
            Q(contributions__project=project,
              contributions__status__in=[Contribution.Status.VALIDATED,
                                         Contribution.Status.RETRIBUTED])
            | Q(smoothing_requests__project=project)).distinct()
        askers = {r.member_id: r for r in SmoothingRequest.objects.filter(project=project)}
    form = SmoothingRunForm(data, projects=projects, members=members)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            run = smoothing_services.smoothing_run_create(
                actor=request.user, project=cleaned["project"],
                period_start=cleaned["period_start"], period_end=cleaned["period_end"],
                members=cleaned["members"])
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Tour de lissage lancé."))
            return redirect("retributions:run_detail", run.pk)
    # Askers first, then the others, by name.
    choices = sorted(members, key=lambda m: (m.pk not in askers, m.last_name, m.first_name))
    selected = {str(v) for v in (data.getlist("members") if data is not None
                                 and hasattr(data, "getlist") else [])}
    if not selected and request.method != "POST":
        selected = {str(pk) for pk in askers}
    rows = [{"member": m, "request": askers.get(m.pk), "checked": str(m.pk) in selected}
            for m in choices]
    return render(request, "retributions/runs/smoothing_run.html", {
        "form": form, "project": project, "rows": rows, "projects": projects},
        status=400 if request.method == "POST" and form.errors else 200)

