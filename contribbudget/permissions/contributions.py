"""Contributions and imports: who sees, edits, validates."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from contributions.models import Contribution, ContributionImport
from projects.models import (
    ProjectRole,
)

from .roles import is_pilot, member_of

# --- Contributions -------------------------------------------------------------------------

def can_see_contribution(user, contribution: Contribution) -> bool:
    """Drafts are private to their author. Submitted and later rows are seen by the author,
    the project's pilots, treasurers and coordinators."""
    member = member_of(user)
    if member is None:
        return False
    if contribution.member_id == member.pk:
        return True
    if contribution.status == "draft":
        return False
    return member.is_coordinator or member.is_treasurer or is_pilot(user, contribution.project)


def can_edit_contribution(user, contribution: Contribution) -> bool:
    member = member_of(user)
    return bool(member and contribution.member_id == member.pk and contribution.is_editable)


def reviewable_by(user, queryset=None):
    """The contributions of ``queryset`` (all by default) that ``user`` may validate or
    refuse, whatever their status (callers filter the status they act on) — the one rule
    of separation of duties: pilots of the project and coordinators review, except the
    member whose work it is and whoever wrote it on that member's behalf (a pilot's import
    of a colleague's hours). The validation queue, the pilot's home badge, the bulk
    actions, the services and the detail page all ask it, so they never disagree."""
    qs = queryset if queryset is not None else Contribution.objects.all()
    member = member_of(user)
    if member is None:
        return qs.none()
    qs = qs.exclude(member=member).exclude(created_by=member)
    if member.is_coordinator:
        return qs
    piloted = ProjectRole.objects.filter(member=member, role=ProjectRole.Role.PILOT)
    return qs.filter(project__in=piloted.values("project_id"))


def can_validate_contribution(user, contribution: Contribution) -> bool:
    """:func:`reviewable_by` for one row (one query)."""
    return reviewable_by(user, Contribution.objects.filter(pk=contribution.pk)).exists()


def get_contribution_for(user, pk, *, action: str = "view") -> Contribution:
    try:
        contribution = Contribution.objects.select_related(
            "member", "project", "envelope", "grain", "invited_by").get(pk=pk)
    except (Contribution.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if not can_see_contribution(user, contribution):
        raise Http404
    checks = {"view": lambda: True,
              "edit": lambda: can_edit_contribution(user, contribution),
              "validate": lambda: can_validate_contribution(user, contribution)}
    if not checks[action]():
        raise PermissionDenied
    return contribution



def get_import_for(user, pk, *, action: str = "view") -> ContributionImport:
    """An import is seen and committed by the person who uploaded it, and nobody else."""
    if member_of(user) is None:
        raise Http404
    imp = ContributionImport.objects.filter(pk=pk).first()
    if imp is None or imp.uploaded_by_id != user.pk:
        raise Http404
    return imp


