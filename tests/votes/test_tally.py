"""The counting law of Civil Code art. 278 and SPC interpretation arts. 8–9, on hand-computed
examples (the edges: exactly 2/3, exactly 3/4, multi-unit owners, developer units, nobody)
and on properties that must hold for any register and any ballots."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.votes.tally import (
    ABSTAIN,
    AGAINST,
    DEVELOPER,
    FOR,
    MAJOR,
    ORDINARY,
    Cast,
    Eligible,
    MatterSpec,
    as_json,
    count,
)

ORD = MatterSpec(1, ORDINARY)
MAJ = MatterSpec(2, MAJOR)


def register(*rows):
    """rows: (owner_key, area) per unit; unit ids 1..n."""
    return [Eligible(i, key, Decimal(str(area))) for i, (key, area) in enumerate(rows, 1)]


def ballots(*rows):
    """rows: (unit id, choice on every matter)."""
    return [Cast(unit, {1: choice, 2: choice}) for unit, choice in rows]


def three_equal_owners():
    return register(("a", 100), ("b", 100), ("c", 100))


def test_exactly_two_thirds_of_area_and_owners_is_a_valid_vote():
    result = count(three_equal_owners(), ballots((1, FOR), (2, FOR)), [ORD])
    assert result.area_participation == Fraction(2, 3)
    assert result.heads_participation == Fraction(2, 3)
    assert result.valid


def test_just_below_two_thirds_of_area_is_not_valid_even_with_every_owner_but_one():
    # Owners a, b take part (2/3 by headcount) but hold 199.99 of 300 m²: below 2/3 of area.
    units = register(("a", "99.99"), ("b", 100), ("c", "100.01"))
    result = count(units, ballots((1, FOR), (2, FOR)), [ORD])
    assert result.heads_participation == Fraction(2, 3)
    assert result.area_participation < Fraction(2, 3)
    assert not result.valid
    assert not result.matters[0].passed


def test_ordinary_matter_needs_strictly_more_than_half():
    units = register(*[(k, 100) for k in "abcd"])
    half = count(units, ballots((1, FOR), (2, FOR), (3, AGAINST), (4, AGAINST)), [ORD])
    assert half.valid and half.matters[0].area_share == Fraction(1, 2)
    assert not half.matters[0].passed
    more = count(units, ballots((1, FOR), (2, FOR), (3, FOR), (4, AGAINST)), [ORD])
    assert more.matters[0].passed


def test_major_matter_passes_at_exactly_three_quarters_and_fails_just_below():
    units = register(*[(k, 100) for k in "abcd"])
    exactly = count(units, ballots((1, FOR), (2, FOR), (3, FOR), (4, AGAINST)), [MAJ])
    assert exactly.matters[0].area_share == Fraction(3, 4)
    assert exactly.matters[0].heads_share == Fraction(3, 4)
    assert exactly.matters[0].passed
    units = register(("a", 100), ("b", 100), ("c", "99.99"), ("d", "100.01"))
    below = count(units, ballots((1, FOR), (2, FOR), (3, FOR), (4, AGAINST)), [MAJ])
    assert below.matters[0].heads_share == Fraction(3, 4)
    assert below.matters[0].area_share < Fraction(3, 4)
    assert not below.matters[0].passed


def test_abstentions_take_part_but_do_not_consent():
    units = register(*[(k, 100) for k in "abc"])
    result = count(units, ballots((1, FOR), (2, ABSTAIN), (3, ABSTAIN)), [ORD])
    assert result.valid and result.participating_heads == 3
    assert result.matters[0].area_share == Fraction(1, 3)
    assert not result.matters[0].passed


def test_an_owner_of_several_units_counts_once_with_all_their_area():
    # Owner "a" holds three units (300 m²); b and c one each (100 m²): 3 owners, 500 m².
    units = register(("a", 100), ("a", 100), ("a", 100), ("b", 100), ("c", 100))
    result = count(units, ballots((1, FOR), (2, FOR), (3, FOR)), [ORD])
    assert result.total_heads == 3 and result.total_area == Decimal(500)
    # a alone: 3/5 of area (< 2/3) and 1/3 of owners: not valid.
    assert result.participating_heads == 1 and not result.valid
    with_b = count(units, ballots((1, FOR), (2, FOR), (3, FOR), (4, AGAINST)), [ORD])
    assert with_b.area_participation == Fraction(4, 5)
    assert with_b.heads_participation == Fraction(2, 3)
    assert with_b.valid
    # By area 300:100 for; by headcount 1:1 — not more than half of the owners.
    assert with_b.matters[0].heads[FOR] == 1 and with_b.matters[0].heads[AGAINST] == 1
    assert not with_b.matters[0].passed


def test_a_multi_unit_owner_voting_on_some_units_takes_part_with_those_units_only():
    units = register(("a", 100), ("a", 100), ("b", 100))
    result = count(units, ballots((1, FOR), (3, FOR)), [ORD])
    assert result.participating_heads == 2  # a and b: every owner
    assert result.participating_area == Decimal(200)  # a's second unit returned no ballot
    assert result.area_participation == Fraction(2, 3)
    assert result.valid and result.matters[0].passed


def test_a_split_multi_unit_owner_counts_by_the_larger_area_and_a_tie_abstains():
    units = register(("a", 120), ("a", 80), ("b", 100))
    split = [Cast(1, {1: FOR}), Cast(2, {1: AGAINST}), Cast(3, {1: AGAINST})]
    result = count(units, split, [ORD])
    assert result.matters[0].heads == {FOR: 1, AGAINST: 1, ABSTAIN: 0}
    assert result.matters[0].area[FOR] == Decimal(120)
    even = register(("a", 100), ("a", 100), ("b", 100))
    tie = count(even, [Cast(1, {1: FOR}), Cast(2, {1: AGAINST}), Cast(3, {1: FOR})], [ORD])
    assert tie.matters[0].heads == {FOR: 1, AGAINST: 0, ABSTAIN: 1}


def test_the_developers_unsold_units_are_one_owner():
    units = register((DEVELOPER, 100), (DEVELOPER, 100), (DEVELOPER, 100), ("a", 100),
                     ("b", 100))
    result = count(units, ballots((4, FOR), (5, FOR)), [ORD])
    assert result.total_heads == 3
    assert result.heads_participation == Fraction(2, 3)
    assert result.area_participation == Fraction(2, 5)
    assert not result.valid
    developer_votes = count(units, ballots((1, AGAINST), (2, AGAINST), (3, AGAINST), (4, FOR)),
                            [ORD])
    assert developer_votes.valid  # 400/500 m², 2 of 3 owners
    assert developer_votes.matters[0].heads == {FOR: 1, AGAINST: 1, ABSTAIN: 0}
    assert not developer_votes.matters[0].passed


def test_no_participation_and_no_register_are_not_valid():
    nobody = count(three_equal_owners(), [], [ORD, MAJ])
    assert not nobody.valid and nobody.participating_heads == 0
    assert [m.passed for m in nobody.matters] == [False, False]
    empty = count([], [], [ORD])
    assert not empty.valid and empty.total_heads == 0


def test_ballots_of_units_outside_the_snapshot_are_ignored():
    result = count(three_equal_owners(), ballots((1, FOR), (2, FOR), (99, FOR)), [ORD])
    assert result.ballots == 2 and result.participating_area == Decimal(200)


def test_a_missing_or_unknown_choice_counts_as_abstention():
    result = count(three_equal_owners(), [Cast(1, {}), Cast(2, {1: "maybe"}), Cast(3, {1: FOR})],
                   [ORD])
    assert result.matters[0].heads[ABSTAIN] == 2


def test_stored_result_keeps_exact_fractions():
    stored = as_json(count(three_equal_owners(), ballots((1, FOR), (2, FOR)), [ORD]))
    assert stored["area_participation"] == "2/3"
    assert stored["matters"][0]["passed"] is True


# --- Properties ----------------------------------------------------------------------------

areas = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
units_strategy = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", "d", "e", DEVELOPER]), areas),
    min_size=1, max_size=15,
)
choice = st.sampled_from([FOR, AGAINST, ABSTAIN])


@st.composite
def elections(draw):
    rows = draw(units_strategy)
    units = register(*rows)
    voted = draw(st.lists(st.sampled_from([u.unit_id for u in units]), unique=True))
    casts = [Cast(uid, {1: draw(choice), 2: draw(choice)}) for uid in voted]
    return units, casts


@settings(max_examples=200, deadline=None)
@given(elections())
def test_counts_add_up(election):
    units, casts = election
    result = count(units, casts, [ORD, MAJ])
    assert result.participating_area <= result.total_area
    assert result.participating_heads <= result.total_heads
    for outcome in result.matters:
        assert sum(outcome.area.values()) == result.participating_area
        assert sum(outcome.heads.values()) == result.participating_heads


@settings(max_examples=200, deadline=None)
@given(elections())
def test_major_passing_implies_ordinary_passing_and_validity(election):
    units, casts = election
    same = [Cast(c.unit_id, {1: c.choices[1], 2: c.choices[1]}) for c in casts]
    result = count(units, same, [ORD, MAJ])
    ordinary, major = result.matters
    if major.passed:
        assert result.valid and ordinary.passed
    if ordinary.passed or major.passed:
        assert result.valid


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(min_value=0, max_value=14))
def test_turning_a_vote_to_for_never_hurts(election, index):
    units, casts = election
    if not casts:
        return
    index %= len(casts)
    before = count(units, casts, [ORD, MAJ])
    changed = list(casts)
    changed[index] = Cast(casts[index].unit_id, {1: FOR, 2: FOR})
    after = count(units, changed, [ORD, MAJ])
    for old, new in zip(before.matters, after.matters, strict=True):
        assert new.area[FOR] >= old.area[FOR]
        assert not old.passed or new.passed


@settings(max_examples=100, deadline=None)
@given(elections())
def test_ballot_order_does_not_matter(election):
    units, casts = election
    assert as_json(count(units, casts, [ORD, MAJ])) == as_json(
        count(units, list(reversed(casts)), [ORD, MAJ])
    )


@pytest.mark.parametrize(("for_area", "passed"), [("150.00", False), ("150.01", True)])
def test_ordinary_area_edge_by_a_hundredth_of_a_square_metre(for_area, passed):
    # c has no registered area (0): it tips the headcount to 2 of 3, area alone decides.
    units = [Eligible(1, "a", Decimal(for_area)), Eligible(2, "b", 300 - Decimal(for_area)),
             Eligible(3, "c", Decimal(0))]
    result = count(units, [Cast(1, {1: FOR}), Cast(2, {1: AGAINST}), Cast(3, {1: FOR})], [ORD])
    assert result.matters[0].heads_share == Fraction(2, 3)
    assert result.matters[0].passed is passed
