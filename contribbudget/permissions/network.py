"""The network's own pages: network-wide rights, and the administration pages."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ..models import Member
from .roles import member_of, piloted_project_ids, steered_projects

# --- The network's pages -----------------------------------------------------------------

def _steers_some_project(member: Member, user) -> bool:
    return member.is_coordinator or bool(piloted_project_ids(user))


#: Network-wide rights, for pages about the network rather than one object.
NETWORK_ACTIONS = {
    "view": lambda member, user: True,
    "coordinate": lambda member, user: member.is_coordinator,
    "treasury": lambda member, user: member.is_treasurer,
    "finance": lambda member, user: member.is_treasurer or member.is_coordinator,
    # The validation queue and imports: pilots of a project and coordinators.
    "review": _steers_some_project,
    # Starting runs and smoothing rounds: someone who steers an existing project.
    "steer": lambda member, user: steered_projects(user).exists(),
    # The list of runs: those who steer a project, and finance people.
    "runs": lambda member, user: (member.is_treasurer or member.is_coordinator
                                  or steered_projects(user).exists()),
}


def get_member_for(user, *, action: str = "view") -> Member:
    """The user's member profile, or 404 for an account without one (it sees no page of the
    network), or 403 when the member lacks the network-wide right ``action``."""
    member = member_of(user)
    if member is None:
        raise Http404
    if not NETWORK_ACTIONS[action](member, user):
        raise PermissionDenied
    return member



# --- The network's administration (settings, places, fields, members, invitations) ---------

#: manage (settings, places, fields, members' roles, invitations): coordinators;
#: view (the member directory, read-only): coordinators and treasurers.
NETWORK_ADMIN_ACTIONS = {"manage": "coordinate", "view": "finance"}


def require_network(user, *, action: str = "manage") -> Member:
    """The acting member, or 404 for accounts without a member profile, or 403 for members
    who lack the right."""
    return get_member_for(user, action=NETWORK_ADMIN_ACTIONS[action])


def get_network_object_for(user, model, pk, *, action: str = "manage"):
    """A place, field of action, member or invitation of the network, for a network page:
    404 for non-members and unknown ids, 403 for members lacking the right."""
    require_network(user, action=action)
    try:
        return model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
