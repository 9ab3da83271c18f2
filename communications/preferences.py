"""Who is told on which channel: the preference matrix (topic × channel) and its defaults.

In-app is always on. Without a preference row, email follows DEFAULT_EMAIL (owners hear about
their requests' progress, staff about work handed to them and escalations) and text messages
go only to urgent messages and escalations, to people with a phone number. A row for the
organisation wins over a row for "everywhere", which wins over the defaults. Emergencies go
out on every channel whatever the preferences say.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from .models import NotificationPreference, Topic

RESIDENT = "resident"
STAFF = "staff"

# Kinds that email by default, per audience.
DEFAULT_EMAIL = {
    RESIDENT: frozenset(
        {"ticket.status", "ticket.comment", "ticket.rate_request", "ticket.reminder",
         "ticket.created",
         "notice.published", "notice.reminder",
         "survey.opened", "survey.reminder", "vote.announced", "vote.opened", "vote.result",
         "event.changed", "event.cancelled", "event.promoted", "event.reminder"}
    ),
    STAFF: frozenset({"ticket.assigned", "ticket.escalated", "ticket.escalated_digest"}),
}
SMS_TOPICS = frozenset({Topic.ESCALATIONS})


def topic_of(kind: str) -> str:
    if kind in ("ticket.escalated", "ticket.escalated_digest"):
        return Topic.ESCALATIONS
    prefix = kind.split(".", 1)[0]
    return {
        "ticket": Topic.TICKETS, "notice": Topic.NOTICES, "survey": Topic.SURVEYS,
        "vote": Topic.SURVEYS, "event": Topic.EVENTS,
    }.get(prefix, Topic.TICKETS)


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str | None
    phone: str | None


def preference_rows(
    *, user_ids: Iterable[int], organization_ids: Iterable[int], topics: Iterable[str]
) -> dict[tuple[int, int, str], NotificationPreference]:
    """(user, organisation, topic) -> the row that applies; one query for everybody."""
    organization_ids = set(organization_ids)
    found: dict[tuple[int, int, str], NotificationPreference] = {}
    everywhere: list[NotificationPreference] = []
    for row in NotificationPreference.objects.filter(
        Q(organization_id__in=organization_ids) | Q(organization__isnull=True),
        user_id__in=set(user_ids), topic__in=set(topics),
    ):
        if row.organization_id is None:
            everywhere.append(row)
        else:
            found[(row.user_id, row.organization_id, row.topic)] = row
    for row in everywhere:  # an organisation's own row wins
        for organization_id in organization_ids:
            found.setdefault((row.user_id, organization_id, row.topic), row)
    return found


def channels_for(
    *, recipient: Recipient, row: NotificationPreference | None, kind: str, audience: str,
    urgent: bool = False, emergency: bool = False,
) -> set[str]:
    """The outside channels ("email", "sms") to use for ``recipient`` besides in-app."""
    sms_worthy = urgent or topic_of(kind) in SMS_TOPICS
    if emergency:
        wants_email, wants_sms = True, True
    elif row is not None:
        wants_email, wants_sms = row.email, row.sms and sms_worthy
    else:
        wants_email = kind in DEFAULT_EMAIL.get(audience, frozenset()) or urgent
        wants_sms = sms_worthy
    channels: set[str] = set()
    if wants_email and recipient.email:
        channels.add("email")
    if wants_sms and recipient.phone:
        channels.add("sms")
    return channels


def preferences_of(*, user, organization=None) -> dict[str, NotificationPreference | None]:
    """The person's rows per topic (None where the defaults apply)."""
    rows = {
        row.topic: row
        for row in NotificationPreference.objects.filter(user=user, organization=organization)
    }
    return {topic: rows.get(topic) for topic in Topic.values}
