"""A pilot's overrides survive a recompute (issue 12, point 10).

A run is computed again when a member changes their preference for it, when the pilot asks,
or after a lost worker. The new lines replace the old ones; the pilot's decisions on them
(an amount and its reason) are carried over to the new line of the same member, so nobody's
choice is lost without a word. An override that can no longer apply — the member now takes
no money, has no line any more, or the kept amounts no longer fit in what the envelope has —
is not applied but named, with its reason, in the run's ``parameters["overrides"]`` so the
run page shows what was kept and what the pilot must decide again.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import F

from .models import RetributionLine

ZERO = Decimal("0.00")


def previous_overrides(run_id: int) -> dict[int, dict]:
    """``{member_id: {"amount", "reason", "name"}}`` for the run's current overridden lines
    (one query)."""
    rows = (RetributionLine.objects.filter(run_id=run_id).exclude(override_reason="")
            .exclude(money=F("computed_money"))
            .values_list("member_id", "money", "override_reason", "member__first_name",
                         "member__last_name"))
    return {member_id: {"amount": money, "reason": reason, "name": f"{first} {last}"}
            for member_id, money, reason, first, last in rows}


def carry_over(lines: list[RetributionLine], previous: dict[int, dict],
               available: Decimal) -> tuple[Decimal, dict]:
    """Apply ``previous`` overrides to the new ``lines`` (in place) when they still fit;
    return the total distributed and the record ``{"kept": [...], "dropped": [...]}``."""
    by_member = {line.member_id: line for line in lines}
    kept, dropped = [], []
    for member_id, override in previous.items():
        line = by_member.get(member_id)
        entry = {"member": member_id, "name": override["name"],
                 "amount": str(override["amount"]), "reason": override["reason"]}
        if line is None or (line.payee == RetributionLine.Payee.NONE and override["amount"] > 0):
            dropped.append({**entry, "why": "no_money" if line is not None else "no_line"})
            continue
        kept.append((line, override, entry))
    total = sum((line.money for line in lines), ZERO)
    with_kept = total + sum((o["amount"] - line.money for line, o, _e in kept), ZERO)
    if with_kept > available:
        # Kept together they would distribute more than the envelope has: the pilot decides
        # again, seeing every previous amount and reason.
        dropped += [{**entry, "why": "over_available"} for _l, _o, entry in kept]
        kept = []
    for line, override, _entry in kept:
        line.money = override["amount"]
        line.override_reason = override["reason"]
    total = sum((line.money for line in lines), ZERO)
    return total, {"kept": [entry for _l, _o, entry in kept], "dropped": dropped}
