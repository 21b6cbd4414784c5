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


def _django_number_format(value, places):
    """What format_decimal wrote before it grouped the digits itself: Django's formatter."""
    from django.utils.formats import number_format
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
    return number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


def test_amounts_and_hours_are_written_as_django_number_format_writes_them():
    from contribbudget.money import format_decimal

    values = ["0", "-0.004", "0.005", "-0.005", "7", "-7.5", "12.25", "999.995", "1000",
              "-1000", "123456.789", "-9876543.21", "1234567890.12", "99999999999.99",
              "0.1", "-0.01", "100000", "1E+3", "5.0E-2"]
    for language in ("fr", "en"):
        with translation.override(language):
            for raw in values:
                for places in (0, 1, 2):
                    assert format_decimal(Decimal(raw), places) == _django_number_format(
                        raw, places), (raw, places)


def test_a_number_is_written_in_the_language_asked_for_whatever_the_active_one():
    from contribbudget.money import format_decimal

    with translation.override("en"):
        assert format_decimal(Decimal("1234.5"), 2, "fr") == "1\u00a0234,50"
    with translation.override("fr"):
        assert format_decimal(Decimal("1234.5"), 2, "en") == "1,234.50"
