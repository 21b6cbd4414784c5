"""The retribution engine, checked by hand to the cent (DESIGN.md §8).

Every expected amount below was worked out on paper from the steps of §8; the comments show
the working. These tests need neither Django nor a database.
"""

import time
from decimal import Decimal
from fractions import Fraction

import pytest

from retributions.engine import (
    EngineInputError,
    MemberInput,
    Result,
    Scenario,
    compute,
    parse_scenario,
    result_to_dict,
    round_half_up_cents,
)


def simulate(rule: str, available: str, members: list[dict], **options: str) -> dict:
    """Run a §8 JSON scenario through the engine and return the §8 JSON output."""
    data = {"rule": rule, "available": available, "members": members, **options}
    return result_to_dict(compute(parse_scenario(data)))


def money(output: dict) -> dict[str, str]:
    return {share["id"]: share["money"] for share in output["shares"]}


def error_for(data: dict) -> str:
    with pytest.raises(EngineInputError) as caught:
        compute(parse_scenario(data))
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- The four worked examples of §8 ------------------------------------------------------------


def test_worked_example_time_rate_pays_at_rate_values_the_volunteer_and_keeps_the_rest():
    output = simulate(
        "time_rate",
        "2000.00",
        [
            {"id": "amel", "hours": "17.5"},
            {"id": "bruno", "hours": "10.25"},
            {"id": "chloe", "hours": "21", "preference": "volunteer"},
        ],
        daily_rate="280.00",
    )
    assert output == {
        "shares": [
            {"id": "amel", "valued": "700.00", "money": "700.00"},
            {"id": "bruno", "valued": "410.00", "money": "410.00"},
            {"id": "chloe", "valued": "840.00", "money": "0.00"},
        ],
        "distributed": "1110.00",
        "surplus": "890.00",
    }


def test_worked_example_prorata_gives_leftover_cents_to_ties_by_id():
    output = simulate(
        "prorata",
        "200.00",
        [{"id": "c", "hours": "2"}, {"id": "a", "hours": "2"}, {"id": "b", "hours": "2"}],
    )
    assert output == {
        "shares": [
            {"id": "a", "valued": None, "money": "66.67"},
            {"id": "b", "valued": None, "money": "66.67"},
            {"id": "c", "valued": None, "money": "66.66"},
        ],
        "distributed": "200.00",
        "surplus": "0.00",
    }


def test_worked_example_prorata_cap_is_respread_until_stable():
    output = simulate(
        "prorata",
        "3000.00",
        [{"id": "a", "hours": "60"}, {"id": "b", "hours": "30"}, {"id": "c", "hours": "10"}],
        cap="1200.00",
    )
    assert money(output) == {"a": "1200.00", "b": "1200.00", "c": "600.00"}
    assert (output["distributed"], output["surplus"]) == ("3000.00", "0.00")


def test_worked_example_balanced_tops_up_the_underpaid_in_proportion_to_their_gap():
    # H = 200 h, E = 7000; targets 13000 × 120/200 = 7800, 3900, 1300; gaps 3800, 3400, 0.
    output = simulate(
        "balanced",
        "6000.00",
        [
            {"id": "a", "hours": "120", "earned": "4000.00"},
            {"id": "b", "hours": "60", "earned": "500.00"},
            {"id": "c", "hours": "20", "earned": "2500.00"},
        ],
    )
    assert money(output) == {"a": "3166.67", "b": "2833.33", "c": "0.00"}
    assert (output["distributed"], output["surplus"]) == ("6000.00", "0.00")


# --- One hand-worked example per rule ----------------------------------------------------------


