"""The notices sections of the home pages, each a constant number of queries."""

from django import template
from django.db.models import Count, Q

from ..models.notice import Status
from ..selectors import owner_feed, staff_notices

register = template.Library()
LIMIT = 5


@register.simple_tag(takes_context=True)
def owner_home_notices(context) -> dict:
    """Pinned and unread notices, pinned first (one query)."""
    access = context.get("access")
    if access is None or not access.residencies:
        return {"items": []}
    items = owner_feed(access=access).filter(
        Q(notice__pinned=True) | Q(read_at__isnull=True)
        | Q(notice__ack_required=True, acknowledged_at__isnull=True))[:LIMIT]
    return {"items": list(items)}


@register.simple_tag(takes_context=True)
def staff_home_notices(context) -> dict:
    """Drafts and scheduled notices, and the latest published with read and ack counts (two
    queries)."""
    access = context.get("access")
    if access is None or not access.is_staff:
        return {"pending": [], "recent": []}
    notices = staff_notices(access=access)
    pending = list(notices.filter(status__in=[Status.DRAFT, Status.SCHEDULED])
                   .order_by("-updated_at")[:LIMIT]) if access.is_manager else []
    recent = list(
        notices.filter(status=Status.PUBLISHED).annotate(
            recipients=Count("receipts"), read=Count("receipts__read_at"),
            acknowledged=Count("receipts__acknowledged_at")).order_by("-published_at")[:3]
    )
    return {"pending": pending, "recent": recent}
