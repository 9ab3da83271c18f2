"""Counting an owners' vote under PRC Civil Code art. 278 (2020). Pure: no database, no Django.

The law, as built in here
-------------------------
Art. 278 ¶2: a decision of the owners requires the participation in the vote of owners whose
exclusive parts make up **two thirds or more** (三分之二以上) of the total exclusive area *and*
who are **two thirds or more** of the owners by headcount. The matters of items 6–8 (raising
the building maintenance fund; rebuilding or reconstructing buildings and their ancillary
facilities; changing the use of common parts or using them for a business) need the consent
of owners holding **three quarters or more** (四分之三以上) of the *participating* area and
being three quarters or more of the *participating* owners; every other matter needs
**more than half** (过半数) of both. In PRC law "以上" includes the number itself (Civil
Code art. 1259), "过半数" does not: so ≥ 2/3, ≥ 3/4 and > 1/2.

Note: since 2021 *using* the maintenance fund (item 5) is an ordinary matter; only *raising*
it is major. The class of each matter is chosen by the manager (Matter.matter_class); the
help text names the items of the law.

Counting follows the Supreme People's Court interpretation on building ownership
(法释〔2009〕7号, as amended 2020), arts. 8 and 9:

* area is the registered area of each exclusive part; the total is their sum;
* headcount is one per exclusive part, except that the developer's unsold (or sold but not
  delivered) parts count as **one** owner together, and a buyer of several parts counts as
  **one** owner. The total headcount is the sum so counted.

Decisions this module takes where the texts are silent (tested in tests/votes/test_tally.py):

1. *Participating* means a ballot was returned for the unit, whatever it says: abstentions
   take part (they count in the denominators of art. 278 ¶2 but never as consent).
2. Ballots are per unit. An owner of several units takes part by headcount (as one person)
   as soon as a ballot is returned for any of their units; only the area of the units with a
   ballot is participating area — an unreturned ballot is no expression of will.
3. Per matter, such an owner's one headcount vote follows the choice carrying the most area
   among their returned ballots (then the most units); a tie on both is counted as an
   abstention (participating, not consenting).
4. The developer's units form one owner ("developer") in the same way.
5. A vote without any eligible area or owners, or below the participation quorum, is not
   valid, and then no matter passes.

Every comparison is made on exact fractions (``fractions.Fraction`` over ``Decimal`` areas).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

ORDINARY = "ordinary"
MAJOR = "major"
FOR = "for"
AGAINST = "against"
ABSTAIN = "abstain"
CHOICES = (FOR, AGAINST, ABSTAIN)
DEVELOPER = "developer"

QUORUM = Fraction(2, 3)
ORDINARY_MAJORITY = Fraction(1, 2)  # strictly more than
MAJOR_MAJORITY = Fraction(3, 4)  # at least


@dataclass(frozen=True)
class Eligible:
    """One unit of the snapshot: its registered area and whose it is (``owner_key``)."""

    unit_id: int
    owner_key: str
    area: Decimal


@dataclass(frozen=True)
class Cast:
    """A returned ballot: the unit and a choice per matter id."""

    unit_id: int
    choices: Mapping[int, str]


@dataclass(frozen=True)
class MatterSpec:
    matter_id: int
    matter_class: str  # ORDINARY or MAJOR


@dataclass
class MatterOutcome:
    matter_id: int
    matter_class: str
    area: dict[str, Decimal] = field(default_factory=dict)  # choice -> area
    heads: dict[str, int] = field(default_factory=dict)  # choice -> owners
    area_share: Fraction = Fraction(0)  # area for / participating area
    heads_share: Fraction = Fraction(0)  # owners for / participating owners
    threshold: Fraction = ORDINARY_MAJORITY
    strict: bool = True  # ">" (ordinary) or ">=" (major)
    passed: bool = False


@dataclass
class Tally:
    total_area: Decimal
    total_heads: int
    participating_area: Decimal
    participating_heads: int
    area_participation: Fraction
    heads_participation: Fraction
    valid: bool
    matters: list[MatterOutcome]
    ballots: int


def _share(part, whole) -> Fraction:
    if not whole:
        return Fraction(0)
    return Fraction(part) / Fraction(whole)


def reaches(share: Fraction, threshold: Fraction, *, strict: bool) -> bool:
    return share > threshold if strict else share >= threshold


def count(
    eligible: Iterable[Eligible], ballots: Iterable[Cast], matters: Iterable[MatterSpec]
) -> Tally:
    """The whole computation for a vote; ballots for units outside ``eligible`` are ignored
    (eligibility is the snapshot taken when voting opened)."""
    units = {e.unit_id: e for e in eligible}
    matters = list(matters)
    total_area = sum((e.area for e in units.values()), Decimal(0))
    total_heads = len({e.owner_key for e in units.values()})

    returned = [b for b in {b.unit_id: b for b in ballots}.values() if b.unit_id in units]
    participating_area = sum((units[b.unit_id].area for b in returned), Decimal(0))
    by_owner: dict[str, list[Cast]] = defaultdict(list)
    for ballot in returned:
        by_owner[units[ballot.unit_id].owner_key].append(ballot)
    participating_heads = len(by_owner)

    area_participation = _share(participating_area, total_area)
    heads_participation = _share(participating_heads, total_heads)
    valid = bool(total_heads) and bool(total_area) and (
        area_participation >= QUORUM and heads_participation >= QUORUM
    )

    outcomes = []
    for spec in matters:
        area = dict.fromkeys(CHOICES, Decimal(0))
        heads = dict.fromkeys(CHOICES, 0)
        for owner_ballots in by_owner.values():
            weight = dict.fromkeys(CHOICES, Decimal(0))
            unit_count = dict.fromkeys(CHOICES, 0)
            for ballot in owner_ballots:
                choice = ballot.choices.get(spec.matter_id, ABSTAIN)
                if choice not in CHOICES:
                    choice = ABSTAIN
                unit_area = units[ballot.unit_id].area
                area[choice] += unit_area
                weight[choice] += unit_area
                unit_count[choice] += 1
            heads[_headcount_choice(weight, unit_count)] += 1
        major = spec.matter_class == MAJOR
        threshold = MAJOR_MAJORITY if major else ORDINARY_MAJORITY
        strict = not major
        area_share = _share(area[FOR], participating_area)
        heads_share = _share(heads[FOR], participating_heads)
        passed = valid and reaches(area_share, threshold, strict=strict) and reaches(
            heads_share, threshold, strict=strict
        )
        outcomes.append(MatterOutcome(
            spec.matter_id, spec.matter_class, area, heads, area_share, heads_share,
            threshold, strict, passed,
        ))
    return Tally(
        total_area, total_heads, participating_area, participating_heads, area_participation,
        heads_participation, valid, outcomes, len(returned),
    )


def _headcount_choice(weight: dict[str, Decimal], units: dict[str, int]) -> str:
    """The owner's one headcount vote: the choice with most area, then with most units;
    a tie on both is an abstention."""
    ranked = sorted(CHOICES, key=lambda choice: (weight[choice], units[choice]), reverse=True)
    first, second = ranked[0], ranked[1]
    if (weight[first], units[first]) == (weight[second], units[second]):
        return ABSTAIN
    return first


def as_json(tally: Tally) -> dict:
    """The stored result: decimals and fractions as strings so nothing is rounded."""

    def frac(value: Fraction) -> str:
        return f"{value.numerator}/{value.denominator}"

    return {
        "total_area": str(tally.total_area),
        "total_heads": tally.total_heads,
        "participating_area": str(tally.participating_area),
        "participating_heads": tally.participating_heads,
        "area_participation": frac(tally.area_participation),
        "heads_participation": frac(tally.heads_participation),
        "valid": tally.valid,
        "ballots": tally.ballots,
        "matters": [
            {
                "matter": m.matter_id,
                "matter_class": m.matter_class,
                "area": {k: str(v) for k, v in m.area.items()},
                "heads": m.heads,
                "area_share": frac(m.area_share),
                "heads_share": frac(m.heads_share),
                "threshold": frac(m.threshold),
                "strict": m.strict,
                "passed": m.passed,
            }
            for m in tally.matters
        ],
    }
