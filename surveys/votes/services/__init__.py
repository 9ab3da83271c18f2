"""Every write of owners' votes. Views, API views and tasks call these."""

from .ballots import ballot_cast, ballot_enter, check_attachment
from .drafting import MatterInput, vote_announce, vote_create, vote_update
from .errors import VoteConflict, VoteError
from .lifecycle import count_vote, take_snapshot, votes_close_due, votes_open_due

__all__ = [
    "MatterInput", "VoteConflict", "VoteError", "ballot_cast", "ballot_enter",
    "check_attachment", "count_vote", "take_snapshot", "vote_announce", "vote_create",
    "vote_update", "votes_close_due", "votes_open_due",
]
