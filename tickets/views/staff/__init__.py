"""Staff pages under /o/<org_slug>/tickets/."""

from .detail import (
    ticket_accept_view,
    ticket_assign_view,
    ticket_category_view,
    ticket_comment_view,
    ticket_detail,
    ticket_merge_view,
    ticket_priority_view,
    ticket_reveal_phone_view,
    ticket_transition_view,
)
from .proxy import file_for_owner
from .queue import queue, queue_bulk

__all__ = [
    "file_for_owner",
    "queue",
    "queue_bulk",
    "ticket_accept_view",
    "ticket_assign_view",
    "ticket_category_view",
    "ticket_comment_view",
    "ticket_detail",
    "ticket_merge_view",
    "ticket_priority_view",
    "ticket_reveal_phone_view",
    "ticket_transition_view",
]
