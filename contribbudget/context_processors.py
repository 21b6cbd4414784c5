"""What the navigation needs to show each role what it can do (one query at most)."""
from .permissions import can_set_up_projects, member_of, piloted_project_ids


def navigation(request):
    user = getattr(request, "user", None)
    # Kept on the request for its user: a page that renders a second template with the
    # request (django-tables2's {% render_table %}) runs the context processors again, and
    # the pilot query with them; a login or logout in between starts again.
    cached = getattr(request, "_cb_navigation", None)
    if cached is not None and cached[0] is user:
        return cached[1]
    member = member_of(user)
    if member is None:
        return {"nav_member": None}
    context = {
        "nav_member": member,
        "nav_is_pilot": bool(piloted_project_ids(user)),
        "nav_is_treasurer": member.is_treasurer,
        "nav_is_coordinator": member.is_coordinator,
        "nav_can_set_up": can_set_up_projects(user),
    }
    request._cb_navigation = (user, context)
    return context
