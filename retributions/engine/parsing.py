"""The §8 JSON format: a scenario in, a result out (money as strings)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import overload

from .rounding import round_half_up_cents
from .scenario import (
    _NUMBER,
    _ZERO,
    DECLINED_SHARES,
    MEMBER_KEYS,
    MEMBER_NUMBERS,
    SCENARIO_KEYS,
    EngineInputError,
    MemberInput,
    Result,
    Scenario,
)
from .validation import _member_label, _show, validate

# --- JSON ----------------------------------------------------------------------------------


@overload
def _parse_number(label: str, raw: object, default: Decimal) -> Decimal: ...
@overload
def _parse_number(label: str, raw: object, default: None) -> Decimal | None: ...
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
