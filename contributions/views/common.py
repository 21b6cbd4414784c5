from contribbudget.models import Member
from contribbudget.permissions import get_member_for


def member_or_404(request) -> Member:
    """The logged-in member; an account without a member profile sees no contribution page
    (decided by :func:`contribbudget.permissions.get_member_for`)."""
    return get_member_for(request.user)
