from django.http import Http404

from contribbudget.models import Member
from contribbudget.permissions import member_of


def member_or_404(request) -> Member:
    """The logged-in member; an account without a member profile sees no contribution page."""
    member = member_of(request.user)
    if member is None:
        raise Http404
    return member
