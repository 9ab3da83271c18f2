"""Reads of notices and disclosures, each a constant number of queries. Getters answer 404 for
anything outside the caller's reach, the same as for an id that does not exist (DESIGN §4.3).

An owner's notices are their receipts: a receipt is written for each recipient when the notice
is published, so the feed is one indexed query on (organization, user) and nobody sees a notice
that was not meant for them.
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.tenancy.access import Access

from .models import (
    DisclosureItem,
    DisclosurePublication,
    Notice,
    NoticeAudience,
    NoticeReceipt,
)
from .models.notice import Status
from .services.rules import actor_id


def owner_feed(*, access: Access, category: str = "", query: str = "") -> QuerySet:
    """The caller's receipts of current notices: pinned first, then newest."""
    receipts = NoticeReceipt.objects.filter(
        organization=access.organization, user_id=actor_id(access),
        notice__status=Status.PUBLISHED,
    ).exclude(notice__expires_at__lte=timezone.now()).select_related("notice")
    if category:
        receipts = receipts.filter(notice__category=category)
    if query:
        receipts = receipts.filter(Q(notice__title__icontains=query)
                                   | Q(notice__body__icontains=query))
    return receipts.order_by("-notice__pinned", "-notice__published_at", "-pk")


def staff_notices(*, access: Access) -> QuerySet:
    """Notices a staff member may see: all of them for all-property people, otherwise those
    for the whole organisation or touching a property in their scope."""
    notices = Notice.objects.filter(organization=access.organization)
    if access.sees_all_properties:
        return notices
    touching = NoticeAudience.objects.filter(
        notice=OuterRef("pk"), property_id__in=access.scoped_property_ids)
    return notices.filter(Q(whole_organization=True) | Exists(touching))


def notice_get_for_staff(*, access: Access, pk: int) -> Notice:
    notice = staff_notices(access=access).select_related("organization").filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def receipt_get_for_owner(*, access: Access, pk: int) -> NoticeReceipt:
    """The caller's receipt of a published (or since archived) notice."""
    receipt = NoticeReceipt.objects.filter(
        organization=access.organization, user_id=actor_id(access), notice_id=pk,
        notice__status__in=[Status.PUBLISHED, Status.ARCHIVED],
    ).select_related("notice__organization").first()
    if receipt is None:
        raise Http404
    return receipt


def receipt_rates(*, notice: Notice, access: Access | None = None) -> list[dict]:
    """Read, acknowledged and paper-delivered counts per building, one query."""
    receipts = NoticeReceipt.objects.filter(organization_id=notice.organization_id,
                                            notice=notice)
    if access is not None and not access.sees_all_properties:
        receipts = receipts.filter(unit__property_id__in=access.scoped_property_ids)
    rows = list(
        receipts.values("unit__property__name", "unit__building__name", "unit__building_id")
        .annotate(total=Count("pk"), read=Count("read_at"), acknowledged=Count("acknowledged_at"),
                  paper=Count("paper_delivered_at"))
        .order_by("unit__property__name", "unit__building__name")
    )
    for row in rows:
        total = row["total"] or 1
        row["read_rate"] = round(100 * row["read"] / total)
        row["ack_rate"] = round(100 * row["acknowledged"] / total)
    return rows


def receipts_for_list(*, notice: Notice, access: Access) -> QuerySet:
    """Receipts by building and unit (the printable list and the CSV), in the caller's
    scope."""
    receipts = NoticeReceipt.objects.filter(
        organization_id=notice.organization_id, notice=notice
    ).select_related("user", "unit__building__property", "paper_delivered_by")
    if not access.sees_all_properties:
        receipts = receipts.filter(unit__property_id__in=access.scoped_property_ids)
    return receipts.order_by("unit__property__name", "unit__building__name", "unit__floor",
                             "unit__number", "user__full_name", "pk")


def disclosure_items_for(*, access: Access) -> QuerySet:
    """Register items the caller may read: org-wide ones and those of their properties."""
    items = DisclosureItem.objects.filter(organization=access.organization, is_active=True)
    if access.is_staff:
        if access.sees_all_properties:
            return items
        return items.filter(Q(property__isnull=True)
                            | Q(property_id__in=access.scoped_property_ids))
    own = {r.unit.property_id for r in access.residencies}
    return items.filter(Q(property__isnull=True) | Q(property_id__in=own))


def disclosure_publications_for(*, access: Access) -> QuerySet:
    return DisclosurePublication.objects.filter(
        organization=access.organization,
        item__in=disclosure_items_for(access=access).values("pk"),
    ).select_related("item", "item__property", "corrects")


def disclosure_get_for(*, access: Access, pk: int) -> DisclosurePublication:
    publication = disclosure_publications_for(access=access).filter(pk=pk).first()
    if publication is None:
        raise Http404
    return publication
