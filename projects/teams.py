"""Teams and open periods (DESIGN.md §10).

Pilots and coordinators add and remove team members and pilots; nobody raises their own
role; the last pilot of a project with a draft run stays (someone must approve or cancel
that run). Open periods are dated windows during which anyone in the network may log time
on the project; their first contribution makes them a team member (contributor role).
Every change locks the project row and writes its audit record in the same transaction.
"""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contribbudget.models import AuditEvent, Member
from contribbudget.money import format_date
from contribbudget.permissions import ensure_can_steer
from contribbudget.services import audit_record
from retributions.models import RetributionRun

from .models import OpenPeriod, Project, ProjectRole
from .montage import lock_project as _lock_project


def _d(value: datetime.date) -> str:
    return format_date(value)  # the one date format of messages


def _require_steer(actor, project: Project) -> Member:
    return ensure_can_steer(actor, project)


def _has_open_run(project: Project) -> bool:
    return RetributionRun.objects.filter(envelope__project=project,
                                         status__in=RetributionRun.OPEN_STATUSES).exists()


def _audit_role(actor, project: Project, role: ProjectRole, before: str | None,
                after: str | None, reason: str = "") -> None:
    audit_record(actor=actor, action=AuditEvent.Action.ROLE_CHANGED, obj=role, project=project,
                 reason=reason, data={"member": role.member_id, "before": before,
                                      "after": after})


@transaction.atomic
def team_set_role(*, project: Project, actor, member: Member, role: str) -> ProjectRole:
    """Add ``member`` to the team with ``role``, or change their role. Nobody raises their
    own role, and the last pilot is not turned into a contributor while a run is open."""
    me = _require_steer(actor, project)
    project = _lock_project(project.pk)
    if role not in ProjectRole.Role.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    current = ProjectRole.objects.filter(project=project, member=member).first()
    before = current.role if current else None
    if before == role:
        return current
    if member.pk == me.pk and role == ProjectRole.Role.PILOT:
        raise ValidationError({"member": _(
            "Vous ne pouvez pas vous nommer pilote vous-même : demandez-le à un·e autre pilote "
            "du projet ou à la coordination.")})
    if before == ProjectRole.Role.PILOT:
        _check_not_last_pilot(project, member)
    if current is None:
        current = ProjectRole.objects.create(project=project, member=member, role=role)
    else:
        current.role = role
        current.save(update_fields=["role"])
    _audit_role(actor, project, current, before, role)
    return current


def _check_not_last_pilot(project: Project, member: Member) -> None:
    others = (ProjectRole.objects.filter(project=project, role=ProjectRole.Role.PILOT)
              .exclude(member=member).exists())
    if not others and _has_open_run(project):
        raise ValidationError({"member": _(
            "%(name)s est la dernière personne pilote de « %(project)s », qui a un calcul de "
            "rétribution en cours : nommez d'abord un·e autre pilote, ou approuvez le calcul.")
            % {"name": member.full_name, "project": project.name}})


@transaction.atomic
def team_remove(*, project: Project, actor, member: Member) -> None:
    """Take ``member`` out of the team. Their contributions stay (they are history)."""
    _require_steer(actor, project)
    project = _lock_project(project.pk)
    current = ProjectRole.objects.filter(project=project, member=member).first()
    if current is None:
        raise ValidationError({"member": _("Cette personne ne fait pas partie de l'équipe.")})
    if current.role == ProjectRole.Role.PILOT:
        _check_not_last_pilot(project, member)
    _audit_role(actor, project, current, current.role, None)
    current.delete()


def project_team(project: Project) -> set[int]:
    """The ids of the project's team (one query): the contribution rules about newcomers and
    invitations read it; the quick log reads it once for the form and the service."""
    return set(ProjectRole.objects.filter(project=project).values_list("member_id", flat=True))


def join_on_contribution(*, project: Project, member: Member, actor) -> None:
    """A non-member's first contribution on an open project makes them a contributor of its
    team (called by the contribution service inside its transaction)."""
    role, created = ProjectRole.objects.get_or_create(project=project, member=member,
                                                      defaults={"role": "contributor"})
    if created:
        _audit_role(actor, project, role, None, role.role,
                    reason=_("Première contribution pendant une période ouverte."))


