"""Coordination grains: the list, creating one, a grain's page."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from contribbudget.models import FieldOfAction, NetworkSettings
from contribbudget.permissions import (
    is_coordinator,
    member_of,
)

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

