from django.core.exceptions import ValidationError


class VoteError(ValidationError):
    """Bad input or a step the vote's state does not allow: a message at the field."""


class VoteConflict(VoteError):
    """Somebody else got there first (a ballot for the unit exists): HTTP 409."""
