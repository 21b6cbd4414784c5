"""Who may validate (or refuse) a contribution: the one rule of separation of duties,
as a queryset filter (issue 12, point 1).

Pilots of the project and coordinators review, except the member whose work it is and
whoever wrote it on that member's behalf (a pilot's import of a colleague's hours). The
validation queue, the pilot's home badge and digest, the bulk actions, the services and the
detail page all ask it (``contribbudget.permissions`` re-exports it), so they never
disagree. It depends on models only, so every layer may import it without a cycle.
"""
from __future__ import annotations

from django.db.models import Q, QuerySet

from projects.models import ProjectRole

from .models import Contribution


def _member(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "member", None)  # RelatedObjectDoesNotExist is an AttributeError


def own_or_written_by(member) -> Q:
    """Rows ``member`` never reviews: their own work and what they logged or imported for
    someone else. ``member`` may be an ``OuterRef`` (the pilots' digest counts per pilot)."""
    return Q(member=member) | Q(created_by=member)


def reviewable_by(user, queryset: QuerySet[Contribution] | None = None) -> QuerySet[Contribution]:
    """The contributions of ``queryset`` (all by default) that ``user`` may validate or
    refuse, whatever their status (callers filter the status they act on)."""
    qs = queryset if queryset is not None else Contribution.objects.all()
    member = _member(user)
    if member is None:
        return qs.none()
    qs = qs.exclude(own_or_written_by(member))
    if member.is_coordinator:
        return qs
    piloted = ProjectRole.objects.filter(member=member, role=ProjectRole.Role.PILOT)
    return qs.filter(project__in=piloted.values("project_id"))
