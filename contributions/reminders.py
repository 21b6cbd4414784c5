"""The Monday emails: a reminder to members who logged nothing in 14 days, and a digest to
pilots of the contributions waiting for them. Members who turned reminders off get neither.
One query finds the recipients; the messages go out on one SMTP connection."""
from __future__ import annotations

import datetime

from django.core.mail import EmailMessage, get_connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contribbudget.links import absolute_url
from contribbudget.models import Member
from contribbudget.money import format_hours
from projects.models import CoordinationGrain, Project, ProjectRole
from projects.selectors import HOURS, sum_subquery

from .models import Contribution
from .parsing import iso_week
from .review_rule import own_or_written_by

QUIET_DAYS = 14


def members_to_remind(today: datetime.date | None = None):
    """Members with reminders on, an active project (not closed, within its dates) or an
    active grain, and no contribution dated or logged in the last 14 days."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=QUIET_DAYS)
    active_project = ProjectRole.objects.filter(
        member=OuterRef("pk"), project__start__lte=today).exclude(
        project__phase=Project.Phase.CLOSED).filter(
        Q(project__end__isnull=True) | Q(project__end__gte=today))

    active_grain = CoordinationGrain.objects.filter(member=OuterRef("pk"), start__lte=today,
                                                    end__gte=today)
    recent = Contribution.objects.filter(member=OuterRef("pk")).filter(
        Q(date__gt=since) | Q(created_at__gt=timezone.now() - datetime.timedelta(days=QUIET_DAYS)))
    drafts = Contribution.objects.filter(member=OuterRef("pk"), status=Contribution.Status.DRAFT)
    return (Member.objects.filter(reminders_enabled=True, user__is_active=True)
            .filter(Exists(active_project) | Exists(active_grain))
            .exclude(Exists(recent)).select_related("user")
            .annotate(draft_hours=sum_subquery(drafts, "hours", HOURS)).order_by("pk"))


def week_to_fill(today: datetime.date) -> datetime.date:
    """The Monday of the week a Monday-morning reminder asks about: the one just ended."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    return this_monday - datetime.timedelta(days=7)


def send_weekly_reminders(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    monday = week_to_fill(today)
    link = absolute_url(reverse("contributions:week") + "?week=" + iso_week(monday))
    prefs = absolute_url(reverse("contributions:preferences"))
    messages = []
    with translation.override("fr"):
        for member in members_to_remind(today):
            body = render_to_string("emails/contributions_reminder.txt",
                                    {"member": member, "link": link, "prefs": prefs,
                                     "days": QUIET_DAYS, "monday": monday,
                                     "drafts": format_hours(member.draft_hours)
                                     if member.draft_hours else ""})
            messages.append(EmailMessage(_("Vos heures des deux dernières semaines ?"), body,
                                         None, [member.user.email]))
    return _send(messages)


def waiting_per_pilot() -> dict[int, dict]:
    """``{member_id: {"member": Member, "projects": [(name, count, hours)]}}`` for pilots with
    reminders on and submitted contributions by others on their projects (one query)."""
    # What each pilot may validate: the queue's rule (never their own work, nor what they
    # wrote for someone else), per pilot.
    waiting = Contribution.objects.filter(project=OuterRef("project"),
                                          status=Contribution.Status.SUBMITTED).exclude(
        own_or_written_by(OuterRef("member")))
    count = waiting.order_by().values("project").annotate(n=Count("pk")).values("n")[:1]
    roles = (ProjectRole.objects.filter(role=ProjectRole.Role.PILOT,
                                        member__reminders_enabled=True,
                                        member__user__is_active=True)
             .annotate(n=Subquery(count, output_field=IntegerField()),
                       hours=sum_subquery(waiting, "hours", HOURS))
             .filter(n__gt=0).select_related("member__user", "project")
             .order_by("member_id", "project__name"))
    out: dict[int, dict] = {}
    for role in roles:
        entry = out.setdefault(role.member_id, {"member": role.member, "projects": []})
        entry["projects"].append((role.project.name, role.n, role.hours))
    return out


def send_pilot_digests() -> int:
    link = absolute_url(reverse("contributions:validation"))
    prefs = absolute_url(reverse("contributions:preferences"))
    messages = []
    with translation.override("fr"):
        for entry in waiting_per_pilot().values():
            total = sum(n for _name, n, _h in entry["projects"])
            body = render_to_string("emails/contributions_digest.txt",
                                    {"member": entry["member"], "projects": entry["projects"],
                                     "total": total, "link": link, "prefs": prefs})
            messages.append(EmailMessage(
                _("%(n)s contribution(s) à valider") % {"n": total}, body, None,
                [entry["member"].user.email]))
    return _send(messages)


def _send(messages: list[EmailMessage]) -> int:
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
