"""Who may act on a run's lines and approve it — asked by the services (which refuse) and
by the run page (which then offers nothing it would refuse, and says who can).

Nobody decides their own pay (DESIGN.md §2): a pilot does not change their own line, and
does not approve a run that pays them; another pilot of the project or the coordination
does.
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from contribbudget.permissions import can_on_project

from .models import RetributionLine, RetributionRun


def _user_pk(user):
    return getattr(user, "pk", None)


def line_override_refusal(user, line: RetributionLine) -> str | None:
    """Why ``user`` may not change this line's money, or None when they may (the caller
    has checked they steer the project)."""
    if line.run.status != RetributionRun.Status.DRAFT:
        return _("Seule une part d'un calcul en brouillon peut être modifiée.")
    if line.member.user_id == _user_pk(user):
        return _("Vous ne pouvez pas modifier votre propre part : un·e autre pilote ou la "
                 "coordination s'en charge.")
    return None


def may_override_line(user, line: RetributionLine) -> bool:
    return (line.payee != RetributionLine.Payee.NONE
            and line_override_refusal(user, line) is None)


def approval_refusal(user, run: RetributionRun, *, paid_member_ids=None) -> str | None:
    """Why ``user`` may not approve this run because of who they are, or None. A run that
    gives them a line is approved by someone else. ``paid_member_ids`` (the run's members,
    already loaded by the page) spares a query."""
    if paid_member_ids is None:
        mine = run.lines.filter(member__user_id=_user_pk(user)).exists()
    else:
        member = getattr(user, "member", None)
        mine = member is not None and member.pk in paid_member_ids
    if mine:
        return _("Vous recevez une part de ce calcul : un·e autre pilote du projet ou la "
                 "coordination doit l'approuver.")
    return None


def may_steer(user, run: RetributionRun) -> bool:
    return can_on_project(user, run.envelope.project, "steer")
