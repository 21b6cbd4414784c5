"""Who may order a member's statement for a run (issue 12, point 11).

The member themself, a pilot of the run's project, treasurers and coordinators — the
people who may read it. ``statement_request`` asks this first, before it locks anything,
creates a document or uses up an invoice-request number.
"""
from __future__ import annotations

from contribbudget.models import Member
from contribbudget.permissions import is_pilot, member_of, sees_all_finances

from .models import RetributionRun


def can_order_statement(user, run: RetributionRun, member: Member) -> bool:
    author = member_of(user)
    if author is None:
        return False
    if author.pk == member.pk or sees_all_finances(user):
        return True
    return is_pilot(user, run.envelope.project)
