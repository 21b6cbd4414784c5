"""Who may validate (or refuse) a contribution — the one rule, as a queryset filter.

A row may be reviewed by the pilots of its project and by coordinators, except by the
member whose work it is and by whoever wrote it on that member's behalf (a pilot's import
of a colleague's hours): separation of duties, so nobody both declares and validates the
same hours. The validation queue, the pilot's home badge, the bulk actions, the services
and the detail page all call :func:`reviewable_by`, so they can never disagree.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .permissions import member_of

if TYPE_CHECKING:
    from contributions.models import Contribution


def reviewable_by(user, queryset: QuerySet[Contribution] | None = None) -> QuerySet[Contribution]:
    """The contributions of ``queryset`` (all by default) that ``user`` may validate or
    refuse, whatever their status (callers filter the status they act on)."""
    from contributions.models import Contribution as ContributionModel
    from projects.models import ProjectRole

    qs = queryset if queryset is not None else ContributionModel.objects.all()
    member = member_of(user)
    if member is None:
        return qs.none()
    qs = qs.exclude(member=member).exclude(created_by=member)
    if member.is_coordinator:
        return qs
    piloted = ProjectRole.objects.filter(member=member, role=ProjectRole.Role.PILOT)
    return qs.filter(project__in=piloted.values("project_id"))


def can_validate_contribution(user, contribution: Contribution) -> bool:
    """The same rule for one row (one query)."""
    from contributions.models import Contribution as ContributionModel

    return reviewable_by(user, ContributionModel.objects.filter(pk=contribution.pk)).exists()

