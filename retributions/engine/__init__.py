"""The retribution engine: money shares from a scenario, exact to the cent (DESIGN.md §4 and §8).

This module is pure: no Django, no ORM, no float. Amounts come in as ``Decimal``, all the
arithmetic runs on ``fractions.Fraction`` and integers, and every amount goes out as a
``Decimal`` with two decimals. Runs and ``manage.py simulate_retribution`` both call
:func:`compute`, so a simulation and a real run on the same inputs agree to the cent.

The arithmetic of §8, step by step:

1. ``valued`` = hours / hours_per_day × daily_rate, rounded half-up to the cent (``None``
   without a daily rate). It never depends on the rule.
2. Each rule gives every member a weight ``w`` and an upper bound ``u`` (:func:`_weights`).
   With ``declined_shares = "respread"`` members who do not take money get ``w = 0``.
3. Exact shares ``x = min(u, λ·w)`` with one common ``λ`` so that they sum to ``available``;
   when the bounds cannot absorb it all, every ``x = u`` (:func:`_water_fill`).
4. Largest remainder: every ``x`` is floored to the cent, the removed cents (their total
   rounded half-up) go one by one to the largest removed fractions, ties by ascending ``id``
   (:func:`_round_to_cents`).
5. With ``declined_shares = "surplus"`` the shares of members who do not take money are then
   zeroed and go to the surplus.
6. ``manual`` skips 2–5: members who take money get the typed amount.
7. ``distributed`` = sum of the money shares, ``surplus`` = ``available`` − ``distributed``.

Choices where §8 is silent, made here and tested in tests/retributions/test_engine.py:

- a member with ``w = 0`` gets nothing, even when the bounds together fit in ``available``
  ("every ``x = u``" is the limit λ → ∞ of ``min(u, λ·w)``);
- in ``balanced`` the cap bounds the share (``u``), not the weight: the pool is still split in
  proportion to the full gap, and what a cap cuts is re-spread;
- in ``manual`` the cap and the total are checked on the amounts actually paid, i.e. those of
  members who take money; an amount typed for a volunteer is ignored;
- ``Share.bound`` is ``u`` rounded *up* to the cent: step 4 may add one cent to a share whose
  exact value is not a whole number of cents, so ``money <= bound`` always holds;
- money fields accept trailing zeros ("12.500" is 12.50); unknown keys are refused so that a
  misspelt "cap" is never silently ignored.
"""
from .allocation import compute, largest_remainder, largest_remainder_over, valuation
from .parsing import parse_scenario, result_to_dict
from .rounding import round_half_up_cents
from .scenario import (
    DECLINED_SHARES,
    MEMBER_KEYS,
    MEMBER_NUMBERS,
    MONEY_FIELDS,
    PREFERENCES,
    RULES,
    SCENARIO_KEYS,
    SCENARIO_NUMBERS,
    EngineInputError,
    MemberInput,
    Result,
    Scenario,
    Share,
)
from .validation import validate
from .weights import Bound, _water_fill

__all__ = [
    "largest_remainder",
    "largest_remainder_over",
    "valuation",
    "Bound",
    "DECLINED_SHARES",
    "EngineInputError",
    "MEMBER_KEYS",
    "MEMBER_NUMBERS",
    "MONEY_FIELDS",
    "MemberInput",
    "PREFERENCES",
    "RULES",
    "Result",
    "SCENARIO_KEYS",
    "SCENARIO_NUMBERS",
    "Scenario",
    "Share",
    "_water_fill",
    "compute",
    "parse_scenario",
    "result_to_dict",
    "round_half_up_cents",
    "validate",
]