def test_time_rate_scales_every_share_down_when_the_total_exceeds_available():
    # 14 h and 7 h at 200 €/day of 7 h: 400 + 200 = 600 > 500, so λ = 5/6:
    # 333.333… and 166.666…; floors 333.33 + 166.66, the removed cent goes to b (.00666…).
    output = simulate(
        "time_rate",
        "500.00",
        [{"id": "a", "hours": "14"}, {"id": "b", "hours": "7"}],
        daily_rate="200.00",
    )
    assert money(output) == {"a": "333.33", "b": "166.67"}
    assert output["surplus"] == "0.00"
    # The valuation does not depend on what is available.
    assert [share["valued"] for share in output["shares"]] == ["400.00", "200.00"]


def test_time_rate_caps_a_member_and_keeps_the_cut_as_surplus():
    # a: 35 h at 250/7 = 1250 capped at 1000; b: 250. Bounds 1250 < 5000: everyone at u.
    output = simulate(
        "time_rate",
        "5000.00",
        [{"id": "a", "hours": "35"}, {"id": "b", "hours": "7"}],
        daily_rate="250.00",
        cap="1000.00",
    )
    assert money(output) == {"a": "1000.00", "b": "250.00"}
    assert (output["distributed"], output["surplus"]) == ("1250.00", "3750.00")


def test_time_rate_total_is_rounded_once_so_one_member_may_get_a_cent_above_valued():
    # 1 h at 250/7 = 35.714285… each; the exact total 107.142857… rounds to 107.14, so one
    # cent on top of the three floors 35.71 goes to the first id (§8 step 4).
    output = simulate(
        "time_rate",
        "1000.00",
        [{"id": "a", "hours": "1"}, {"id": "b", "hours": "1"}, {"id": "c", "hours": "1"}],
        daily_rate="250.00",
    )
    assert money(output) == {"a": "35.72", "b": "35.71", "c": "35.71"}
    assert {share["valued"] for share in output["shares"]} == {"35.71"}
    assert output["distributed"] == "107.14"


def test_time_rate_with_hours_per_day_other_than_seven():
    # 15 h / 7.5 h × 300 = 600.
    output = simulate(
        "time_rate",
        "1000.00",
        [{"id": "a", "hours": "15"}],
        daily_rate="300.00",
        hours_per_day="7.5",
    )
    assert money(output) == {"a": "600.00"}


def test_prorata_member_without_hours_gets_nothing():
    output = simulate("prorata", "90.00", [{"id": "a", "hours": "2"}, {"id": "b"}])
    assert money(output) == {"a": "90.00", "b": "0.00"}


def test_member_without_weight_gets_nothing_even_when_the_bounds_fit():
    # Bounds 100 + 100 fit in 1000, but b has no hours: x = min(u, λ·0) = 0 for every λ.
    output = simulate("prorata", "1000.00", [{"id": "a", "hours": "1"}, {"id": "b"}], cap="100.00")
    assert money(output) == {"a": "100.00", "b": "0.00"}
    assert output["surplus"] == "900.00"


def test_equal_splits_among_members_with_hours_only():
    # 3 members with hours: 33.333… each; floors 99.99, the cent goes to a (tie, first id).
    output = simulate(
        "equal",
        "100.00",
        [
            {"id": "a", "hours": "3"},
            {"id": "b", "hours": "0"},
            {"id": "c", "hours": "10"},
            {"id": "d", "hours": "0.25"},
        ],
    )
    assert money(output) == {"a": "33.34", "b": "0.00", "c": "33.33", "d": "33.33"}


def test_peer_splits_in_proportion_to_points_received():
    # 1 and 2 points: 333.333… and 666.666…; the removed cent goes to b (larger fraction).
    output = simulate(
        "peer",
        "1000.00",
        [{"id": "a", "points": "1"}, {"id": "b", "points": "2"}, {"id": "c", "hours": "40"}],
    )
    assert money(output) == {"a": "333.33", "b": "666.67", "c": "0.00"}


def test_request_that_fits_is_paid_as_asked():
    output = simulate(
        "request",
        "1000.00",
        [{"id": "a", "request": "300.00"}, {"id": "b", "request": "450.50"}],
    )
    assert money(output) == {"a": "300.00", "b": "450.50"}
    assert output["surplus"] == "249.50"


