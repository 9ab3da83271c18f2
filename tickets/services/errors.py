"""What the ticket services raise when a request breaks a rule.

``TicketError`` is a ``ValidationError``: forms show it beside the field it names, and the API
turns it into a 400 with the message in the caller's language. ``TicketConflict`` is a
request that lost a race (two staff accepting at once): the API answers 409. A caller outside
the ticket's reach gets ``django.core.exceptions.PermissionDenied``; views answer 404 before
that can happen.
"""

from django.core.exceptions import ValidationError


class TicketError(ValidationError):
    pass


class TicketConflict(TicketError):
    pass
