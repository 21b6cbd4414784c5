"""Envelopes: creating, editing, their page, adjustments, transfers and adjustment requests."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contribbudget.permissions import (
    get_member_for,
    member_of,
)
from contribbudget.services import history_of

from .. import selectors, services
from ..forms import (
    AdjustForm,
    DecideForm,
    EnvelopeForm,
    RequestForm,
    TransferForm,
)
from ..models import AdjustmentRequest
from .common import _envelope_for, _project_with_totals, _rights, _service_form

# --- Envelopes -------------------------------------------------------------------------------


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
                                           decided_by=get_member_for(request.user), accept=accept,
                                           comment=form.cleaned_data["comment"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Demande acceptée : l'enveloppe est ajustée.") if accept
                         else _("Demande refusée ; la personne est prévenue."))
    return redirect(back)

