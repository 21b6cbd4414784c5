"""Properties of the retribution engine that must hold for every scenario (DESIGN.md §4, §8).

Hypothesis generates scenarios across all rules: 1–12 members, amounts in whole cents, hours
in quarter hours, random preferences, optional caps and daily rates. These tests need neither
Django nor a database.
"""

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from retributions import engine
from retributions.engine import PREFERENCES, RULES, MemberInput, Result, Scenario, compute

EXAMPLES = settings(max_examples=1000, deadline=None)

cents = st.integers(min_value=0, max_value=2_000_000).map(lambda c: Decimal(c).scaleb(-2))
small_cents = st.integers(min_value=0, max_value=300_000).map(lambda c: Decimal(c).scaleb(-2))
quarter_hours = st.integers(min_value=0, max_value=800).map(lambda q: Decimal(q) / 4)
ids = st.text(alphabet="abcdefghAB_é", min_size=1, max_size=4)


@st.composite
def members(draw, min_size: int = 1) -> tuple[MemberInput, ...]:
    member_ids = draw(st.lists(ids, min_size=min_size, max_size=12, unique=True))
    return tuple(
        MemberInput(
            id=member_id,
            hours=draw(quarter_hours),
            preference=draw(st.sampled_from(PREFERENCES)),
            points=Decimal(draw(st.integers(min_value=0, max_value=100))),
            request=draw(small_cents),
            manual=draw(small_cents),
            earned=draw(small_cents),
        )
        for member_id in member_ids
    )


@st.composite
def scenarios(draw, rules: tuple[str, ...] = RULES) -> Scenario:
    rule = draw(st.sampled_from(rules))
    scenario = Scenario(
        rule=rule,
        available=draw(cents),
        members=draw(members()),
        daily_rate=draw(cents if rule == "time_rate" else st.none() | cents),
        hours_per_day=draw(st.sampled_from([Decimal("7"), Decimal("7.5"), Decimal("8"), 1])),
        cap=draw(st.none() | small_cents),
        declined_shares=draw(st.sampled_from(engine.DECLINED_SHARES)),
    )
    if rule == "manual":
        scenario = _valid_manual(scenario)
    return scenario


def _valid_manual(scenario: Scenario) -> Scenario:
    """Widen available and cap so the typed amounts are a valid manual decision."""
    paid = [m.manual for m in scenario.members if m.takes_money]
    available = max(scenario.available, sum(paid, Decimal("0")))
    cap = scenario.cap if scenario.cap is None else max([scenario.cap, *paid])
    return replace(scenario, available=available, cap=cap)


def money_values(result: Result) -> list[Decimal]:
    values = [result.distributed, result.surplus]
    for share in result.shares:
        values.append(share.money)
        if share.valued is not None:
            values.append(share.valued)
    return values


@EXAMPLES
@given(scenarios())
def test_shares_sum_exactly_to_distributed(scenario):
    result = compute(scenario)
    assert sum((share.money for share in result.shares), Decimal("0")) == result.distributed


@EXAMPLES
@given(scenarios())
def test_distributed_plus_surplus_is_available(scenario):
    result = compute(scenario)
    assert result.distributed + result.surplus == scenario.available
    assert result.surplus >= 0


@EXAMPLES
@given(scenarios())
def test_no_share_is_negative_nor_above_its_bound_or_cap(scenario):
    for share in compute(scenario).shares:
        assert share.money >= 0
        assert share.bound is None or share.money <= share.bound
        assert scenario.cap is None or share.money <= scenario.cap


@EXAMPLES
@given(scenarios(), st.randoms(use_true_random=False))
def test_member_order_does_not_change_the_shares(scenario, random):
    shuffled = list(scenario.members)
    random.shuffle(shuffled)
    assert compute(replace(scenario, members=tuple(shuffled))) == compute(scenario)


@EXAMPLES
@given(scenarios(rules=("prorata",)), st.data())
def test_more_hours_never_lower_a_share_under_prorata(scenario, data):
    index = data.draw(st.integers(min_value=0, max_value=len(scenario.members) - 1))
    extra = data.draw(quarter_hours.filter(lambda h: h > 0))
    member = scenario.members[index]
    more = list(scenario.members)
    more[index] = replace(member, hours=member.hours + extra)
    before = {s.id: s.money for s in compute(scenario).shares}[member.id]
    after = {s.id: s.money for s in compute(replace(scenario, members=tuple(more))).shares}
    assert after[member.id] >= before


@EXAMPLES
@given(scenarios())
def test_volunteer_and_symbolic_members_never_get_money(scenario):
    declining = {m.id for m in scenario.members if not m.takes_money}
    for share in compute(scenario).shares:
        if share.id in declining:
            assert share.money == 0


@EXAMPLES
@given(scenarios())
def test_every_money_value_has_exactly_two_decimals(scenario):
    for value in money_values(compute(scenario)):
        assert value.as_tuple().exponent == -2


def _respread_until_stable(
    available: Fraction, weights: list[Fraction], bounds: list[Fraction | None]
) -> list[Fraction]:
    """§4 taken literally: spread, cap, re-spread over the uncapped, repeat until stable."""
    shares = [Fraction(0)] * len(weights)
    open_members = {i for i, w in enumerate(weights) if w > 0}
    remaining = available
    while open_members and remaining > 0:
        lam = remaining / sum(weights[i] for i in open_members)
        over = {i for i in open_members if bounds[i] is not None and lam * weights[i] >= bounds[i]}
        if not over:
            for i in open_members:
                shares[i] = lam * weights[i]
            break
        for i in over:
            shares[i] = bounds[i]
            remaining -= bounds[i]
        open_members -= over
    return shares


@EXAMPLES
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=50), st.none() | st.integers(0, 5000).map(Fraction)
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=0, max_value=10_000),
)
def test_water_filling_agrees_with_respreading_until_stable(rows, available):
    weights = [Fraction(w, 4) for w, _ in rows]
    bounds = [u for _, u in rows]
    expected = _respread_until_stable(Fraction(available), weights, bounds)
    assert engine._water_fill(Fraction(available), weights, bounds) == expected


@settings(max_examples=300, deadline=None)
@given(hours=st.lists(st.decimals(min_value="0", max_value="5000", places=2,
                                  allow_nan=False, allow_infinity=False), min_size=1, max_size=8),
       rate=st.decimals(min_value="0", max_value="2000", places=2, allow_nan=False,
                        allow_infinity=False),
       per_day=st.decimals(min_value="0", max_value="24", places=2, allow_nan=False,
                           allow_infinity=False))
def test_report_groups_are_valued_like_the_fraction_largest_remainder(hours, rate, per_day):
    """The report and the desk value an envelope's groups with integers
    (largest_remainder_over); the cents are those of the Fraction definition."""
    from retributions.engine import largest_remainder
    from retributions.selectors.report import _apportion

    groups = [{"kind": f"k{i}", "member__home_place__name": None, "salaried": False,
               "volunteer": True, "hours": h} for i, h in enumerate(hours)]
    _apportion(groups, rate, per_day)
    exact = [Fraction(g["hours"]) * Fraction(rate) / Fraction(per_day) if per_day else Fraction(0)
             for g in groups]  # already in the order of their key (k0, k1, …)
    assert [g["valued"] for g in groups] == [(Decimal(c) / 100).quantize(Decimal("0.01"))
                                             for c in largest_remainder(exact)]
