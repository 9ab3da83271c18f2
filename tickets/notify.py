"""Where ticket events leave the tickets app: one call per event, from the services.

:func:`ticket_event` hands each event to the notification centre (communications.notify):
a notification in the recipient's language with a link to the ticket, email and text messages
by their preferences, and the ``notification.created`` live event. The ticket's own live event
(``ticket.created``, ``ticket.updated`` …) goes to the recipients' sockets, and a new ticket
also to the staff covering its property, so that their queue moves without a reload.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy

from communications.live import (
    send_to_property_staff_on_commit,
    send_to_users_on_commit,
)
from communications.preferences import RESIDENT, STAFF
from communications.services import current_batch, notify
from portal.tenancy.models import Membership, Organization, Residency

from .models import Priority, Status, Team, Ticket, TimelineEntry
from .models.describe import describe
from .sla.timers import ASSIGNEE, MANAGER, TEAM_LEAD, DueLevel

LIVE_TYPES = {
    TimelineEntry.Kind.CREATED: "ticket.created",
    TimelineEntry.Kind.COMMENT: "ticket.comment",
    TimelineEntry.Kind.INTERNAL_NOTE: "ticket.comment",
}
# Timeline kinds -> notification kinds (templates/communications/notifications/<kind>.txt).
NOTIFICATION_KINDS = {
    TimelineEntry.Kind.CREATED: "ticket.created",
    TimelineEntry.Kind.COMMENT: "ticket.comment",
    TimelineEntry.Kind.INTERNAL_NOTE: "ticket.note",
    TimelineEntry.Kind.STATUS: "ticket.status",
    TimelineEntry.Kind.ASSIGNMENT: "ticket.assigned",
    TimelineEntry.Kind.ESCALATION: "ticket.escalated",
    TimelineEntry.Kind.REMINDER: "ticket.reminder",
    TimelineEntry.Kind.RATING: "ticket.rated",
}
EXCERPT_LENGTH = 280


def owner_url(slug: str, number: int) -> str:
    return f"/o/{slug}/requests/{number}/"


def staff_url(slug: str, number: int) -> str:
    return f"/o/{slug}/tickets/{number}/"


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


# Evaluated when the text is rendered, inside the recipient's language.
_described = lazy(describe, str)


def _kinds(kind: str, ticket: Ticket) -> tuple[str, str]:
    """(kind for owners, kind for staff)."""
    base = NOTIFICATION_KINDS.get(kind, "ticket.updated")
    if base == "ticket.status" and ticket.status == Status.RESOLVED:
        return "ticket.rate_request", base
    if base == "ticket.assigned":
        return "ticket.updated", "ticket.updated"  # the new assignee is told apart
    return base, base


def _staff_among(organization_id: int, user_ids: set[int]) -> set[int]:
    """Which recipients work for the organisation (they get the staff link and defaults).
    Inside a notify_batch (the periodic jobs) the organisation's staff are read once."""
    batch = current_batch()
    if batch is None:
        return set(
            Membership.objects.filter(
                organization_id=organization_id, user_id__in=user_ids, is_active=True
            ).values_list("user_id", flat=True)
        )
    key = ("tickets.staff", organization_id)
    if key not in batch.memo:
        batch.memo[key] = set(
            Membership.objects.filter(
                organization_id=organization_id, is_active=True
            ).values_list("user_id", flat=True)
        )
    return batch.memo[key] & user_ids


