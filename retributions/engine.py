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

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

RULES = ("time_rate", "prorata", "equal", "peer", "request", "manual", "balanced")
PREFERENCES = ("money", "volunteer", "symbolic")
DECLINED_SHARES = ("respread", "surplus")

# Fields holding euros: they must be whole cents (§8 "more than two decimals on money").
MONEY_FIELDS = frozenset({"available", "daily_rate", "cap", "request", "manual", "earned"})
SCENARIO_NUMBERS = ("available", "daily_rate", "hours_per_day", "cap")
MEMBER_NUMBERS = ("hours", "points", "request", "manual", "earned")
SCENARIO_KEYS = frozenset({"rule", "declined_shares", "members", *SCENARIO_NUMBERS})
MEMBER_KEYS = frozenset({"id", "preference", *MEMBER_NUMBERS})

# A plain decimal number as a person types it: no exponent, no "_", no "NaN", no comma.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_ZERO = Decimal("0")


class EngineInputError(ValueError):
    """A scenario the engine refuses; the message is one French line naming field and member."""


@dataclass(frozen=True)
class MemberInput:
    """One member of a scenario. ``hours`` are already weighted by the kind coefficients."""

    id: str
    hours: Decimal = _ZERO
    preference: str = "money"
    points: Decimal = _ZERO
    request: Decimal = _ZERO
    manual: Decimal = _ZERO
    earned: Decimal = _ZERO

    @property
    def takes_money(self) -> bool:
        """Volunteers and symbolic members are valued but never paid (§4)."""
        return self.preference == "money"


@dataclass(frozen=True)
class Scenario:
    """Everything one computation needs; ``cap`` and ``daily_rate`` are optional."""

    rule: str
    available: Decimal
    members: tuple[MemberInput, ...]
    daily_rate: Decimal | None = None
    hours_per_day: Decimal = Decimal("7")
    cap: Decimal | None = None
    declined_shares: str = "respread"


@dataclass(frozen=True)
class Share:
    """One member's line: ``bound`` is the rule's upper bound ``u`` rounded up to the cent."""

    id: str
    valued: Decimal | None
    money: Decimal
    bound: Decimal | None


@dataclass(frozen=True)
class Result:
    """Shares in ascending ``id`` order; ``distributed + surplus == available`` exactly."""

    shares: tuple[Share, ...]
    distributed: Decimal
    surplus: Decimal


# --- Rounding ------------------------------------------------------------------------------


