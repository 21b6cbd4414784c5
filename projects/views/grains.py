"""Coordination grains: the list, creating one, a grain's page."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from contribbudget.models import FieldOfAction, NetworkSettings
from contribbudget.permissions import get_grain_for, get_member_for, is_coordinator
from contribbudget.services import history_of

from .. import selectors, services
from ..forms import (
    GrainForm,
)
from ..models import CoordinationGrain
from .common import _service_form

# --- Coordination grains ---------------------------------------------------------------------

@login_required
def grains(request):
    """Every grain of the network, by field of action (open to members: transparency)."""
    get_member_for(request.user)
    network = NetworkSettings.load()
    rows = [selectors.decorate_grain(g, network.hours_per_fte_year)
            for g in selectors.grains_with_usage().order_by("field__name", "member__last_name",
                                                            "start")]
    return render(request, "projects/grains.html", {
        "grains": rows, "hours_per_fte_year": network.hours_per_fte_year,
        "can_create": is_coordinator(request.user)})


@login_required
def grain_create(request):
    get_member_for(request.user, action="coordinate")
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
    grain = get_grain_for(request.user, pk,
                          queryset=selectors.grains_with_usage(CoordinationGrain.objects.all()))
    network = NetworkSettings.load()
    selectors.decorate_grain(grain, network.hours_per_fte_year)
    return render(request, "projects/grain_detail.html", {
        "grain": grain, "hours_per_fte_year": network.hours_per_fte_year,
        "history": list(history_of(grain)[:30])})

