"""What the project pages share: the project and envelope with their totals (through the
permission module), the rights shown on a page, the chart data, and the form-to-service step."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contribbudget.permissions import (
    get_project_for,
    member_of,
    project_role,
)

from .. import selectors
from ..forms import (
    add_errors,
)
from ..models import Envelope, Project, ProjectRole


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