def test_request_over_available_is_scaled_down_pro_rata():
    # 900 + 600 = 1500 > 1000: λ = 2/3.
    output = simulate(
        "request",
        "1000.00",
        [{"id": "a", "request": "900.00"}, {"id": "b", "request": "600.00"}],
    )
    assert money(output) == {"a": "600.00", "b": "400.00"}


def test_request_scaled_with_a_cap_respreads_what_the_cap_cuts():
    # u = 500, 500, 100 (sum 1100 > 1000). λ = 1000/1600 = .625 ≥ 500/900: a capped at 500.
    # Then λ = 500/700: b = 428.571428…, c = 71.428571…; the cent goes to c (.857 > .143).
    output = simulate(
        "request",
        "1000.00",
        [
            {"id": "a", "request": "900.00"},
            {"id": "b", "request": "600.00"},
            {"id": "c", "request": "100.00"},
        ],
        cap="500.00",
    )
    assert money(output) == {"a": "500.00", "b": "428.57", "c": "71.43"}
    assert output["distributed"] == "1000.00"


def test_manual_pays_the_typed_amounts_to_money_takers_only():
    output = simulate(
        "manual",
        "1000.00",
        [
            {"id": "a", "manual": "600.00"},
            {"id": "b", "manual": "250.50"},
            {"id": "c", "manual": "100.00", "preference": "volunteer"},
        ],
        cap="600.00",
    )
    assert money(output) == {"a": "600.00", "b": "250.50", "c": "0.00"}
    assert (output["distributed"], output["surplus"]) == ("850.50", "149.50")


def test_manual_amount_typed_for_a_volunteer_is_ignored_not_checked():
    output = simulate(
        "manual",
        "100.00",
        [
            {"id": "a", "manual": "60.00"},
            {"id": "v", "manual": "5000.00", "preference": "volunteer"},
        ],
        cap="80.00",
    )
    assert money(output) == {"a": "60.00", "v": "0.00"}


def test_manual_total_over_available_is_refused():
    message = error_for(
        {
            "rule": "manual",
            "available": "500.00",
            "members": [{"id": "a", "manual": "300.00"}, {"id": "b", "manual": "200.01"}],
        }
    )
    assert "manual" in message and "available" in message and "500.01" in message


def test_manual_amount_over_cap_is_refused_naming_the_member():
    message = error_for(
        {
            "rule": "manual",
            "available": "1000.00",
            "cap": "200.00",
            "members": [{"id": "a", "manual": "100.00"}, {"id": "bob", "manual": "300.00"}],
        }
    )
    assert message.startswith("members[bob].manual:")


def test_balanced_cap_bounds_the_share_and_the_cut_is_respread():
    # Gaps 3800 / 3400 as in the worked example; a is capped at 3100 and b takes the rest.
    # (The weight stays the full gap: capping the weight too would give 3000 / 3000.)
    output = simulate(
        "balanced",
        "6000.00",
        [
            {"id": "a", "hours": "120", "earned": "4000.00"},
            {"id": "b", "hours": "60", "earned": "500.00"},
            {"id": "c", "hours": "20", "earned": "2500.00"},
        ],
        cap="3100.00",
    )
    assert money(output) == {"a": "3100.00", "b": "2900.00", "c": "0.00"}


def test_balanced_without_hours_distributes_nothing():
    output = simulate("balanced", "600.00", [{"id": "a", "earned": "10.00"}, {"id": "b"}])
    assert money(output) == {"a": "0.00", "b": "0.00"}
    assert output["surplus"] == "600.00"


def test_balanced_pool_above_all_gaps_pays_the_gaps_and_keeps_the_rest():
    # H = 20, E = 100, pool 100 + 100 = 200: targets 100 / 100, gaps 100 / 0.
    # All bounds (100) fit in 100 available: a gets exactly the gap.
    output = simulate(
        "balanced",
        "100.00",
        [{"id": "a", "hours": "10"}, {"id": "b", "hours": "10", "earned": "100.00"}],
    )
    assert money(output) == {"a": "100.00", "b": "0.00"}


