"""A contributor's own retributions."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contribbudget.permissions import (
    get_member_for,
)

from ... import selectors_runs as sel
from ...forms_runs import (
    RunPreferenceForm,
)
from ...models import RetributionRun
from ...services import runs as run_services
from ..treasury import member_documents
from .common import _errors_to_form

# --- A contributor's retributions ----------------------------------------------------------

@login_required
def my_retributions(request):
    member = get_member_for(request.user)
    lines = list(sel.member_lines(member))
    bad = None
    if request.method == "POST":
        line = next((x for x in lines if str(x.run_id) == request.POST.get("run")), None)
        if line is None or line.run.status != RetributionRun.Status.DRAFT:
            raise Http404
        form = RunPreferenceForm(request.POST, run=line.run)
        if form.is_valid():
            try:
                run_services.run_preference_set(member=member, run=line.run,
                                                **form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Préférence enregistrée pour ce calcul : les parts "
                                            "sont recalculées."))
                return redirect("retributions:my_retributions")
        bad = (line.run_id, form)
    for line in lines:
        if line.run.status == RetributionRun.Status.DRAFT:
            if bad and bad[0] == line.run_id:
                line.preference_form = bad[1]
            else:
                line.preference_form = RunPreferenceForm(run=line.run, initial={
                    "preference": line.preference,
                    "symbolic_text": line.non_financial if line.preference == "symbolic" else ""})
    return render(request, "retributions/runs/mine.html", {
        "member": member, "lines": lines, "totals": sel.member_totals(member),
        **member_documents(member),
    }, status=400 if bad else 200)

