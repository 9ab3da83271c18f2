"""Reads of a person's own notifications. They span the person's organisations, so these
queries run with scopes disabled and always filter by recipient."""

from django.db.models import Q, QuerySet
from django_scopes import scopes_disabled

from portal.tenancy.models import Organization

from .models import Notification

BELL_CAP = 99


def notifications_for(
    *, user, unread_only: bool = False, organization: Organization | None = None
) -> QuerySet:
    with scopes_disabled():
        notifications = Notification.objects.filter(recipient=user).select_related(
            "organization"
        )
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    if organization is not None:
        notifications = notifications.filter(organization=organization)
    return notifications.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    """One indexed COUNT, capped: the bell shows "99+" beyond that."""
    with scopes_disabled():
        return (
            Notification.objects.filter(recipient=user, read_at__isnull=True)
            .values("pk")[: BELL_CAP + 1]
            .count()
        )


def notification_organizations(*, user) -> list[Organization]:
    """The organisations the person has notifications from, for the filter."""
    with scopes_disabled():
        ids = (
            Notification.objects.filter(recipient=user)
            .values_list("organization_id", flat=True).distinct()
        )
        return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def member_organizations(*, user) -> list[Organization]:
    """The active organisations where the person is staff or a resident, by name (one query)."""
    from portal.tenancy.models import Membership, Residency

    with scopes_disabled():  # a person's own places span organisations
        return list(
            Organization.objects.filter(
                Q(pk__in=Membership.objects.filter(user=user, is_active=True)
                  .values("organization_id"))
                | Q(pk__in=Residency.objects.filter(user=user, is_active=True)
                    .values("organization_id")),
                is_active=True,
            ).order_by("name")
        )