# --- Edge cases --------------------------------------------------------------------------------


def test_single_member_gets_everything():
    output = simulate("prorata", "123.45", [{"id": "solo", "hours": "0.25"}])
    assert money(output) == {"solo": "123.45"}
    assert output["surplus"] == "0.00"


@pytest.mark.parametrize("rule", ["prorata", "equal", "balanced"])
def test_zero_hours_for_everyone_distributes_nothing(rule):
    output = simulate(rule, "1000.00", [{"id": "a", "hours": "0"}, {"id": "b"}])
    assert money(output) == {"a": "0.00", "b": "0.00"}
    assert (output["distributed"], output["surplus"]) == ("0.00", "1000.00")


def test_no_members_leaves_everything_as_surplus():
    output = simulate("prorata", "10.00", [])
    assert output == {"shares": [], "distributed": "0.00", "surplus": "10.00"}


def test_everyone_capped_sends_the_rest_to_surplus():
    output = simulate(
        "prorata",
        "1000.00",
        [{"id": "a", "hours": "1"}, {"id": "b", "hours": "5"}, {"id": "c", "hours": "50"}],
        cap="100.00",
    )
    assert money(output) == {"a": "100.00", "b": "100.00", "c": "100.00"}
    assert (output["distributed"], output["surplus"]) == ("300.00", "700.00")


def test_declined_share_is_respread_by_default():
    members = [
        {"id": "a", "hours": "1"},
        {"id": "b", "hours": "1"},
        {"id": "c", "hours": "1", "preference": "volunteer"},
    ]
    output = simulate("prorata", "900.00", members)
    assert money(output) == {"a": "450.00", "b": "450.00", "c": "0.00"}
    assert output["surplus"] == "0.00"


def test_declined_share_goes_to_surplus_when_asked():
    members = [
        {"id": "a", "hours": "1"},
        {"id": "b", "hours": "1"},
        {"id": "c", "hours": "1", "preference": "volunteer"},
    ]
    output = simulate("prorata", "900.00", members, declined_shares="surplus")
    assert money(output) == {"a": "300.00", "b": "300.00", "c": "0.00"}
    assert (output["distributed"], output["surplus"]) == ("600.00", "300.00")


def test_declined_share_to_surplus_is_zeroed_after_rounding():
    # 33.333… each; the leftover cent goes to a (first id) and only then is a's share zeroed.
    members = [
        {"id": "a", "hours": "1", "preference": "symbolic"},
        {"id": "b", "hours": "1"},
        {"id": "c", "hours": "1"},
    ]
    output = simulate("prorata", "100.00", members, declined_shares="surplus")
    assert money(output) == {"a": "0.00", "b": "33.33", "c": "33.33"}
    assert output["surplus"] == "33.34"


def test_symbolic_member_is_valued_but_gets_no_money():
    output = simulate(
        "time_rate",
        "10000.00",
        [{"id": "a", "hours": "7"}, {"id": "s", "hours": "14", "preference": "symbolic"}],
        daily_rate="250.00",
    )
    assert output["shares"][1] == {"id": "s", "valued": "500.00", "money": "0.00"}
    assert money(output)["a"] == "250.00"


def test_valued_is_null_without_daily_rate_and_set_with_one_whatever_the_rule():
    members = [{"id": "a", "hours": "3.5"}]
    assert simulate("prorata", "10.00", members)["shares"][0]["valued"] is None
    # 3.5 / 7 × 123.45 = 61.725, half-up 61.73.
    with_rate = simulate("prorata", "10.00", members, daily_rate="123.45")
    assert with_rate["shares"][0]["valued"] == "61.73"


