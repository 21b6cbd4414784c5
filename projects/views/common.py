"""What the project pages share: the project and envelope with their totals (through the
permission module), the rights shown on a page, the chart data, and the form-to-service step."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contribbudget.permissions import get_envelope_for, get_project_for, project_rights

from .. import selectors
from ..forms import (
    add_errors,
)
from ..models import Envelope, Project


def _project_with_totals(user, key, action: str) -> Project:
    return get_project_for(user, key, action=action,
                           queryset=selectors.projects_with_totals_and_field())


def _envelope_for(user, pk, action: str) -> tuple[Envelope, Project]:
    """The envelope and its project, with the project's permission check: an envelope id
    typed into the URL never bypasses it."""
    envelope = get_envelope_for(user, pk, action=action,
                                queryset=selectors.envelopes_with_totals(Envelope.objects.all()))
    project = envelope.project
    envelope = selectors.decorate_envelope(envelope)
    envelope.project = project
    return envelope, project


#: What a project's pages show the user may do: decided by the permission module.
_rights = project_rights


def _chart(envelopes) -> dict:
    """Planned vs used per envelope for Chart.js (amounts as strings: no float here)."""
    return {"labels": [e.name for e in envelopes],
            "series": [_("Prévu"), _("Valeur des heures validées"), _("Distribué")],
            "planned": [str(e.amount) for e in envelopes],
            "used": [str(e.valued) for e in envelopes],
            "distributed": [str(e.distributed) for e in envelopes]}


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

