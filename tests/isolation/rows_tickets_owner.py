"""Owners' request pages of tickets/urls_owner.py and the shared attachment downloads.

A request is the owner's (filed by ``owner`` for ``unit``): the owner and the household see
and act on it; neighbours, owners elsewhere, staff (who use their own ticket pages) and every
other organisation get 404. Its photos are visible to the unit and to staff covering the
property; a staff-only attachment to staff in scope alone.
"""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from portal.tenancy.access import compute_access
from tickets.models import Attachment, Category, Status, Ticket, TimelineEntry
from tickets.services import (
    categories_ensure_defaults,
    ticket_accept,
    ticket_submit,
    ticket_transition,
)

from .matrix import ALL_MEMBERS, RESIDENTS_OF_UNIT, STAFF_ROLES, Row

R = "/o/{org}/requests"
RESIDENTS = frozenset({"owner", "household", "neighbour", "far_owner"})
# Stored once and reused: each matrix case rolls its rows back, but files are not rolled back.
PHOTO_NAME = "tickets/isolation-matrix/photo.jpg"
THUMB_NAME = "tickets/isolation-matrix/photo-thumb.jpg"


def _tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, "JPEG")
    return buffer.getvalue()


TINY_JPEG = _tiny_jpeg()


def _w(world):
    return getattr(world, "sunrise", world)


def _request(world, status: str = Status.NEW) -> Ticket:
    w = _w(world)
    categories_ensure_defaults(organization=w.org)
    owner = compute_access(w.owner, w.org)
    ticket = ticket_submit(
        access=owner, category=_repair(w), title="Matrix request", unit=w.unit,
    )
    if status == Status.RESOLVED:
        staff = compute_access(w.staff, w.org)
        ticket = ticket_accept(access=staff, ticket=ticket)
        for step in (Status.IN_PROGRESS, Status.RESOLVED):
            ticket = ticket_transition(access=staff, ticket=ticket, to=step)
    return ticket


def _repair(w):
    return Category.objects.filter(organization=w.org, kind=Category.Kind.REPAIR).first()


def _new(world):
    return _request(world).number


def _resolved(world):
    return _request(world, Status.RESOLVED).number


def _stored(name: str) -> str:
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(TINY_JPEG))
    return name


def _attachment(is_public: bool):
    def make(world):
        w = _w(world)
        ticket = _request(world)
        attachment = Attachment.objects.create(
            organization=w.org, ticket=ticket, uploaded_by=w.owner if is_public else w.staff,
            is_public=is_public, storage_key=f"isolation-matrix-{int(is_public)}",
            extension=".jpg", file=_stored(PHOTO_NAME), thumbnail=_stored(THUMB_NAME),
            original_name="photo.jpg", content_type="image/jpeg", size=len(TINY_JPEG),
            width=1, height=1,
        )
        return attachment.pk

    return make


def _statuses(world):
    w = _w(world)
    return sorted(
        Ticket.objects.filter(organization=w.org).values_list("number", "status", "rating")
    )


def _timeline(world):
    return TimelineEntry.objects.filter(organization=_w(world).org).count()


TICKET = "{ticket}"
ROWS = [
    Row("tickets-owner-request-list", "GET", f"{R}/", allowed=ALL_MEMBERS),
    Row("tickets-owner-request-new-form", "GET", f"{R}/new/", allowed=RESIDENTS),
    Row(
        "tickets-owner-faq-suggest", "GET", f"{R}/faq/", allowed=ALL_MEMBERS,
        data={"title": "漏水", "description": "water leak"},
    ),
    Row(
        "tickets-owner-request-detail", "GET", f"{R}/{TICKET}/", allowed=RESIDENTS_OF_UNIT,
        extra={"ticket": _new},
    ),
    Row(
        "tickets-owner-request-reply", "POST", f"{R}/{TICKET}/reply/",
        allowed=RESIDENTS_OF_UNIT, ok=302, data={"reply-body": "Matrix reply"},
        changed=_timeline, extra={"ticket": _new},
    ),
    Row(
        "tickets-owner-request-cancel", "POST", f"{R}/{TICKET}/cancel/",
        allowed=RESIDENTS_OF_UNIT, ok=302, changed=_statuses, extra={"ticket": _new},
        one_allowed_role_is_enough=True,
    ),
    Row(
        "tickets-owner-request-close", "POST", f"{R}/{TICKET}/close/",
        allowed=RESIDENTS_OF_UNIT, ok=302, changed=_statuses, extra={"ticket": _resolved},
        one_allowed_role_is_enough=True,
    ),
    Row(
        "tickets-owner-request-reopen", "POST", f"{R}/{TICKET}/reopen/",
        allowed=RESIDENTS_OF_UNIT, ok=302, data={"reopen-reason": "Still broken"},
        changed=_statuses, extra={"ticket": _resolved}, one_allowed_role_is_enough=True,
    ),
    Row(
        "tickets-owner-request-rate", "POST", f"{R}/{TICKET}/rate/",
        allowed=RESIDENTS_OF_UNIT, ok=302, data={"rate-rating": "4"},
        changed=_statuses, extra={"ticket": _resolved}, one_allowed_role_is_enough=True,
    ),
    Row(
        "tickets-attachment", "GET", f"{R}/attachments/{{attachment}}/",
        allowed=STAFF_ROLES | RESIDENTS_OF_UNIT, extra={"attachment": _attachment(True)},
    ),
    Row(
        "tickets-attachment-thumb", "GET", f"{R}/attachments/{{attachment}}/thumbnail/",
        allowed=STAFF_ROLES | RESIDENTS_OF_UNIT, extra={"attachment": _attachment(True)},
    ),
    Row(
        "tickets-attachment-staff-only", "GET", f"{R}/attachments/{{attachment}}/",
        allowed=STAFF_ROLES, extra={"attachment": _attachment(False)},
    ),
]
