"""The project page's team and open-period actions, and closing a project.

Small POST views for the team and the periods (the forms live on the project page); a
page for closing (the checklist, then the form). Permissions from
:mod:`contribbudget.permissions`: ``steer`` (the project's pilots and coordinators)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contribbudget.models import Member
from contribbudget.permissions import (
    can_copy_project,
    get_open_period_for,
    get_project_for,
    member_of,
)

from .. import closing, teams
from ..forms import add_errors
from ..forms_setup import CloseForm, OpenPeriodForm, TeamForm
from ..list_cache import cached_member_select
from ..models import OpenPeriod, Project


def detail_extras(user, project: Project, can_steer: bool) -> dict:
    """What the project page adds for the team, the open periods, copying and closing
    (one query for the periods)."""
    extras = {"open_periods": list(OpenPeriod.objects.filter(project=project)),
              "can_copy": can_copy_project(user, project),
              "can_close": can_steer and project.phase != Project.Phase.CLOSED}
    if can_steer:
        extras["team_form"] = TeamForm(auto_id="team_%s")
        extras["team_member_select"] = cached_member_select(extras["team_form"])
        extras["period_form"] = OpenPeriodForm(auto_id="period_%s")
        extras["me"] = member_of(user)
    return extras


def _flash_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def team_set(request, slug: str):
    """Add a member with a role, or change a member's role."""
    project = get_project_for(request.user, slug, action="steer")
    form = TeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une personne et un rôle."))
    else:
        try:
            role = teams.team_set_role(project=project, actor=request.user,
                                       member=form.cleaned_data["member"],
                                       role=form.cleaned_data["role"])
        except ValidationError as error:
            _flash_errors(request, error)
        else:
            messages.success(request, _("%(name)s : %(role)s.") % {
                "name": role.member.full_name, "role": role.get_role_display()})
    return redirect("projects:detail", slug=project.slug)


@login_required
@require_POST
def team_remove(request, slug: str, member_id: int):
    project = get_project_for(request.user, slug, action="steer")
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        messages.error(request, _("Cette personne ne fait pas partie de l'équipe."))
        return redirect("projects:detail", slug=project.slug)
    try:
        teams.team_remove(project=project, actor=request.user, member=member)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("%(name)s ne fait plus partie de l'équipe ; ses "
                                    "contributions restent.") % {"name": member.full_name})
    return redirect("projects:detail", slug=project.slug)


@login_required
@require_POST
def open_period_add(request, slug: str):
    project = get_project_for(request.user, slug, action="steer")
    form = OpenPeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le début et la fin de la période ouverte."))
    else:
        try:
            teams.open_period_add(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _flash_errors(request, error)
        else:
            messages.success(request, _("Période ouverte ajoutée."))
    return redirect("projects:detail", slug=project.slug)


@login_required
@require_POST
def set_open(request, slug: str):
    """The project's switch: open to newcomers, or a closed production period."""
    project = get_project_for(request.user, slug, action="steer")
    is_open = request.POST.get("is_open") == "1"
    try:
        teams.project_set_open(project=project, actor=request.user, is_open=is_open)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("Le projet est ouvert aux nouveaux·elles.") if is_open
                         else _("Période de production fermée : seule l'équipe contribue."))
    return redirect("projects:detail", slug=project.slug)


@login_required
@require_POST
def open_period_remove(request, pk: int):
    period = get_open_period_for(request.user, pk)
    teams.open_period_remove(period=period, actor=request.user)
    messages.success(request, _("Période ouverte retirée."))
    return redirect("projects:detail", slug=period.project.slug)


@login_required
def project_close(request, slug: str):
    """The checklist, then the closing form (pilots and coordinators)."""
    project = get_project_for(request.user, slug, action="steer")
    policy, percent = closing.default_policy()
    form = CloseForm(request.POST or None, initial={"policy": policy, "commons_percent": percent})
    if project.phase == Project.Phase.CLOSED:
        messages.info(request, _("Ce projet est déjà clos."))
        return redirect("projects:detail", slug=project.slug)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            closing.project_close(project=project, actor=request.user, policy=data["policy"],
                                  commons_percent=data["commons_percent"],
                                  reason=data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Projet clos : les saisies sont arrêtées et ce qui "
                                        "restait a été versé selon la politique choisie."))
            return redirect("projects:detail", slug=project.slug)
    checklist = closing.closing_checklist(project)
    chosen = form.data.get("policy") if form.is_bound else policy
    try:
        chosen_percent = int(form.data.get("commons_percent", percent)) if form.is_bound \
            else percent
    except ValueError:
        chosen_percent = percent
    moves = closing.closing_moves(checklist["envelopes"], chosen or policy,
                                  max(0, min(100, chosen_percent)))
    return render(request, "projects/setup/close.html", {
        "project": project, "form": form, "checklist": checklist,
        "moves": closing.describe_moves(moves)},
        status=400 if request.method == "POST" else 200)
