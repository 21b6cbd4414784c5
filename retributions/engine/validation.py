"""What §8 calls invalid input: one French line naming the field and the member."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .rounding import round_half_up_cents
from .scenario import (
    DECLINED_SHARES,
    MEMBER_NUMBERS,
    MONEY_FIELDS,
    PREFERENCES,
    RULES,
    EngineInputError,
    MemberInput,
    Scenario,
)

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
    exponent = 0 if isinstance(value, int) else value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:  # NaN and infinities were refused
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

