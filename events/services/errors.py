"""What the event services raise.

``EventError`` is a ``ValidationError``: forms show it beside the field it names and the API
answers 400. ``EventConflict`` is a request the current state refuses (the event filled up,
the registration was already cancelled): the API answers 409. Callers outside the event's
reach get ``PermissionDenied``, which views and the API turn into 404.
"""

from django.core.exceptions import ValidationError


class EventError(ValidationError):
    pass


class EventConflict(EventError):
    pass
