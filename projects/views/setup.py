"""Setting up a project (new or copied from an earlier one) and changing its fundings.

Thin views: :mod:`contribbudget.permissions` decides (404 outsiders, 403 members lacking
the right), one service writes; a refused setup comes back with everything typed and the
service's French messages next to what they are about."""
from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from contribbudget.money import ZERO
from contribbudget.permissions import get_funding_for, get_project_for, require_project_setup

from .. import fundings as funding_services
from .. import montage
from ..forms import add_errors
from ..forms_setup import EnvelopeFormSet, FundingForm, FundingFormSet, ProjectSetupForm
from .common import _service_form

PROJECT_KEYS = ("field", "name", "slug", "description", "start", "end", "phase", "is_open",
                "pilots")


def _initial_envelopes(source) -> list[dict]:
    if source is not None:
        return montage.copy_initial(source)["envelopes"]
    return montage.envelope_template()


@login_required
def project_setup(request, slug: str | None = None):
    """``/projets/nouveau/`` (coordinators) or ``/projets/<slug>/copier/`` (its pilots and
    coordinators): same envelopes and team as the earlier project, new fundings."""
    source = get_project_for(request.user, slug, action="view") if slug else None
    require_project_setup(request.user, source)
    funding_errors: list[str] = []
    envelope_errors: list[str] = []
    if request.method == "POST":
        form = ProjectSetupForm(request.POST)
        funding_set = FundingFormSet(request.POST, prefix="f")
        envelope_set = EnvelopeFormSet(request.POST, prefix="e")
        if form.is_valid() and funding_set.is_valid() and envelope_set.is_valid():
            funding_rows = [f.to_input() for f in funding_set if f.has_changed()]
            budget = sum((f.amount for f in funding_rows), ZERO)
            envelope_rows = [e.to_input(budget) for e in envelope_set
                             if e.cleaned_data and not e.cleaned_data.get("DELETE")]
            try:
                project = montage.project_setup(
                    author=request.user, fundings=funding_rows, envelopes=envelope_rows,
                    copy_from=source, **{k: form.cleaned_data[k] for k in PROJECT_KEYS})
            except ValidationError as error:
                details = error.message_dict
                funding_errors = details.pop("fundings", [])
                envelope_errors = details.pop("envelopes", [])
                if details:
                    add_errors(form, ValidationError(details))
            else:
                messages.success(request, _("Projet « %(name)s » monté : %(n)d enveloppe(s), "
                                            "budget réparti.") % {"name": project.name,
                                                                   "n": len(envelope_rows)})
                return redirect("projects:detail", slug=project.slug)
        status = 400
    else:
        initial = montage.copy_initial(source) if source else {}
        initial.pop("envelopes", None)
        form = ProjectSetupForm(initial=initial)
        funding_set = FundingFormSet(prefix="f")
        envelope_set = EnvelopeFormSet(prefix="e", initial=_initial_envelopes(source))
        status = 200
    template_share = sum((Decimal(e["share"]) for e in _initial_envelopes(source)), ZERO)
    return render(request, "projects/setup/form.html", {
        "form": form, "funding_set": funding_set, "envelope_set": envelope_set,
        "funding_errors": funding_errors, "envelope_errors": envelope_errors,
        "source": source, "template_share": template_share,
    }, status=status)


@login_required
def funding_create(request, slug: str):
    project = get_project_for(request.user, slug, action="steer")
    form = FundingForm(request.POST or None,
                       initial={"start": project.start, "end": project.end})

    def call(form):
        return funding_services.funding_create(project=project, author=request.user,
                                               **form.cleaned_data)

    return _service_form(request, form, "projects/setup/funding_form.html",
                         {"project": project, "creating": True}, call,
                         reverse("projects:detail", args=[project.slug]),
                         _("Financement ajouté au budget."))


@login_required
def funding_edit(request, pk: int):
    funding = get_funding_for(request.user, pk)
    project = funding.project
    form = FundingForm(request.POST or None, initial={
        k: getattr(funding, k) for k in funding_services.FUNDING_FIELDS})

    def call(form):
        return funding_services.funding_update(funding=funding, author=request.user,
                                               **form.cleaned_data)

    return _service_form(request, form, "projects/setup/funding_form.html",
                         {"project": project, "funding": funding}, call,
                         reverse("projects:detail", args=[project.slug]),
                         _("Financement modifié."))


@login_required
def funding_delete(request, pk: int):
    funding = get_funding_for(request.user, pk)
    project = funding.project
    error = None
    if request.method == "POST":
        try:
            funding_services.funding_delete(funding=funding, author=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Financement supprimé."))
            return redirect("projects:detail", slug=project.slug)
    return render(request, "projects/setup/funding_delete.html",
                  {"project": project, "funding": funding, "error": error},
                  status=400 if error else 200)
