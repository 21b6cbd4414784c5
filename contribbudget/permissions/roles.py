"""Who someone is in the network: their member profile, network roles, the projects they pilot."""
from __future__ import annotations

from projects.models import (
    Project,
    ProjectRole,
)

from ..models import Member

#: The attribute of a project instance that keeps its readers' roles (member id → role).
ROLE_MEMO = "_roles_read"


def member_of(user) -> Member | None:
    """The member profile of a logged-in user, or None (anonymous, or an account without one)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.member
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
        return None


def is_coordinator(user) -> bool:
    member = member_of(user)
    return bool(member and member.is_coordinator)


def is_treasurer(user) -> bool:
    member = member_of(user)
    return bool(member and member.is_treasurer)


def sees_all_finances(user) -> bool:
    """Treasurers and coordinators read everything financial, network-wide."""
    return is_treasurer(user) or is_coordinator(user)


def project_role(user, project: Project) -> str | None:
    """The user's role on the project, or None. Read once per project instance that
    :func:`~contribbudget.permissions.get_project_for` returned (it lives for one request):
    the project page asked three times — its permission, its rights, "may copy"."""
    member = member_of(user)
    if member is None:
        return None
    memo = getattr(project, ROLE_MEMO, None)
    if memo is not None and member.pk in memo:
        return memo[member.pk]
    role = (ProjectRole.objects.filter(project=project, member=member)
            .values_list("role", flat=True).first())
    if memo is not None:
        memo[member.pk] = role
    return role


def is_pilot(user, project: Project) -> bool:
    return project_role(user, project) == ProjectRole.Role.PILOT


def piloted_project_ids(user) -> list[int]:
    member = member_of(user)
    if member is None:
        return []
    # No order: the ids are tested or filtered on, and the roles' default order (project
    # and member names) joined both tables on every page (the navigation asks too).
    return list(ProjectRole.objects.filter(member=member, role=ProjectRole.Role.PILOT)
                .order_by().values_list("project_id", flat=True))


def steered_projects(user):
    """Projects the user steers — validates their contributions, starts their runs: those
    they pilot, all of them for a coordinator."""
    member = member_of(user)
    if member is None:
        return Project.objects.none()
    if member.is_coordinator:
        return Project.objects.all()
    return Project.objects.filter(roles__member=member, roles__role=ProjectRole.Role.PILOT)


