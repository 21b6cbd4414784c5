"""Guards for the services that are also called outside a view (imports, commands)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from contributions.models import Contribution
from projects.models import (
    Project,
)

from ..models import Member
from .contributions import can_validate_contribution
from .projects import can_on_project, can_request_adjustment
from .roles import is_coordinator, member_of

# --- Guards for the services that are also called outside a view --------------------------

def ensure_can_steer(user, project: Project) -> Member:
    """Team, open-period and closing services: the project's pilots and coordinators."""
    if not can_on_project(user, project, "steer"):
        raise PermissionDenied
    return member_of(user)


def ensure_can_request_adjustment(member: Member, project: Project) -> None:
    if not can_request_adjustment(member, project):
        raise PermissionDenied


def ensure_can_create_grain(user) -> None:
    if not is_coordinator(user):
        raise PermissionDenied


def ensure_can_validate(user, contribution: Contribution, message: str) -> None:
    if not can_validate_contribution(user, contribution):
        raise PermissionDenied(message)