def ticket_event(
    *, ticket: Ticket, kind: str, actor_id: int | None, recipients: Iterable[int],
    entry: TimelineEntry | None = None, organization_slug: str | None = None,
) -> None:
    """Tell ``recipients`` (user ids) that ``kind`` happened to ``ticket``; never the actor.

    ``kind`` is a TimelineEntry kind; ``entry`` the entry recording it, when there is one.
    Call inside the service's transaction: nothing is sent unless it commits.
    """
    recipients = set(recipients) - {actor_id, None}
    organization: Organization = ticket.organization
    slug = organization_slug or organization.slug
    at = entry.created_at if entry is not None else timezone.now()
    message = {
        "type": LIVE_TYPES.get(kind, "ticket.updated"),
        "org": slug,
        "ticket": ticket.number,
        "status": ticket.status,
        "at": at.isoformat() if at else None,
    }
    send_to_users_on_commit(sorted(recipients), message)
    if kind == TimelineEntry.Kind.CREATED:
        # The queue of everyone covering the property moves, not only the handlers'.
        send_to_property_staff_on_commit(ticket.property_id, message)
    if not recipients:
        return

    staff_ids = _staff_among(ticket.organization_id, recipients) - {ticket.requester_id}
    owner_ids = recipients - staff_ids
    context = {
        "number": ticket.number,
        "title": ticket.title,
        "status": Status(ticket.status).label,
        "priority": Priority(ticket.priority).label,
        "organization": organization.name,
        "actor": entry.actor.full_name if entry is not None and entry.actor_id else "",
        "text": _excerpt(entry.body) if entry is not None and entry.is_public else "",
        "note": _excerpt(entry.body) if entry is not None else "",
        "change": _described(entry) if entry is not None else "",
        "proxy": ticket.filed_by_id is not None,
    }
    common = {
        "organization": organization, "context": context, "actor_id": actor_id,
        "urgent": ticket.priority == Priority.URGENT and kind != TimelineEntry.Kind.RATING,
        "object_type": "tickets.ticket", "object_key": ticket.number,
    }
    owner_kind, staff_kind = _kinds(kind, ticket)
    if owner_ids and kind != TimelineEntry.Kind.INTERNAL_NOTE:
        notify(
            recipients=owner_ids, kind=owner_kind, url=owner_url(slug, ticket.number),
            audience=RESIDENT, **common,
        )
    if kind == TimelineEntry.Kind.ASSIGNMENT and ticket.assignee_id in staff_ids:
        notify(
            recipients={ticket.assignee_id}, kind="ticket.assigned",
            url=staff_url(slug, ticket.number), audience=STAFF, **common,
        )
        staff_ids.discard(ticket.assignee_id)
    if staff_ids:
        notify(
            recipients=staff_ids, kind=staff_kind, url=staff_url(slug, ticket.number),
            audience=STAFF, **common,
        )


def owners_of(ticket: Ticket) -> set[int]:
    """The requester and everyone verified in the ticket's unit."""
    return owners_of_many([ticket])[ticket.pk]


def owners_of_many(tickets: Iterable[Ticket]) -> dict[int, set[int]]:
    tickets = list(tickets)
    found = {ticket.pk: {ticket.requester_id} for ticket in tickets}
    unit_ids = {ticket.unit_id for ticket in tickets if ticket.unit_id is not None}
    if unit_ids:
        residents: dict[int, set[int]] = {}
        for unit_id, user_id in Residency.objects.filter(
            unit_id__in=unit_ids, is_active=True, verified_at__isnull=False
        ).values_list("unit_id", "user_id"):
            residents.setdefault(unit_id, set()).add(user_id)
        for ticket in tickets:
            found[ticket.pk] |= residents.get(ticket.unit_id, set())
    return found


def handlers_of(ticket: Ticket) -> set[int]:
    """The assignee; without one, the team (lead and members)."""
    if ticket.assignee_id is not None:
        return {ticket.assignee_id}
    if ticket.team_id is not None:
        return team_people(ticket.team_id)
    return set()


def team_people(team_id: int) -> set[int]:
    team = Team.objects.filter(pk=team_id).prefetch_related("memberships").first()
    if team is None:
        return set()
    people = {member.user_id for member in team.memberships.all()}
    if team.lead_id is not None:
        people.add(team.lead_id)
    return people


ManagerScopes = dict[int, list[tuple[int, set[int] | None]]]


