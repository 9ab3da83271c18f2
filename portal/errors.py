"""Error pages that work when the database does not.

A PostgreSQL restart or failover must read as "come back in a moment" (503 with
Retry-After), not as a bug (500): load balancers, the mobile apps and people all retry a 503.
These pages render without the request's context processors, which would ask the database
who is signed in and fail again.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 30


def _database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request):
    error = sys.exc_info()[1]
    unavailable = _database_unavailable(error)
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        detail = (
            _("The service is briefly unavailable. Please try again in a moment.")
            if unavailable else _("Something went wrong on our side.")
        )
        response = JsonResponse(
            {"detail": detail, "code": "unavailable" if unavailable else "server_error"},
            status=status,
        )
    else:
        response = HttpResponse(
            render_to_string("errors/unavailable.html" if unavailable else "errors/500.html"),
            status=status,
        )
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
