"""§8 steps 1 and 4–7: valuation, largest remainder, and the whole computation."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from .rounding import _ceil_cents, _cents_to_decimal, _half_up, round_half_up_cents
from .scenario import MemberInput, Result, Scenario, Share
from .validation import validate
from .weights import Bound, _water_fill, _weights


def largest_remainder(exact: list[Fraction]) -> list[int]:
    """§8 step 4, largest remainder, the one apportioning of the app: floor to the cent,
    hand out the removed cents (their total rounded half-up) to the largest remainders.

    The index breaks ties: a run passes its shares in ascending id order, the funder report
    its groups in the order of their key. Every
    fraction is put over one common denominator so that the remainders sort as integers.
    """
    if not exact:
        return []
    common = math.lcm(*(x.denominator for x in exact))
    return largest_remainder_over([100 * x.numerator * (common // x.denominator) for x in exact],
                                  common)


def largest_remainder_over(numerators: list[int], common: int) -> list[int]:
    """:func:`largest_remainder` of the cents ``numerators[i] / common`` (integers over one
    denominator): for callers that already hold integers, without building a Fraction
    each (the desk values thousands of envelopes' groups at once)."""
    cents = [n // common for n in numerators]
    remainders = [n % common for n in numerators]
    extra = _half_up(Fraction(sum(remainders), common))
    by_remainder = sorted(range(len(numerators)), key=lambda i: (-remainders[i], i))
    for i in by_remainder[:extra]:
        cents[i] += 1
    return cents


_round_to_cents = largest_remainder  # its name inside the engine until now


def valuation(hours: Decimal, daily_rate: Decimal, hours_per_day: Decimal) -> Decimal:
    """§8 step 1 and DESIGN.md §5, the one valuation of the app: the worth of ``hours`` at a
    reference rate, ``hours ÷ hours_per_day × daily_rate`` computed exactly and rounded
    half-up to the cent (zero without hours or hours per day). Runs, envelope pages and the
    funder report all call it, so they agree to the cent."""
    if not hours or not hours_per_day:
        return _cents_to_decimal(0)
    # Integer arithmetic on the exact ratios: this runs once per member of every run.
    (ha, hb), (pa, pb), (ra, rb) = (Decimal(x).as_integer_ratio()
                                    for x in (hours, hours_per_day, daily_rate))
    return _cents_to_decimal(_half_up(Fraction(100 * ha * pb * ra, hb * pa * rb)))


def _valued(member: MemberInput, scenario: Scenario) -> Decimal | None:
    """§8 step 1: the worth of the work, whatever the rule and the preference."""
    if scenario.daily_rate is None:
        return None
    return valuation(member.hours, scenario.daily_rate, scenario.hours_per_day)


def _money_cents(scenario: Scenario, members: list[MemberInput]) -> tuple[list[int], list[Bound]]:
    """Steps 2–6: each member's money in cents, and the bound that explains it."""
    cap = None if scenario.cap is None else Fraction(scenario.cap)
    if scenario.rule == "manual":
        cents = [int(Fraction(m.manual) * 100) if m.takes_money else 0 for m in members]
        return cents, [cap] * len(members)
    weights, bounds = (list(column) for column in zip(*_weights(scenario, members), strict=True))
    if scenario.declined_shares == "respread":
        weights = [
            w if m.takes_money else Fraction(0) for w, m in zip(weights, members, strict=True)
        ]
    cents = largest_remainder(_water_fill(Fraction(scenario.available), weights, bounds))
    if scenario.declined_shares == "surplus":
        cents = [c if m.takes_money else 0 for c, m in zip(cents, members, strict=True)]
    return cents, bounds


def compute(scenario: Scenario) -> Result:
    """Validate the scenario, then apply §8 steps 1–7."""
    validate(scenario)
    members = sorted(scenario.members, key=lambda m: m.id)
    if not members:
        return Result((), _cents_to_decimal(0), round_half_up_cents(scenario.available))
    cents, bounds = _money_cents(scenario, members)
    shares = tuple(
        Share(
            id=m.id,
            valued=_valued(m, scenario),
            money=_cents_to_decimal(c),
            bound=None if u is None else _ceil_cents(u),
        )
        for m, c, u in zip(members, cents, bounds, strict=True)
    )
    distributed = sum(cents)
    available = int(Fraction(scenario.available) * 100)
    return Result(
        shares, _cents_to_decimal(distributed), _cents_to_decimal(available - distributed)
    )

