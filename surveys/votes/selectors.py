"""Reads for the vote pages: the tally as the pages show it, ballots of a unit, home data."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count
from django.utils.translation import gettext as _

from . import tally
from .models import Ballot, EligibleUnit, Matter, Vote
from .services.lifecycle import count_vote


@dataclass
class Bar:
    """One measured share against its threshold, for a progress bar and its numbers."""

    label: str
    part: object
    whole: object
    share: Fraction
    threshold: Fraction
    strict: bool

    @property
    def percent(self) -> str:
        return f"{float(self.share) * 100:.2f}"

    @property
    def width(self) -> str:
        return f"{min(float(self.share) * 100, 100):.2f}"

    @property
    def threshold_percent(self) -> str:
        return f"{float(self.threshold) * 100:.2f}"

    @property
    def reached(self) -> bool:
        return tally.reaches(self.share, self.threshold, strict=self.strict)


def _fraction(text: str) -> Fraction:
    return Fraction(text)


def tally_from_result(result: dict) -> tally.Tally:
    """The stored result back as a Tally, so live and closed votes render the same way."""
    return tally.Tally(
        total_area=Decimal(result["total_area"]), total_heads=result["total_heads"],
        participating_area=Decimal(result["participating_area"]),
        participating_heads=result["participating_heads"],
        area_participation=_fraction(result["area_participation"]),
        heads_participation=_fraction(result["heads_participation"]),
        valid=result["valid"], ballots=result["ballots"],
        matters=[
            tally.MatterOutcome(
                matter_id=m["matter"], matter_class=m["matter_class"],
                area={k: Decimal(v) for k, v in m["area"].items()}, heads=m["heads"],
                area_share=_fraction(m["area_share"]), heads_share=_fraction(m["heads_share"]),
                threshold=_fraction(m["threshold"]), strict=m["strict"], passed=m["passed"],
            )
            for m in result["matters"]
        ],
    )


@dataclass
class MatterView:
    matter: Matter
    outcome: tally.MatterOutcome
    bars: list[Bar]


@dataclass
class TallyView:
    vote: Vote
    tally: tally.Tally
    participation: list[Bar]
    matters: list[MatterView]
    final: bool


def tally_view(vote: Vote, matters: list[Matter]) -> TallyView | None:
    """The computation for a page: stored when closed, counted now when open (three queries),
    None before voting opens."""
    if vote.status == Vote.Status.CLOSED and vote.result:
        counted, final = tally_from_result(vote.result), True
    elif vote.status in (Vote.Status.OPEN, Vote.Status.CLOSED):
        counted, final = count_vote(vote), False
    else:
        return None
    participation = [
        Bar(_("Area taking part"), counted.participating_area, counted.total_area,
            counted.area_participation, tally.QUORUM, False),
        Bar(_("Owners taking part"), counted.participating_heads, counted.total_heads,
            counted.heads_participation, tally.QUORUM, False),
    ]
    outcomes = {o.matter_id: o for o in counted.matters}
    views = []
    for matter in matters:
        outcome = outcomes.get(matter.pk)
        if outcome is None:
            continue
        views.append(MatterView(matter, outcome, [
            Bar(_("Area for"), outcome.area[tally.FOR], counted.participating_area,
                outcome.area_share, outcome.threshold, outcome.strict),
            Bar(_("Owners for"), outcome.heads[tally.FOR], counted.participating_heads,
                outcome.heads_share, outcome.threshold, outcome.strict),
        ]))
    return TallyView(vote, counted, participation, views, final)


def my_ballots(vote: Vote, unit_ids: list[int]) -> dict[int, Ballot]:
    return {b.unit_id: b for b in Ballot.objects.filter(vote=vote, unit_id__in=unit_ids)}


def eligible_unit_ids(vote: Vote, unit_ids: list[int]) -> set[int]:
    return set(
        EligibleUnit.objects.filter(vote=vote, unit_id__in=unit_ids).values_list(
            "unit_id", flat=True
        )
    )


def participation_by_vote(votes: list[Vote]) -> dict[int, tuple[int, int]]:
    """(ballots, eligible units) per vote: two aggregate queries for any number of votes."""
    ids = [v.pk for v in votes]
    ballots = dict(
        Ballot.objects.filter(vote_id__in=ids).values_list("vote_id").annotate(n=Count("pk"))
    )
    eligible = dict(
        EligibleUnit.objects.filter(vote_id__in=ids).values_list("vote_id")
        .annotate(n=Count("pk"))
    )
    return {pk: (ballots.get(pk, 0), eligible.get(pk, 0)) for pk in ids}