def managers_covering(organization_ids: Iterable[int]) -> ManagerScopes:
    """Per organisation: (manager's user id, property ids in scope, or None for all)."""
    found: ManagerScopes = {}
    memberships = Membership.objects.filter(
        Q(role=Membership.Role.MANAGER) | Q(role=Membership.Role.ADMIN),
        organization_id__in=set(organization_ids), is_active=True,
    ).prefetch_related("properties")
    for membership in memberships:
        covers_all = membership.all_properties or membership.is_admin
        scope = None if covers_all else {prop.pk for prop in membership.properties.all()}
        found.setdefault(membership.organization_id, []).append((membership.user_id, scope))
    return found


def managers_of(ticket: Ticket, managers: ManagerScopes) -> set[int]:
    return {
        user_id
        for user_id, scope in managers.get(ticket.organization_id, [])
        if scope is None or ticket.property_id in scope
    }


# --- Escalations of one SLA job run ---------------------------------------------------------

# Levels of the ladder, lowest first: a ticket that reached several in one run is told at the
# highest only (tickets.services.jobs).
NOTIFY_RANK = {ASSIGNEE: 1, TEAM_LEAD: 2, MANAGER: 3}
DIGEST_LISTED = 10  # ticket numbers named in a digest's text; the rest are counted


def _numbers(tickets: list[Ticket]) -> str:
    numbers = sorted(ticket.number for ticket in tickets)
    listed = ", ".join(f"#{number}" for number in numbers[:DIGEST_LISTED])
    return listed + (" …" if len(numbers) > DIGEST_LISTED else "")


def escalations_notify(escalated: Iterable[tuple[Ticket, DueLevel, set[int]]]) -> None:
    """Tell each recipient about the tickets of one job run that escalated to them.

    Someone with one ticket gets that ticket's ``ticket.escalated`` (and its live event), as
    any change would tell them. Someone with several gets one notification for all of them
    (the most urgent first, the others by number; its link opens the breached queue) and one
    live message, so that a manager covering 300 late tickets gets one email and one text
    message per run instead of 300. Call inside the job's transaction, in a notify_batch.
    """
    by_person: dict[int, list[Ticket]] = defaultdict(list)
    priorities = list(Priority.values)  # most urgent first
    # Most urgent first: the highest level reached, the highest priority, the longest late.
    ordered = sorted(escalated, key=lambda item: (
        -NOTIFY_RANK.get(item[1].notify, 0), priorities.index(item[0].priority),
        item[1].reached_at, item[0].number,
    ))
    for ticket, _level, recipients in ordered:
        for person_id in recipients:
            by_person[person_id].append(ticket)
    singles: dict[int, tuple[Ticket, set[int]]] = {}
    digests: dict[int, list[tuple[int, list[Ticket]]]] = defaultdict(list)
    for person_id, tickets in by_person.items():
        if len(tickets) == 1:
            ticket = tickets[0]
            singles.setdefault(ticket.pk, (ticket, set()))[1].add(person_id)
        else:
            digests[tickets[0].organization_id].append((person_id, tickets))
    for ticket, recipients in singles.values():
        ticket_event(
            ticket=ticket, kind=TimelineEntry.Kind.ESCALATION, actor_id=None,
            recipients=recipients,
        )
    now = timezone.now()
    for people in digests.values():
        organization = people[0][1][0].organization
        slug = organization.slug
        for person_id, tickets in people:
            first, *others = tickets
            notify(
                organization=organization, recipients={person_id},
                kind="ticket.escalated_digest",
                url=f"/o/{slug}/tickets/?view=breached", audience=STAFF,
                urgent=any(ticket.priority == Priority.URGENT for ticket in tickets),
                object_type="tickets.ticket", object_key=first.number,
                context={
                    "count": len(tickets), "more": len(others), "numbers": _numbers(others),
                    "number": first.number, "title": first.title,
                    "priority": Priority(first.priority).label,
                },
            )
        # No "ticket" key: every ticket view of these people refreshes once, not once per
        # ticket (static/js/live.js matches a message without a number to every ticket).
        send_to_users_on_commit(
            sorted(person_id for person_id, _tickets in people),
            {"type": "ticket.updated", "org": slug, "at": now.isoformat()},
        )
