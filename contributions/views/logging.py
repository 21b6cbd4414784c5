"""Logging time: the quick log (htmx), editing, deleting, the contribution's page and the
week timesheet."""
from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contribbudget import limits
from contribbudget.money import format_hours
from contribbudget.permissions import (
    can_edit_contribution,
    can_validate_contribution,
    get_contribution_for,
)
from contribbudget.services import history_of

from .. import calendar, option_cache, selectors, services, timesheet
from ..forms import ContributionForm, RejectForm, apply_service_errors
from ..models import Contribution
from ..parsing import ParseError, iso_week, parse_week, week_start
from .common import member_or_404


def _recent(member):
    return selectors.recent_of(member)


@login_required
def quick_log(request):
    """Log a contribution in seconds. With htmx the form and the list below it are swapped
    in place (no reload); without JavaScript it is a plain form and redirect."""
    member = member_or_404(request)
    created = None
    if request.method == "POST":
        form = ContributionForm(request.POST, member=member)
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                created = services.contribution_create(
                    member=member, actor=request.user, submit=submit,
                    client_token=form.cleaned_data.get("client_token"), team=form.team,
                    **form.service_kwargs())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                text = (_("Contribution soumise : %(hours)s le %(date)s.") if submit
                        else _("Brouillon enregistré : %(hours)s le %(date)s."))
                message = text % {"hours": format_hours(created.hours),
                                  "date": date_format(created.date, "j F Y")}
                if not request.htmx:
                    messages.success(request, message)
                    return redirect("contributions:quick_log")
                # A fresh form for the next entry, keeping the context (day, project, kind).
                # The page's project and envelope selects stay when nothing they list has
                # changed (same generations, and no new team joined: no "(ouvert)" to drop).
                same_lists = (request.POST.get("lists") == option_cache.stamp(member)
                              and form.team is not None and member.pk in form.team)
                form = ContributionForm(member=member, grains=form.grains,
                                        keep_lists=created if same_lists else None, initial={
                    "date": created.date, "project": created.project_id,
                    "envelope": created.envelope_id, "kind": created.kind,
                    "client_token": uuid.uuid4()})
                return render(request, "contributions/_quick_log_zone.html",
                              {"form": form, "recent": _recent(member), "created": created,
                               "message": message, "lists": option_cache.stamp(member)})
        if request.htmx:
            return render(request, "contributions/_quick_log_zone.html",
                          {"form": form, "recent": _recent(member),
                           "lists": option_cache.stamp(member)})
    else:
        form = ContributionForm(member=member)
    return render(request, "contributions/quick_log.html",
                  {"form": form, "recent": _recent(member), "created": created,
                   "lists": option_cache.stamp(member)})


@login_required
def contribution_detail(request, pk: int):
    contribution = get_contribution_for(request.user, pk, action="view")
    reject_form = RejectForm()
    return render(request, "contributions/detail.html", {
        "c": contribution,
        "history": list(history_of(contribution)),
        "can_edit": can_edit_contribution(request.user, contribution),
        "can_review": can_validate_contribution(request.user, contribution)
        and contribution.status == Contribution.Status.SUBMITTED,
        "reject_form": reject_form,
    })


@login_required
def contribution_edit(request, pk: int):
    contribution = get_contribution_for(request.user, pk, action="edit")
    member = contribution.member
    if request.method == "POST":
        form = ContributionForm(request.POST, member=member, instance=contribution)
        if form.is_valid():
            try:
                updated = services.contribution_update(
                    contribution=contribution, actor=request.user,
                    submit=request.POST.get("action") == "submit", **form.service_kwargs())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if (contribution.status == Contribution.Status.VALIDATED
                        and updated.status == Contribution.Status.SUBMITTED):
                    messages.warning(request, _("Contribution modifiée : elle était validée, elle "
                                                "repart en validation auprès des pilotes."))
                else:
                    messages.success(request, _("Contribution modifiée."))
                return redirect("contributions:detail", pk=updated.pk)
    else:
        form = ContributionForm(member=member, instance=contribution)
    return render(request, "contributions/edit.html", {"form": form, "c": contribution})


@login_required
def contribution_delete(request, pk: int):
    contribution = get_contribution_for(request.user, pk, action="edit")
    if request.method == "POST":
        try:
            services.contribution_delete(contribution=contribution, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("contributions:detail", pk=pk)
        messages.success(request, _("Brouillon supprimé."))
        return redirect("contributions:mine")
    return render(request, "contributions/delete.html", {"c": contribution})


@login_required
def week(request):
    """The week timesheet: ``?week=2026-W47`` or ``?date=2026-11-23``."""
    member = member_or_404(request)
    today = timezone.localdate()
    status = 200
    try:
        monday = parse_week(request.GET.get("week") or request.POST.get("week"),
                            request.GET.get("date"), today)
    except ParseError as error:
        # Out of range: say so and show this week; a POST for that week saves nothing.
        messages.error(request, str(error))
        monday, status = week_start(today), 400
    if request.method == "POST" and status == 200:
        rows = timesheet.rows_from_post(member, monday, request.POST)
        try:
            result = timesheet.timesheet_save(member=member, actor=request.user, monday=monday,
                                              rows=rows,
                                              submit=request.POST.get("action") == "submit")
        except timesheet.TimesheetError as error:
            rows = error.rows
            rows.append(timesheet.blank_row(monday))
            messages.error(request, _("Rien n'a été enregistré : corrigez les cases signalées."))
            status = 422
        else:
            if result["submitted"]:
                messages.success(request, _("Semaine enregistrée et soumise aux pilotes (%(n)s "
                                            "contribution(s)).") % {"n": result["submitted"]})
            else:
                messages.success(request, _("Semaine enregistrée en brouillon."))
            return redirect(reverse("contributions:week") + "?week=" + iso_week(monday))
    elif request.GET.get("copier"):
        rows = calendar.copy_previous_week(member, monday,
                                           with_hours=request.GET.get("heures") == "1")
        messages.info(request, _("Lignes de la semaine précédente copiées : vérifiez, puis "
                                 "enregistrez."))
    else:
        rows = timesheet.build_rows(member, monday, blank_rows=1 if _has_rows(member, monday)
                                    else 2)
    days = timesheet.week_days(monday)
    # The grid's envelope options, written once per member and generation ("" if none).
    envelopes = option_cache.week_options(member)
    html = render_to_string("contributions/week.html", {
        "rows": rows, "days": days,
        "day_totals": list(zip(days, timesheet.column_totals(rows), strict=True)),
        "grand_total": sum(timesheet.column_totals(rows)),
        "monday": monday, "week_code": iso_week(monday),
        "prev_week": iso_week(monday - datetime.timedelta(days=7)),
        "next_week": iso_week(monday + datetime.timedelta(days=7)),
        "this_week": iso_week(today), "is_current": monday == timesheet.week_days(monday)[0]
        and monday <= today <= days[-1], "can_go_next": days[-1] < today,
        "envelopes": envelopes, "kinds": timesheet.TIMESHEET_KINDS, "today": today,
        "calendar": calendar.calendar_days(member, days),
        "description_max": limits.DESCRIPTION, "splice_options": True,
    }, request)
    return HttpResponse(option_cache.splice(html, envelopes), status=status)


def _has_rows(member, monday) -> bool:
    days = timesheet.week_days(monday)
    return Contribution.objects.filter(member=member, date__gte=days[0],
                                       date__lte=days[-1]).exists()
