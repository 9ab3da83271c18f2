"""Check-in at the door (签到): by the code on the owner's phone, or by staff picking the
registration from the list. Checking in twice changes nothing and says so."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.tenancy.access import Access

from ..models import Event, Registration
from . import announce
from .errors import EventError
from .rules import actor_id, require_staff


@dataclass(frozen=True)
class CheckIn:
    registration: Registration
    already: bool  # was checked in before this call


def clean_token(text: str) -> str:
    """What a scanner or a person typed: the code alone, or a link ending with it."""
    text = (text or "").strip()
    return text.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def _check_in(access: Access, event: Event, **lookup) -> CheckIn:
    require_staff(access, event)
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(organization_id=event.organization_id, event=event, **lookup)
            .first()
        )
        if registration is None:
            raise EventError({"token": _("No registration for this event has this code.")},
                             code="unknown")
        if registration.status != Registration.Status.CONFIRMED:
            raise EventError(
                {"token": _("This registration is not confirmed (waitlisted or cancelled).")},
                code="not_confirmed",
            )
        if registration.checked_in_at is not None:
            return CheckIn(registration, already=True)
        registration.checked_in_at = timezone.now()
        registration.checked_in_by_id = actor_id(access)
        registration.save(update_fields=["checked_in_at", "checked_in_by"])
        announce.updated(event, [registration.user_id])
    return CheckIn(registration, already=False)


def checkin_by_token(*, access: Access, event: Event, token: str) -> CheckIn:
    token = clean_token(token)
    if not token:
        raise EventError({"token": _("Scan or type the code shown on the phone.")},
                         code="required")
    return _check_in(access, event, checkin_token=token)


def checkin_registration(*, access: Access, event: Event, registration_id: int) -> CheckIn:
    return _check_in(access, event, pk=registration_id)
