"""Shared by the event pages: the decorator that shows times in the organisation's zone,
and service errors shown beside their fields."""

from functools import wraps
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.tenancy.decorators import org_view

from ..services.rules import actor_id  # noqa: F401 - re-exported for the views


def event_view(minimum: str = "resident"):
    """``org_view`` that also reads and shows times in the organisation's time zone: a
    form's "19:00" is 19:00 in Shanghai, whatever the server's zone."""

    def decorator(view):
        @org_view(minimum)
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            with timezone.override(ZoneInfo(request.organization.time_zone)):
                return view(request, *args, **kwargs)

        return wrapper

    return decorator


def url(request, name: str, *args) -> str:
    return reverse(f"events:{name}", args=[request.organization.slug, *args])


def show_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def message_of(error: ValidationError) -> str:
    return " ".join(error.messages)
