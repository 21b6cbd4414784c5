from decimal import Decimal

from django.utils import translation

from contribbudget.money import format_hours, format_money, to_cents


def test_money_is_formatted_the_french_way():
    with translation.override("fr"):
        assert format_money(Decimal("1234.56")) == "1\u00a0234,56\u00a0€"
        assert format_money(Decimal("1234567")) == "1\u00a0234\u00a0567,00\u00a0€"
        assert format_money(Decimal("-0.5")) == "-0,50\u00a0€"


def test_money_is_formatted_the_english_way():
    with translation.override("en"):
        assert format_money(Decimal("1234.56")) == "€1,234.56"


def test_hours_drop_useless_zeros():
    with translation.override("fr"):
        assert format_hours(Decimal("7.50")) == "7,5\u00a0h"
        assert format_hours(Decimal("8.00")) == "8\u00a0h"
        assert format_hours(Decimal("1.25")) == "1,25\u00a0h"


def test_rounding_is_half_up_to_the_cent():
    assert to_cents(Decimal("0.005")) == Decimal("0.01")
    assert to_cents(Decimal("2.675")) == Decimal("2.68")