def _half_up(q: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (``ROUND_HALF_UP``)."""
    n, d = abs(q.numerator), q.denominator
    rounded = (2 * n + d) // (2 * d)
    return rounded if q >= 0 else -rounded


def _cents_to_decimal(cents: int) -> Decimal:
    """Whole cents to euros; built from a string so no context precision can round it."""
    return Decimal(f"{cents}e-2")


def round_half_up_cents(x: Decimal | Fraction) -> Decimal:
    """The one rounding helper: ``x`` euros rounded half-up to the cent, two decimals."""
    return _cents_to_decimal(_half_up(Fraction(x) * 100))


def _ceil_cents(x: Fraction) -> Decimal:
    """``x`` euros rounded up to the cent (only used to show a bound no share exceeds)."""
    scaled = x * 100
    return _cents_to_decimal(-(-scaled.numerator // scaled.denominator))


# --- Validation ----------------------------------------------------------------------------


def _show(value: object) -> str:
    """A value as it can appear inside a one-line message: escaped and shortened."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))
    return text if len(text) <= 60 else text[:59] + "…"


def _member_label(member_id: object, index: int) -> str:
    """``members[ana]``, or ``members[2]`` while the id itself is not usable."""
    if isinstance(member_id, str) and member_id.strip():
        return f"members[{_show(member_id)}]"
    return f"members[{index}]"


def _whole_cents(value: Decimal | int) -> bool:
    """At most two decimals once trailing zeros are dropped ("12.500" is 12.50)."""
    if isinstance(value, int) or value.as_tuple().exponent >= -2:
        return True  # the fast path: how almost every amount is written
    return (Fraction(value) * 100).denominator == 1


def _number_problem(value: object, *, money: bool) -> str | None:
    """Why ``value`` is not a valid number, or None: a finite, non-negative Decimal (or int),
    and whole cents when it is money."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return f"« {_show(value)} » n'est pas un nombre"
    if isinstance(value, Decimal) and not value.is_finite():
        return f"« {_show(value)} » n'est pas un nombre"
    if value < 0:
        return f"« {_show(value)} » ne peut pas être négatif"
    if money and not _whole_cents(value):
        return f"« {_show(value)} » a plus de deux décimales (un montant est en centimes)"
    return None


def _check_number(label: str, value: object, *, money: bool) -> None:
    if problem := _number_problem(value, money=money):
        raise EngineInputError(f"{label}: {problem}")


def _validate_member(member: object, index: int, seen: set[str]) -> None:
    if not isinstance(member, MemberInput):
        raise EngineInputError(f"members[{index}]: n'est pas un membre")
    if not isinstance(member.id, str) or not member.id.strip():
        raise EngineInputError(f"members[{index}].id: l'identifiant est vide")
    if member.id in seen:
        raise EngineInputError(
            f"members[{_show(member.id)}].id: l'identifiant « {_show(member.id)} » est en double"
        )
    seen.add(member.id)
    if member.preference not in PREFERENCES:
        raise EngineInputError(
            f"members[{_show(member.id)}].preference: « {_show(member.preference)} » n'est pas "
            f"une préférence connue ({', '.join(PREFERENCES)})"
        )
    for name in MEMBER_NUMBERS:
        # The label is only built on error: this loop runs for every member of every run.
        if problem := _number_problem(getattr(member, name), money=name in MONEY_FIELDS):
            raise EngineInputError(f"members[{_show(member.id)}].{name}: {problem}")


def _validate_manual(scenario: Scenario) -> None:
    """§8 step 6: no paid amount above the cap, and no more paid than is available."""
    total = Fraction(0)
    for member in scenario.members:
        if not member.takes_money:
            continue  # an amount typed for a volunteer is never paid, so never checked
        if scenario.cap is not None and member.manual > scenario.cap:
            raise EngineInputError(
                f"members[{_show(member.id)}].manual: {member.manual} dépasse le "
                f"plafond (cap = {scenario.cap})"
            )
        total += Fraction(member.manual)
    if total > scenario.available:
        raise EngineInputError(
            f"members[*].manual: le total saisi ({round_half_up_cents(total)}) dépasse le "
            f"montant disponible (available = {scenario.available})"
        )


def validate(scenario: Scenario) -> None:
    """Raise :class:`EngineInputError` on the first thing §8 calls invalid input."""
    if scenario.rule not in RULES:
        raise EngineInputError(
            f"rule: « {_show(scenario.rule)} » n'est pas une règle connue ({', '.join(RULES)})"
        )
    if scenario.declined_shares not in DECLINED_SHARES:
        raise EngineInputError(
            f"declined_shares: « {_show(scenario.declined_shares)} » n'est pas une valeur "
            f"connue ({', '.join(DECLINED_SHARES)})"
        )
    _check_number("available", scenario.available, money=True)
    if scenario.daily_rate is None and scenario.rule == "time_rate":
        raise EngineInputError("daily_rate: obligatoire pour la règle time_rate")
    if scenario.daily_rate is not None:
        _check_number("daily_rate", scenario.daily_rate, money=True)
    _check_number("hours_per_day", scenario.hours_per_day, money=False)
    if scenario.hours_per_day == 0:
        raise EngineInputError("hours_per_day: doit être strictement positif")
    if scenario.cap is not None:
        _check_number("cap", scenario.cap, money=True)
    if not isinstance(scenario.members, tuple | list):
        raise EngineInputError("members: doit être une liste de membres")
    seen: set[str] = set()
    for index, member in enumerate(scenario.members):
        _validate_member(member, index, seen)
    if scenario.rule == "manual":
        _validate_manual(scenario)


# --- Computation ---------------------------------------------------------------------------

Bound = Fraction | None  # None: no upper bound


def _capped(value: Fraction, cap: Bound) -> Fraction:
    return value if cap is None else min(value, cap)


def _weights(scenario: Scenario, members: list[MemberInput]) -> list[tuple[Fraction, Bound]]:
    """§8 step 2: the weight ``w`` and the upper bound ``u`` each rule gives each member."""
    cap = None if scenario.cap is None else Fraction(scenario.cap)
    rule = scenario.rule
    if rule == "time_rate":
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
    if total_hours == 0:
        return [(Fraction(0), Fraction(0)) for _ in members]
    pool = sum(Fraction(m.earned) for m in members) + Fraction(scenario.available)
    per_hour = pool / total_hours
    p, q = per_hour.numerator, per_hour.denominator
    result = []
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
    if all(bounds[i] is not None for i in active):
        if sum(bounds[i] for i in active) <= available:
            for i in active:
                shares[i] = bounds[i]
            return shares
    remaining, weight_left = available, sum(weights[i] for i in active)
    bounded = sorted(
        (i for i in active if bounds[i] is not None), key=lambda i: bounds[i] / weights[i]
    )
    capped = set()
    for i in bounded:
        # u/w <= remaining/weight_left, cross-multiplied: this member hits its bound.
        if bounds[i] * weight_left > remaining * weights[i]:
            break
        capped.add(i)
        remaining -= bounds[i]
        weight_left -= weights[i]
    lam = remaining / weight_left
    for i in active:
        shares[i] = bounds[i] if i in capped else lam * weights[i]
    return shares


def _round_to_cents(exact: list[Fraction]) -> list[int]:
    """§8 step 4, largest remainder: floor to the cent, hand out the removed cents.

    ``exact`` is in ascending id order, so the index breaks ties as the id does. Every
    fraction is put over one common denominator so that the remainders sort as integers.
    """
    if not exact:
        return []
    common = math.lcm(*(x.denominator for x in exact))
    numerators = [100 * x.numerator * (common // x.denominator) for x in exact]
    cents = [n // common for n in numerators]
    remainders = [n % common for n in numerators]
    extra = _half_up(Fraction(sum(remainders), common))
    by_remainder = sorted(range(len(exact)), key=lambda i: (-remainders[i], i))
    for i in by_remainder[:extra]:
        cents[i] += 1
    return cents


def _valued(member: MemberInput, scenario: Scenario) -> Decimal | None:
    """§8 step 1: the worth of the work, whatever the rule and the preference."""
    if scenario.daily_rate is None:
        return None
    # Integer arithmetic on the exact ratios: this runs once per member of every run.
    hours, per = member.hours.as_integer_ratio(), scenario.hours_per_day.as_integer_ratio()
    rate = scenario.daily_rate.as_integer_ratio()
    numerator, denominator = hours[0] * per[1] * rate[0], hours[1] * per[0] * rate[1]
    return _cents_to_decimal(_half_up(Fraction(100 * numerator, denominator)))


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
    cents = _round_to_cents(_water_fill(Fraction(scenario.available), weights, bounds))
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


# --- JSON ----------------------------------------------------------------------------------


def _parse_number(label: str, raw: object, default: Decimal | None) -> Decimal | None:
    """A JSON number field: a string (or an int); floats are refused, they may be inexact."""
    if raw is None:
        return default
    if isinstance(raw, float):
        as_text = '"' + _show(raw) + '"'
        raise EngineInputError(
            f"{label}: {_show(raw)} est un nombre JSON à virgule ; écrivez-le entre guillemets, "
            f"{as_text}, pour qu'il reste exact"
        )
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise EngineInputError(f"{label}: « {_show(raw)} » n'est pas un nombre")
    if isinstance(raw, str):
        if not _NUMBER.fullmatch(raw.strip()):
            raise EngineInputError(f"{label}: « {_show(raw)} » n'est pas un nombre")
        return Decimal(raw.strip())
    return Decimal(raw)


def _parse_text(label: str, raw: object, default: str | None) -> str:
    if raw is None:
        if default is None:
            raise EngineInputError(f"{label}: obligatoire")
        return default
    if not isinstance(raw, str):
        raise EngineInputError(f"{label}: « {_show(raw)} » doit être un texte")
    return raw


def _reject_unknown_keys(label: str, data: dict, known: Iterable[str]) -> None:
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        raise EngineInputError(
            f"{label}: champ inconnu « {_show(unknown[0])} » (connus: {', '.join(sorted(known))})"
        )


def _parse_member(raw: object, index: int) -> MemberInput:
    if not isinstance(raw, dict):
        raise EngineInputError(f"members[{index}]: doit être un objet JSON")
    member_id = raw.get("id")
    label = _member_label(member_id, index)
    if not isinstance(member_id, str) or not member_id.strip():
        raise EngineInputError(f"{label}.id: l'identifiant est vide ou n'est pas un texte")
    _reject_unknown_keys(label, raw, MEMBER_KEYS)
    numbers = {
        name: _parse_number(f"{label}.{name}", raw.get(name), _ZERO) for name in MEMBER_NUMBERS
    }
    preference = _parse_text(f"{label}.preference", raw.get("preference"), "money")
    return MemberInput(id=member_id, preference=preference, **numbers)


def parse_scenario(data: dict) -> Scenario:
    """Build and validate a :class:`Scenario` from the JSON object of §8.

    Numbers are JSON strings (ints are accepted too); a missing or null number counts as
    zero, except ``daily_rate`` and ``cap`` which are then absent and ``hours_per_day``
    which defaults to 7.
    """
    if not isinstance(data, dict):
        raise EngineInputError("scénario: doit être un objet JSON")
    _reject_unknown_keys("scénario", data, SCENARIO_KEYS)
    members = data.get("members")
    if members is None:
        members = []
    if not isinstance(members, list):
        raise EngineInputError("members: doit être une liste de membres")
    scenario = Scenario(
        rule=_parse_text("rule", data.get("rule"), None),
        available=_parse_number("available", data.get("available"), _ZERO),
        members=tuple(_parse_member(raw, index) for index, raw in enumerate(members)),
        daily_rate=_parse_number("daily_rate", data.get("daily_rate"), None),
        hours_per_day=_parse_number("hours_per_day", data.get("hours_per_day"), Decimal("7")),
        cap=_parse_number("cap", data.get("cap"), None),
        declined_shares=_parse_text(
            "declined_shares", data.get("declined_shares"), DECLINED_SHARES[0]
        ),
    )
    validate(scenario)
    return scenario


def _money_text(amount: Decimal) -> str:
    return format(round_half_up_cents(amount), "f")


def result_to_dict(result: Result) -> dict:
    """The JSON output of §8: money as strings with two decimals, ``valued`` null if unknown."""
    return {
        "shares": [
            {
                "id": share.id,
                "valued": None if share.valued is None else _money_text(share.valued),
                "money": _money_text(share.money),
            }
            for share in result.shares
        ],
        "distributed": _money_text(result.distributed),
        "surplus": _money_text(result.surplus),
    }
