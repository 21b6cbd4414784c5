"""§8 steps 2–3: each rule's weights and bounds, and the exact water-filling."""

from __future__ import annotations

from fractions import Fraction

from .scenario import MemberInput, Scenario

# --- Computation ---------------------------------------------------------------------------

Bound = Fraction | None  # None: no upper bound


def _capped(value: Fraction, cap: Bound) -> Fraction:
    return value if cap is None else min(value, cap)


def _weights(scenario: Scenario, members: list[MemberInput]) -> list[tuple[Fraction, Bound]]:
    """§8 step 2: the weight ``w`` and the upper bound ``u`` each rule gives each member."""
    cap = None if scenario.cap is None else Fraction(scenario.cap)
    rule = scenario.rule
    if rule == "time_rate":
        assert scenario.daily_rate is not None  # validate(): time_rate needs a daily rate
        rate = Fraction(scenario.daily_rate) / Fraction(scenario.hours_per_day)
        return [(w, _capped(w, cap)) for w in (Fraction(m.hours) * rate for m in members)]
    if rule == "request":
        return [(Fraction(m.request), _capped(Fraction(m.request), cap)) for m in members]
    if rule == "balanced":
        return _balanced_weights(scenario, members, cap)
    if rule == "prorata":
        return [(Fraction(m.hours), cap) for m in members]
    if rule == "equal":
        return [(Fraction(1 if m.hours > 0 else 0), cap) for m in members]
    return [(Fraction(m.points), cap) for m in members]  # peer: points received


def _balanced_weights(
    scenario: Scenario, members: list[MemberInput], cap: Bound
) -> list[tuple[Fraction, Bound]]:
    """Smoothing: target = (E + available) × hours / H; ``w`` = the gap below it.

    H and E sum over every member of the scenario (the members the pilot selected). The cap
    bounds the share, not the weight, as for time_rate and request.
    """
    total_hours = sum(Fraction(m.hours) for m in members)
    result: list[tuple[Fraction, Bound]] = []
    if total_hours == 0:
        return [(Fraction(0), Fraction(0)) for _ in members]
    pool = sum(Fraction(m.earned) for m in members) + Fraction(scenario.available)
    per_hour = pool / total_hours
    p, q = per_hour.numerator, per_hour.denominator
    for m in members:
        # gap = p/q × hours − earned, over one denominator: one Fraction per member, not four.
        (ha, hb), (ea, eb) = m.hours.as_integer_ratio(), m.earned.as_integer_ratio()
        numerator = p * ha * eb - ea * q * hb
        gap = Fraction(numerator, q * hb * eb) if numerator > 0 else Fraction(0)
        result.append((gap, _capped(gap, cap)))
    return result


def _water_fill(
    available: Fraction, weights: list[Fraction], bounds: list[Bound]
) -> list[Fraction]:
    """§8 step 3: exact ``x = min(u, λ·w)`` summing to ``available``, or ``x = u`` for all.

    Members are taken by the λ at which they reach their bound (``u / w``, smallest first);
    while that λ is below what an even spread of the rest would give, the member is capped
    and the rest re-spread. This is "re-spread until stable" of §4 in one O(n log n) pass.
    """
    shares = [Fraction(0)] * len(weights)
    active = [i for i, w in enumerate(weights) if w > 0]
    if available == 0 or not active:
        return shares
    # The bounded members, by index (ascending: the tie-break of the sort below).
    finite = {i: bound for i in active if (bound := bounds[i]) is not None}
    if len(finite) == len(active):
        if sum(finite.values()) <= available:
            for i in active:
                shares[i] = finite[i]
            return shares
    remaining, weight_left = available, sum(weights[i] for i in active)
    bounded = sorted(finite, key=lambda i: finite[i] / weights[i])
    capped = set()
    for i in bounded:
        # u/w <= remaining/weight_left, cross-multiplied: this member hits its bound.
        if finite[i] * weight_left > remaining * weights[i]:
            break
        capped.add(i)
        remaining -= finite[i]
        weight_left -= weights[i]
    lam = remaining / weight_left
    for i in active:
        shares[i] = finite[i] if i in capped else lam * weights[i]
    return shares

