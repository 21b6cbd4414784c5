"""Pages of retribution runs, smoothing rounds, a contributor's retributions and the
treasurer's payments. Thin: permission, form, one service call, message, redirect."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contribbudget import export_jobs
from contribbudget.exports import FORMATS
from contribbudget.models import Member
from contribbudget.permissions import (
    can_on_project,
    is_treasurer,
    member_of,
    project_role,
    sees_all_finances,
)
from contribbudget.services import history_of
from contributions.models import Contribution
from projects.models import Project

from .. import exports as network_exports
from .. import selectors_runs as sel
from ..forms_runs import (
    LineOverrideForm,
    PaymentForm,
    RunCreateForm,
    RunPreferenceForm,
    SmoothingRequestForm,
    SmoothingRunForm,
)
from ..models import RetributionLine, RetributionRun, SmoothingRequest
from ..services import payments as pay_services
from ..services import runs as run_services
from ..services import smoothing as smoothing_services

RUN_LIST_LIMIT = 200


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def get_run_for(user, pk, *, action: str = "view") -> RetributionRun:
    """A run, or 404 for people with no business on its project, or 403 for members of the
    project who may not do ``action``: ``view`` (pilots, treasurers, coordinators) or
    ``steer`` (pilots, coordinators)."""
    member = member_of(user)
    if member is None:
        raise Http404
    try:
        run = RetributionRun.objects.select_related("envelope__project", "created_by__member",
                                                    "approved_by__member").get(pk=pk)
    except (RetributionRun.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    project = run.envelope.project
    if not (sees_all_finances(user) or project_role(user, project)):
        raise Http404
    if not can_on_project(user, project, "finance" if action == "view" else "steer"):
        raise PermissionDenied
    return run


def _progress_context(run: RetributionRun) -> dict:
    state = {"queued": "queued", "computing": "running", "failed": "failed"}.get(run.status, "done")
    percent = 100 if state == "done" else int(100 * run.progress_done / (run.progress_total or 1))
    return {"percent": percent, "state": state, "label": _("Calcul des parts"),
            "job_id": f"run-{run.pk}", "error": run.error,
            "poll_url": reverse("retributions:run_progress", args=[run.pk]),
            "done_url": reverse("retributions:run_detail", args=[run.pk])}


# --- Runs ----------------------------------------------------------------------------------

@login_required
def run_list(request):
    if member_of(request.user) is None:
        raise Http404
    runs = sel.runs_visible_to(request.user).annotate(line_count=Count("lines"))
    can_start = sel.steerable_projects(request.user).exists()
    if not can_start and not sees_all_finances(request.user):
        raise PermissionDenied
    return render(request, "retributions/runs/list.html", {
        "runs": runs[:RUN_LIST_LIMIT], "can_start": can_start})


@login_required
def run_create(request):
    envelopes = sel.steerable_envelopes(request.user)
    if member_of(request.user) is None:
        raise Http404
    if not sel.steerable_projects(request.user).exists():
        raise PermissionDenied
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


def _detail_context(request, run: RetributionRun, bad_form=None, bad_line_id=None) -> dict:
    project = run.envelope.project
    can_steer = can_on_project(request.user, project, "steer")
    lines = list(sel.run_lines(run))
    if can_steer and run.status == RetributionRun.Status.DRAFT:
        for line in lines:
            if line.payee == RetributionLine.Payee.NONE:
                continue  # no money for volunteers and symbolic members: nothing to override
            if line.pk == bad_line_id:
                line.override_form = bad_form
            else:
                line.override_form = LineOverrideForm(line=line, initial={"amount": line.money})
    context = {
        "run": run, "project": project, "envelope": run.envelope, "lines": lines,
        "totals": sel.run_totals(run), "can_steer": can_steer,
        "coefficients": sel.envelope_coefficients(run.envelope),
        "available_now": sel.envelope_available(run.envelope_id),
        "ledger": list(run.ledger.all()) if run.status == RetributionRun.Status.APPROVED else [],
        "history": history_of(run)[:30],
        "selected": list(run.selected_members.all())
        if run.kind == RetributionRun.Kind.SMOOTHING else [],
    }
    if run.status in (RetributionRun.Status.QUEUED, RetributionRun.Status.COMPUTING,
                      RetributionRun.Status.FAILED):
        context["progress"] = _progress_context(run)
    return context


@login_required
def run_detail(request, pk: int):
    run = get_run_for(request.user, pk)
    return render(request, "retributions/runs/detail.html", _detail_context(request, run))


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
    try:
        line = RetributionLine.objects.select_related("run").get(pk=pk)
    except RetributionLine.DoesNotExist as exc:
        raise Http404 from exc
    run = get_run_for(request.user, line.run_id, action="steer")
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


# --- Smoothing -----------------------------------------------------------------------------

@login_required
def smoothing_request_create(request):
    member = member_of(request.user)
    if member is None:
        raise Http404
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
    if member_of(request.user) is None:
        raise Http404
    projects = sel.steerable_projects(request.user).filter(envelopes__kind="reserve").distinct()
    if not sel.steerable_projects(request.user).exists():
        raise PermissionDenied
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


# --- A contributor's retributions ----------------------------------------------------------

@login_required
def my_retributions(request):
    member = member_of(request.user)
    if member is None:
        raise Http404
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
    }, status=400 if bad else 200)


# --- Payments ------------------------------------------------------------------------------

PAYMENT_STATUSES = {"unpaid": _("À payer"), "paid": _("Payées"), "all": _("Toutes")}


@login_required
def payments(request):
    if member_of(request.user) is None:
        raise Http404
    if not is_treasurer(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "unpaid")
    if status not in PAYMENT_STATUSES:
        status = "unpaid"
    fmt = request.GET.get("export")
    if fmt in FORMATS:  # the one payment export, shared with the desk
        return export_jobs.export_response(request, network_exports.PAYMENTS, fmt,
                                           {"status": status})
    form = PaymentForm(request.POST or None)
    checked: set[str] = set()
    if request.method == "POST":
        checked = set(request.POST.getlist("lines"))
        if form.is_valid():
            try:
                count = pay_services.payments_mark_paid(
                    actor=request.user, line_ids=[int(x) for x in checked if x.isdigit()],
                    **form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("%(n)s ligne(s) marquée(s) payée(s).") % {"n": count})
                return redirect(reverse("retributions:payments") + f"?status={status}")
    lines = sel.payment_lines(status).order_by(
        "payee_place__name", "member__last_name", "member__first_name", "pk")
    return render(request, "retributions/payments/list.html", {
        "lines": lines[:500], "totals": sel.payment_totals(lines), "form": form,
        "status": status, "statuses": PAYMENT_STATUSES, "checked": checked,
    }, status=400 if form.errors else 200)
