"""A person's private calendar feed URL: created on demand, regenerated or revoked at will.
Revoking deletes the row, so the old URL answers 404 at once."""

from django.db import transaction

from portal.tenancy.access import Access

from ..models import CalendarFeed, new_token
from .rules import actor_id


def feed_get(*, access: Access) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        organization=access.organization, user_id=actor_id(access)
    ).first()


@transaction.atomic
def feed_regenerate(*, access: Access) -> CalendarFeed:
    """A new secret URL (the old one stops working)."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(
        organization=access.organization, user_id=actor_id(access)
    )
    if not _created:
        feed.token = new_token()
        feed.save(update_fields=["token"])
    return feed


@transaction.atomic
def feed_revoke(*, access: Access) -> bool:
    deleted, _rows = CalendarFeed.objects.filter(
        organization=access.organization, user_id=actor_id(access)
    ).delete()
    return bool(deleted)
