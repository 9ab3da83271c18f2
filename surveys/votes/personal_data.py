"""What the votes app holds about a person, for their data download and erasure
(portal.accounts.personal_data): the ballots they cast online for their units.

Erasure keeps the vote's legal record (PIPL art. 47 leaves what a law requires us to keep;
the Civil Code counts units and areas): every ballot stays with its unit, choices, channel and
time, and the tally does not change. The ballot loses its link to the person; the append-only
audit trail keeps its row, which now points at the anonymised account. Paper ballots and
written proxies are signed documents entered by staff: they name their signer as the record
demands and are not the person's account data.
"""

from portal.accounts.personal_data import eraser, exporter

from .models import Ballot, Matter


@exporter("ballots")
def export(user) -> list[dict]:
    ballots = list(
        Ballot.objects.filter(voter=user).select_related("organization", "vote", "unit")
    )
    titles = dict(
        Matter.objects.filter(vote_id__in={b.vote_id for b in ballots}).values_list("pk", "title")
    )
    return [
        {
            "organisation": ballot.organization.name,
            "vote": ballot.vote.title,
            "unit": ballot.unit.number,
            "channel": ballot.channel,
            "cast_at": ballot.created_at.isoformat(),
            "choices": {
                titles.get(int(matter), matter): choice
                for matter, choice in sorted(ballot.choices.items())
            },
        }
        for ballot in sorted(ballots, key=lambda b: (b.created_at, b.pk))
    ]


@eraser("ballots")
def erase(user) -> None:
    Ballot.objects.filter(voter=user).update(voter=None)
