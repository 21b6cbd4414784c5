"""What the navigation needs to show each role what it can do (one query at most a request)."""
from .permissions import can_set_up_projects, member_of, piloted_project_ids


def navigation(request):
    # Kept on the request: every template rendered with the request runs the context
    # processors again (django-tables2's {% render_table %}, included fragments), and the
    # pilot lookup would be one more query each time. Computed at the first render, after
    # the view has written whatever it writes.
    cached = getattr(request, "_cb_navigation", None)
    if cached is not None:
        return cached
    member = member_of(getattr(request, "user", None))
    if member is None:
        context = {"nav_member": None}
    else:
        context = {
            "nav_member": member,
            "nav_is_pilot": bool(piloted_project_ids(request.user)),
            "nav_is_treasurer": member.is_treasurer,
            "nav_is_coordinator": member.is_coordinator,
            "nav_can_set_up": can_set_up_projects(request.user),
        }
    request._cb_navigation = context
    return context
