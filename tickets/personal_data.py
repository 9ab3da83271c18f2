"""What the tickets app holds about a person, for their data download (portal.accounts
.personal_data). Nothing is erased here: a request stays in the building's records and loses
its requester's name with the anonymised account."""

from portal.accounts.personal_data import exporter

from .models import Ticket, TimelineEntry


@exporter("requests")
def export(user) -> list[dict]:
    tickets = Ticket.objects.filter(requester=user).select_related("organization", "category")
    replies: dict[int, list[dict]] = {}
    for entry in TimelineEntry.objects.filter(
        ticket__requester=user, actor=user
    ).order_by("created_at"):
        replies.setdefault(entry.ticket_id, []).append(
            {"at": entry.created_at.isoformat(), "kind": entry.kind, "text": entry.body}
        )
    return [
        {
            "organisation": ticket.organization.name,
            "number": ticket.number,
            "category": str(ticket.category),
            "title": ticket.title,
            "description": ticket.description,
            "status": ticket.status,
            "submitted_at": ticket.created_at.isoformat(),
            "rating": ticket.rating,
            "rating_comment": ticket.rating_comment,
            "your_entries": replies.get(ticket.pk, []),
        }
        for ticket in tickets.order_by("created_at")
    ]
