"""The notification centre: /notifications/ pages and /api/v1/notifications/. They belong to a
person, not to an organisation: everybody signed in has their own list; one person's
notification answers 404 to everybody else, in every organisation."""

from django.urls import Resolver404, resolve

from communications.models import Notification

from .matrix import HARBOR_ROLES, STAFF_ROLES, SUNRISE_ROLES, Row

SIGNED_IN = frozenset(SUNRISE_ROLES + HARBOR_ROLES)
RECIPIENT = frozenset({"owner"})


def _owner_notification(world) -> int:
    """A notification of Sunrise's owner (created inside the case's rolled-back transaction)."""
    sunrise = world.sunrise
    notification = Notification.objects.filter(recipient=sunrise.owner).first()
    if notification is None:
        notification = Notification.objects.create(
            organization=sunrise.org, recipient=sunrise.owner, kind="ticket.status",
            title="Request #1 is now in progress", url="/o/sunrise/requests/1/",
        )
    return notification.pk


def _read_state(world):
    return list(
        Notification.objects.filter(recipient=world.sunrise.owner).values_list("pk", "read_at")
    )


NOTIFICATION = {"notification": _owner_notification}

ROWS = [
    Row("notifications-list", "GET", "/notifications/", allowed=SIGNED_IN),
    Row("notifications-list-unread", "GET", "/notifications/?show=unread&org={org}",
        allowed=SIGNED_IN),
    Row("notifications-bell", "GET", "/notifications/bell/", allowed=SIGNED_IN),
    Row("notifications-preferences", "GET", "/notifications/preferences/", allowed=SIGNED_IN),
    Row(
        "notifications-preferences-save", "POST", "/notifications/preferences/",
        allowed=SIGNED_IN, ok=302, data={"tickets_email": "on"},
    ),
    Row(
        "notification-read", "POST", "/notifications/{notification}/read/", allowed=RECIPIENT,
        ok=302, extra=NOTIFICATION, changed=_read_state,
    ),
    # Everybody marks their own notifications; tests/communications proves nobody else's
    # change.
    Row("notifications-read-all", "POST", "/notifications/read-all/", allowed=SIGNED_IN, ok=302),
]


def _routed(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


# Until portal/api/urls.py includes communications.api_urls the API rows would point at no
# route; once it does, route coverage requires them.
if _routed("/api/v1/notifications/"):
    ROWS += [
        Row("api-notifications-list", "GET", "/api/v1/notifications/", allowed=SIGNED_IN,
            api=True),
        Row(
            "api-notification-read", "POST", "/api/v1/notifications/{notification}/read/",
            allowed=RECIPIENT, api=True, extra=NOTIFICATION, changed=_read_state,
        ),
        Row("api-notifications-read-all", "POST", "/api/v1/notifications/read-all/",
            allowed=SIGNED_IN, api=True),
    ]


# The staff ticket page's presence hint (tickets/views/staff/presence.py): the same access as
# the ticket page; it writes only to Redis, so there is nothing in the database to compare.
def _presence_ticket(world) -> int:
    from .rows_tickets_staff import _new_ticket

    return _new_ticket(world, "Matrix presence")


ROWS += [
    Row("tickets-staff-presence", "POST", "/o/{org}/tickets/{ticket}/presence/",
        allowed=STAFF_ROLES, data={"body": ""}, extra={"ticket": _presence_ticket}),
]
