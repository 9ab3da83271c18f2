"""What the notification centre holds about a person, for their data download and erasure
(portal.accounts.personal_data): the notifications they were sent and how they want to be
told. Erasure removes all of it; outbox rows go with their notifications."""

from portal.accounts.personal_data import eraser, exporter, when

from .models import Notification, NotificationPreference, QuietHours


@exporter("notifications")
def export(user) -> list[dict]:
    return [
        {
            "at": notification.created_at.isoformat(),
            "kind": notification.kind,
            "title": notification.title,
            "text": notification.body,
            "read_at": when(notification.read_at),
        }
        for notification in Notification.objects.filter(recipient=user).order_by("created_at")
    ]


@exporter("notification_settings")
def export_settings(user) -> list[dict]:
    rows = [
        {"organisation_id": p.organization_id, "topic": p.topic, "email": p.email, "sms": p.sms}
        for p in NotificationPreference.objects.filter(user=user)
    ]
    quiet = QuietHours.objects.filter(user=user).first()
    if quiet:
        rows.append({"quiet_from": quiet.start.isoformat(), "quiet_until": quiet.end.isoformat()})
    return rows


@eraser("notifications")
def erase(user) -> None:
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    QuietHours.objects.filter(user=user).delete()
