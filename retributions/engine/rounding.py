"""Rounding to the cent, on exact fractions (§8): half-up, and up for the bounds shown."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

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
    """``x`` euros rounded half-up to the cent, two decimals: the app's rounding rule
    (``contribbudget.money.to_cents``) on exact fractions, inside the pure engine."""
    return _cents_to_decimal(_half_up(Fraction(x) * 100))


def _ceil_cents(x: Fraction) -> Decimal:
    """``x`` euros rounded up to the cent (only used to show a bound no share exceeds)."""
    scaled = x * 100
    return _cents_to_decimal(-(-scaled.numerator // scaled.denominator))