def test_ten_thousand_members_sum_exactly_and_quickly():
    members = tuple(
        MemberInput(id=f"m{i:05d}", hours=Decimal(i % 37) / 4, earned=Decimal(i % 101))
        for i in range(10_000)
    )
    for rule in ("prorata", "balanced", "time_rate"):
        scenario = Scenario(
            rule=rule,
            available=Decimal("987654.31"),
            members=members,
            daily_rate=Decimal("250.00"),
            cap=Decimal("150.00"),
        )
        started = time.perf_counter()
        result = compute(scenario)
        elapsed = time.perf_counter() - started
        assert sum(share.money for share in result.shares) == result.distributed
        assert result.distributed + result.surplus == Decimal("987654.31")
        # A generous bound: it only catches an accidental O(n²), not a slow machine.
        assert elapsed < 5


def test_shares_come_back_in_ascending_id_order_with_bounds():
    result = compute(
        Scenario(
            rule="request",
            available=Decimal("100"),
            members=(
                MemberInput(id="zoé", request=Decimal("30.00")),
                MemberInput(id="Ana", request=Decimal("80.00")),
            ),
            cap=Decimal("50.00"),
        )
    )
    assert isinstance(result, Result)
    assert [(s.id, s.money, s.bound) for s in result.shares] == [
        ("Ana", Decimal("50.00"), Decimal("50.00")),
        ("zoé", Decimal("30.00"), Decimal("30.00")),
    ]


def test_result_to_dict_writes_money_with_exactly_two_decimals():
    output = simulate("prorata", "5", [{"id": "a", "hours": 3}], daily_rate=None)
    assert output == {
        "shares": [{"id": "a", "valued": None, "money": "5.00"}],
        "distributed": "5.00",
        "surplus": "0.00",
    }


def test_trailing_zeros_on_money_are_accepted():
    assert money(simulate("request", "12.500", [{"id": "a", "request": "1.50000"}])) == {
        "a": "1.50"
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.005"), "0.01"),
        (Decimal("0.00499"), "0.00"),
        (Decimal("2.675"), "2.68"),
        (Fraction(1, 3), "0.33"),
        (Fraction(2, 3), "0.67"),
        (Fraction(-1, 200), "-0.01"),
        (Decimal("123456789012345678901234567890.125"), "123456789012345678901234567890.13"),
    ],
)
def test_round_half_up_cents_rounds_halves_away_from_zero(value, expected):
    assert str(round_half_up_cents(value)) == expected


# --- Invalid input (§8): one line naming the field and the member ------------------------------


def scenario_with(member: dict | None = None, **fields) -> dict:
    data = {"rule": "prorata", "available": "100.00", "members": [member or {"id": "ana"}]}
    data.update(fields)
    return data


def test_unknown_rule_is_refused():
    assert error_for(scenario_with(rule="lottery")).startswith("rule: « lottery »")


def test_missing_rule_is_refused():
    data = scenario_with()
    del data["rule"]
    assert error_for(data).startswith("rule:")


def test_unknown_preference_is_refused_naming_the_member():
    message = error_for(scenario_with({"id": "ana", "preference": "cash"}))
    assert message.startswith("members[ana].preference: « cash »")


def test_non_numeric_hours_are_refused_naming_the_member():
    message = error_for(scenario_with({"id": "ana", "hours": "abc"}))
    assert message == "members[ana].hours: « abc » n'est pas un nombre"


@pytest.mark.parametrize("value", ["1,5", "NaN", "Infinity", "1e3", "1_000", "", " ", True, [1]])
def test_things_that_are_not_plain_numbers_are_refused(value):
    message = error_for(scenario_with({"id": "ana", "points": value}))
    assert message.startswith("members[ana].points:")
    assert "n'est pas un nombre" in message


def test_json_float_is_refused_asking_for_a_string():
    message = error_for(scenario_with({"id": "ana", "hours": 35.5}))
    assert message.startswith("members[ana].hours: 35.5")
    assert "guillemets" in message


