"""Notices (公告) with their audiences, versions, attachments and receipts, and the statutory
disclosure register (公示)."""

from .disclosure import (
    DisclosureAlert,
    DisclosureAttachment,
    DisclosureInquiry,
    DisclosureItem,
    DisclosurePublication,
)
from .notice import (
    Notice,
    NoticeAttachment,
    NoticeAudience,
    NoticeReceipt,
    NoticeVersion,
    OutageTicketLink,
)

__all__ = [
    "DisclosureAlert",
    "DisclosureAttachment",
    "DisclosureInquiry",
    "DisclosureItem",
    "DisclosurePublication",
    "Notice",
    "NoticeAttachment",
    "NoticeAudience",
    "NoticeReceipt",
    "NoticeVersion",
    "OutageTicketLink",
]
