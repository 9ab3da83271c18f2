"""What the notices app holds about a person, for their data download and erasure
(portal.accounts.personal_data): the copies of notices they were sent (delivered, read,
acknowledged, handed over on paper) and the questions they raised about a disclosure.

Erasure keeps the receipts: they are the organisation's proof that a notice reached a unit and
was acknowledged (an outage warning, a vote's announcement), like a ticket's history. They name
nobody once the account is anonymised, and no reminder reaches an erased (inactive) account.
A disclosure inquiry loses its author; the ticket it opened stays, anonymised with the account.
"""

from portal.accounts.personal_data import eraser, exporter, when

from .models import DisclosureInquiry, NoticeReceipt


@exporter("notices")
def export(user) -> list[dict]:
    receipts = NoticeReceipt.objects.filter(user=user).select_related(
        "organization", "notice", "unit"
    )
    return [
        {
            "organisation": receipt.organization.name,
            "notice": receipt.notice.title,
            "unit": receipt.unit.number if receipt.unit else None,
            "delivered_at": when(receipt.delivered_at),
            "channels": receipt.channel,
            "read_at": when(receipt.read_at),
            "acknowledged_at": when(receipt.acknowledged_at),
            "paper_copy_delivered_at": when(receipt.paper_delivered_at),
        }
        for receipt in receipts.order_by("delivered_at", "pk")
    ]


@exporter("disclosure_inquiries")
def export_inquiries(user) -> list[dict]:
    inquiries = DisclosureInquiry.objects.filter(created_by=user).select_related(
        "organization", "publication__item", "ticket"
    )
    return [
        {
            "organisation": inquiry.organization.name,
            "disclosure": str(inquiry.publication),
            "request_number": inquiry.ticket.number,
            "at": when(inquiry.created_at),
        }
        for inquiry in inquiries.order_by("created_at", "pk")
    ]


@eraser("notices")
def erase(user) -> None:
    DisclosureInquiry.objects.filter(created_by=user).update(created_by=None)
