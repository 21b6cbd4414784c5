"""Runs: the list, starting one, its page and progress, overriding a line, approving,
recomputing, cancelling."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contribbudget.permissions import (
    can_on_project,
    get_line_for,
    get_member_for,
    get_run_for,
    run_with_rights,
)
from contribbudget.services import history_of

from ... import selectors_runs as sel
from ...forms_runs import (
    LineOverrideForm,
    RunCreateForm,
)
from ...models import RetributionRun
from ...run_rules import approval_refusal, may_override_line
from ...services import runs as run_services
from .common import RUN_LIST_LIMIT, _error_text, _errors_to_form, _progress_context

# --- Runs ----------------------------------------------------------------------------------

@login_required
def run_list(request):
    get_member_for(request.user, action="runs")
    runs = sel.runs_visible_to(request.user).annotate(line_count=Count("lines"))
    can_start = sel.steerable_projects(request.user).exists()
    return render(request, "retributions/runs/list.html", {
        "runs": runs[:RUN_LIST_LIMIT], "can_start": can_start})


@login_required
def run_create(request):
    envelopes = sel.steerable_envelopes(request.user)
    get_member_for(request.user, action="steer")
    form = RunCreateForm(request.POST or None, envelopes=envelopes,
                         initial={"envelope": request.GET.get("envelope")})
    if request.method == "POST" and form.is_valid():
        try:
            run = run_services.run_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Calcul lancé : les parts sont en cours de calcul."))
            return redirect("retributions:run_detail", run.pk)
    return render(request, "retributions/runs/create.html", {"form": form},
                  status=400 if form.errors else 200)


def _detail_context(request, run: RetributionRun, bad_form=None, bad_line_id=None,
                    can_steer: bool | None = None) -> dict:
    project = run.envelope.project
    if can_steer is None:
        can_steer = can_on_project(request.user, project, "steer")
    approved = run.status == RetributionRun.Status.APPROVED
    lines = list(sel.run_lines(run))
    if can_steer and run.status == RetributionRun.Status.DRAFT:
        for line in lines:
            line.run = run
            if not may_override_line(request.user, line):
                continue  # volunteers, symbolic members and one's own line: the server refuses
            if line.pk == bad_line_id:
                line.override_form = bad_form
            else:
                line.override_form = LineOverrideForm(line=line, initial={"amount": line.money})
    context = {
        "run": run, "project": project, "envelope": run.envelope, "lines": lines,
        "totals": sel.run_totals(run), "can_steer": can_steer,
        "coefficients": sel.envelope_coefficients(run.envelope),
        # An approved run shows what was available when it was approved (two queries saved).
        "available_now": None if approved else sel.envelope_available(run.envelope_id),
        "ledger": list(run.ledger.all()) if approved else [],
        "history": history_of(run)[:30],
        "approval_refusal": approval_refusal(request.user, run, paid_member_ids={
            line.member_id for line in lines}) if can_steer else None,
        "kept_overrides": {entry["member"] for entry in
                           (run.carried_overrides or {}).get("kept", [])},
        "dropped_overrides": (run.carried_overrides or {}).get("dropped", []),
        "selected": list(run.selected_members.all())
        if run.kind == RetributionRun.Kind.SMOOTHING else [],
    }
    if run.status in (RetributionRun.Status.QUEUED, RetributionRun.Status.COMPUTING,
                      RetributionRun.Status.FAILED):
        context["progress"] = _progress_context(run)
    return context


@login_required
def run_detail(request, pk: int):
    run, can_steer = run_with_rights(request.user, pk)
    return render(request, "retributions/runs/detail.html",
                  _detail_context(request, run, can_steer=can_steer))


@login_required
def run_progress(request, pk: int):
    """The progress fragment, polled by htmx; once the run is computed the page reloads."""
    run = get_run_for(request.user, pk)
    context = _progress_context(run)
    response = render(request, "includes/_progress.html", context)
    if context["state"] in ("done", "failed") and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_line_override(request, pk: int):
    line = get_line_for(request.user, pk, action="steer")
    run = line.run
    form = LineOverrideForm(request.POST, line=line)
    if form.is_valid():
        try:
            run_services.run_line_override(actor=request.user, line=line, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Part de %(name)s modifiée.") % {"name": line.member})
            return redirect(reverse("retributions:run_detail", args=[run.pk]) + f"#line-{line.pk}")
    messages.error(request, _("La part de %(name)s n'a pas été modifiée : voyez le motif "
                              "ci-dessous.") % {"name": line.member})
    context = _detail_context(request, run, bad_form=form, bad_line_id=line.pk)
    context["open_line"] = line.pk
    return render(request, "retributions/runs/detail.html", context, status=400)


@login_required
@require_POST
def run_approve(request, pk: int):
    run = get_run_for(request.user, pk, action="steer")
    was_approved = run.status == RetributionRun.Status.APPROVED
    try:
        run = run_services.run_approve(actor=request.user, run=run)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if was_approved:
            messages.info(request, _("Ce calcul était déjà approuvé."))
        else:
            messages.success(request, _("Calcul approuvé : %(total)s distribués, les "
                                        "contributions sont rétribuées.") % {
                "total": f"{run.distributed:.2f}".replace(".", ",") + "\u00a0€"})
    return redirect("retributions:run_detail", run.pk)


@login_required
@require_POST
def run_recompute(request, pk: int):
    run = get_run_for(request.user, pk, action="steer")
    try:
        run_services.run_recompute(actor=request.user, run=run)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Le calcul est relancé."))
    return redirect("retributions:run_detail", run.pk)


@login_required
@require_POST
def run_cancel(request, pk: int):
    run = get_run_for(request.user, pk, action="steer")
    try:
        run_services.run_cancel(actor=request.user, run=run)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Le calcul est abandonné."))
    return redirect("retributions:run_detail", run.pk)