@transaction.atomic
def project_set_open(*, project: Project, actor, is_open: bool) -> Project:
    """Open the project to newcomers, or start a closed production period (team only)."""
    _require_steer(actor, project)
    project = _lock_project(project.pk)
    if project.phase == Project.Phase.CLOSED:
        raise ValidationError(_("Ce projet est clos : il ne reçoit plus de contributions."))
    if project.is_open != is_open:
        project.is_open = is_open
        project.save(update_fields=["is_open"])
        audit_record(actor=actor, action=AuditEvent.Action.OPEN_PERIOD_CHANGED, obj=project,
                     project=project, data={"is_open": is_open})
    return project


# --- Open periods -----------------------------------------------------------------------------

def open_windows(project: Project) -> list[tuple[datetime.date, datetime.date]]:
    """The project's open windows, read once per project object (an import checks many rows
    of one project: one query for all of them)."""
    cached = getattr(project, "_open_windows", None)
    if cached is None:
        cached = list(OpenPeriod.objects.filter(project=project).values_list("start", "end"))
        project._open_windows = cached
    return cached


def newcomer_refusal(project: Project, date: datetime.date | None) -> str | None:
    """Why a member outside the team may not log on ``project`` at ``date``, or None."""
    if not project.is_open:
        return _("Le projet « %(project)s » est en période de production fermée : seule son "
                 "équipe peut y contribuer.") % {"project": project.name}
    windows = open_windows(project)
    if not windows or date is None:
        return None
    if any(start <= date <= end for start, end in windows):
        return None
    listed = ", ".join(_("du %(start)s au %(end)s") % {"start": _d(s), "end": _d(e)}
                       for s, e in windows)
    return _("Le %(date)s, « %(project)s » n'est pas en période ouverte (%(windows)s) : hors de "
             "ces dates, seule son équipe y contribue. Demandez à un·e pilote de vous ajouter "
             "à l'équipe.") % {"date": _d(date), "project": project.name, "windows": listed}


@transaction.atomic
def open_period_add(*, project: Project, actor, start: datetime.date | None,
                    end: datetime.date | None, note: str = "") -> OpenPeriod:
    _require_steer(actor, project)
    project = _lock_project(project.pk)
    if project.phase == Project.Phase.CLOSED:
        raise ValidationError(_("Ce projet est clos : il ne reçoit plus de contributions."))
    errors: dict[str, list[str]] = {}
    if start is None or end is None:
        errors["start"] = [_("Indiquez le début et la fin de la période ouverte.")]
    elif end < start:
        errors["end"] = [_("La fin de la période ouverte précède son début.")]
    elif start < project.start or (project.end and end > project.end):
        errors["end"] = [_("La période ouverte doit tenir dans la période du projet (à partir "
                           "du %(start)s%(end)s).") % {
            "start": _d(project.start),
            "end": _(" jusqu'au %(end)s") % {"end": _d(project.end)} if project.end else ""}]
    elif OpenPeriod.objects.filter(project=project, start__lte=end, end__gte=start).exists():
        errors["start"] = [_("Cette période chevauche une autre période ouverte du projet : "
                             "modifiez les dates.")]
    if errors:
        raise ValidationError(errors)
    period = OpenPeriod.objects.create(project=project, start=start, end=end,
                                       note=(note or "").strip())
    audit_record(actor=actor, action=AuditEvent.Action.OPEN_PERIOD_CHANGED, obj=period,
                 project=project, data={"added": [start.isoformat(), end.isoformat()]})
    return period


@transaction.atomic
def open_period_remove(*, period: OpenPeriod, actor) -> None:
    _require_steer(actor, period.project)
    project = _lock_project(period.project_id)
    audit_record(actor=actor, action=AuditEvent.Action.OPEN_PERIOD_CHANGED, obj=period,
                 project=project,
                 data={"removed": [period.start.isoformat(), period.end.isoformat()]})
    period.delete()
