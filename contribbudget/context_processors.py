"""What the navigation needs to show each role what it can do (one query at most)."""
from .permissions import can_set_up_projects, member_of, piloted_project_ids


def navigation(request):
    member = member_of(getattr(request, "user", None))
    if member is None:
        return {"nav_member": None}
    return {
        "nav_member": member,
        "nav_is_pilot": bool(piloted_project_ids(request.user)),
        "nav_is_treasurer": member.is_treasurer,
        "nav_is_coordinator": member.is_coordinator,
        "nav_can_set_up": can_set_up_projects(request.user),
    }
