"""How ticket rule violations and lost races reach an API caller.

The services raise Django's ``ValidationError`` (as :class:`TicketError`), which DRF would
answer with a 500. Here it becomes a 400 keyed by field, in the caller's language (the
message was translated when the service raised it); a :class:`TicketConflict` a 409; and a
``PermissionDenied`` from a service a 404, as for anything out of the caller's reach.
"""

from django.core.exceptions import PermissionDenied
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from tickets.services import TicketConflict, TicketError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


def _details(errors) -> list[ErrorDetail]:
    return [ErrorDetail(str(message), code=error.code or "invalid")
            for error in errors for message in error.messages]


def as_api_error(error: Exception) -> Exception:
    """The DRF exception to raise in place of a service's exception (others unchanged)."""
    if isinstance(error, TicketConflict):
        # The code beside the message, so that an app can tell a lost race from other refusals.
        return Conflict(detail={"detail": " ".join(error.messages),
                                "code": error.code or "conflict"})
    if isinstance(error, TicketError):
        if hasattr(error, "error_dict"):
            return exceptions.ValidationError(
                {field: _details(errors) for field, errors in error.error_dict.items()}
            )
        return exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: _details(error.error_list)}
        )
    if isinstance(error, PermissionDenied):
        return exceptions.NotFound()
    return error


class TicketErrorsMixin:
    """Put on every ticket API view: services' exceptions become API answers."""

    def handle_exception(self, exc):
        return super().handle_exception(as_api_error(exc))
