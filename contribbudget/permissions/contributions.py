"""Contributions and imports: who sees, edits, validates."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from contributions.models import Contribution, ContributionImport
from contributions.review_rule import own_or_written_by, reviewable_by  # noqa: F401 - the rule's home

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


