"""Engagement with notices, for the managers' dashboards (portal.dashboards composes it)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from portal.tenancy.models import Organization

from .models import Notice, NoticeReceipt
from .models.notice import Status


def _bounds(organization: Organization, start: dt.date, end: dt.date):
    zone = ZoneInfo(organization.time_zone)
    low = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return low, high


def notice_engagement(
    *, organization: Organization, property_ids: list[int] | None, start: dt.date,
    end: dt.date,
) -> dict:
    """Counts over notices published in [start, end] (days in the organisation's time zone):
    ``notices``, ``recipients``, ``read``, ``acknowledged`` and ``ack_required`` (receipts of
    notices that ask for acknowledgement). With ``property_ids``, only receipts of residents
    of units in those properties count, and only notices that reached them. Two queries."""
    low, high = _bounds(organization, start, end)
    published = Q(notice__status__in=[Status.PUBLISHED, Status.ARCHIVED],
                  notice__published_at__gte=low, notice__published_at__lt=high)
    receipts = NoticeReceipt.objects.filter(published, organization=organization)
    if property_ids is not None:
        receipts = receipts.filter(unit__property_id__in=property_ids)
    counts = receipts.aggregate(
        recipients=Count("pk"), read=Count("read_at"), acknowledged=Count("acknowledged_at"),
        ack_required=Count("pk", filter=Q(notice__ack_required=True)),
    )
    notices = Notice.objects.filter(
        organization=organization, status__in=[Status.PUBLISHED, Status.ARCHIVED],
        published_at__gte=low, published_at__lt=high,
    )
    if property_ids is not None:
        notices = notices.filter(pk__in=receipts.values("notice_id"))
    return {"notices": notices.count(), **{k: v or 0 for k, v in counts.items()}}