def test_float_passed_to_compute_is_refused():
    scenario = Scenario(
        rule="prorata", available=Decimal("1"), members=(MemberInput(id="ana", hours=1.5),)
    )
    with pytest.raises(EngineInputError, match=r"^members\[ana\]\.hours:"):
        compute(scenario)


@pytest.mark.parametrize("field", ["hours", "points", "request", "manual", "earned"])
def test_negative_member_number_is_refused_naming_field_and_member(field):
    message = error_for(scenario_with({"id": "ana", field: "-1"}))
    assert message.startswith(f"members[ana].{field}: « -1 »")
    assert "négatif" in message


@pytest.mark.parametrize("field", ["available", "daily_rate", "cap", "hours_per_day"])
def test_negative_scenario_number_is_refused_naming_the_field(field):
    message = error_for(scenario_with(**{field: "-5"}))
    assert message.startswith(f"{field}: « -5 »")


@pytest.mark.parametrize("field", ["request", "manual", "earned"])
def test_member_money_with_three_decimals_is_refused(field):
    message = error_for(scenario_with({"id": "ana", field: "1.001"}))
    assert message.startswith(f"members[ana].{field}: « 1.001 »")
    assert "deux décimales" in message


@pytest.mark.parametrize("field", ["available", "daily_rate", "cap"])
def test_scenario_money_with_three_decimals_is_refused(field):
    message = error_for(scenario_with(**{field: "10.005"}))
    assert message.startswith(f"{field}: « 10.005 »")


def test_hours_and_points_may_have_more_than_two_decimals():
    output = simulate("prorata", "10.00", [{"id": "a", "hours": "1.125", "points": "0.333"}])
    assert money(output) == {"a": "10.00"}


def test_duplicate_id_is_refused_naming_the_member():
    data = scenario_with()
    data["members"] = [{"id": "ana"}, {"id": "bob"}, {"id": "ana"}]
    assert error_for(data).startswith("members[ana].id:")


@pytest.mark.parametrize("member", [{"id": ""}, {"id": "   "}, {"hours": "1"}, {"id": 7}])
def test_empty_or_missing_id_is_refused_naming_the_position(member):
    data = scenario_with()
    data["members"] = [{"id": "ana"}, member]
    assert error_for(data).startswith("members[1].id:")


def test_time_rate_without_daily_rate_is_refused():
    assert error_for(scenario_with(rule="time_rate")).startswith("daily_rate:")


@pytest.mark.parametrize("value", ["0", "0.00"])
def test_hours_per_day_must_be_positive(value):
    assert error_for(scenario_with(hours_per_day=value)).startswith("hours_per_day:")


def test_unknown_declined_shares_is_refused():
    assert error_for(scenario_with(declined_shares="burn")).startswith("declined_shares:")


def test_unknown_key_is_refused_so_a_typo_is_never_ignored():
    assert error_for(scenario_with(plafond="100.00")).startswith("scénario: champ inconnu")
    message = error_for(scenario_with({"id": "ana", "hour": "3"}))
    assert message.startswith("members[ana]: champ inconnu « hour »")


def test_members_must_be_a_list_of_objects():
    assert error_for(scenario_with(members={"id": "ana"})).startswith("members:")
    assert error_for(scenario_with(members=["ana"])).startswith("members[0]:")


def test_scenario_must_be_an_object():
    with pytest.raises(EngineInputError, match="^scénario:"):
        parse_scenario(["prorata"])


def test_error_message_stays_on_one_line_whatever_the_id():
    message = error_for(scenario_with({"id": "ana\nbob", "hours": "x"}))
    assert message.startswith("members[ana\\nbob].hours:")


def test_missing_numbers_count_as_zero_and_options_take_their_defaults():
    scenario = parse_scenario({"rule": "equal", "members": [{"id": "a"}]})
    assert scenario.available == 0
    assert scenario.daily_rate is None and scenario.cap is None
    assert scenario.hours_per_day == 7 and scenario.declined_shares == "respread"
    assert scenario.members == (MemberInput(id="a"),)
