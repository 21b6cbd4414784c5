"""The engine's inputs and outputs: the scenario, its members, the shares (pure data)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

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
