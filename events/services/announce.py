"""Telling people: notifications through communications.notify and live pushes, both after
commit (notify writes inside the caller's transaction; nothing leaves unless it commits)."""

from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from communications import live
from communications.services import notify

from ..models import Event


def event_url(event: Event) -> str:
    return reverse("events:detail", args=[event.organization.slug, event.pk])


def context_of(event: Event) -> dict:
    zone = ZoneInfo(event.organization.time_zone)
    return {
        "title": event.title,
        "place": event.place,
        "starts": timezone.localtime(event.starts_at, zone).strftime("%Y-%m-%d %H:%M"),
        "ends": timezone.localtime(event.ends_at, zone).strftime("%H:%M"),
    }


def tell(event: Event, user_ids, kind: str, actor_id: int | None = None, **extra) -> None:
    notify(
        organization=event.organization, recipients=user_ids, kind=kind,
        context={**context_of(event), **extra}, url=event_url(event), actor_id=actor_id,
        object_type="events.event", object_key=event.pk,
    )


def updated(event: Event, user_ids=()) -> None:
    """``event.updated`` to the organisation's staff and the people concerned, after commit."""
    message = {
        "type": "event.updated", "org": event.organization.slug, "event": event.pk,
        "at": timezone.now().isoformat(),
    }
    live.send_to_org_staff_on_commit(event.organization_id, message)
    if user_ids:
        live.send_to_users_on_commit(sorted(set(user_ids)), message)
