"""Every write of the tickets app, one function per use case (DESIGN §3).

Each runs in one transaction, checks the caller's ``Access``, appends to the ticket's
timeline and tells the people concerned through :mod:`tickets.notify` after commit. Rule
violations raise :class:`TicketError` (a ValidationError, keyed by field where there is one);
lost races :class:`TicketConflict`; callers beyond the ticket's reach ``PermissionDenied``.
"""

from .changes import ticket_assign, ticket_change_category, ticket_change_priority, ticket_rate
from .configuration import (
    calendar_exception_remove,
    calendar_exception_set,
    calendar_save,
    category_save,
    sla_policy_save,
    team_save,
)
from .defaults import categories_ensure_defaults, sla_ensure_defaults
from .errors import TicketConflict, TicketError
from .follow_ups import follow_up_list_for, follow_up_record
from .hotspots import hotspot_threshold
from .jobs import auto_close_resolved, remind_waiting_owners
from .preventive import ticket_file_preventive
from .rules import TRANSITIONS
from .sla_job import SlaRun, sla_process_due
from .submit import ticket_file_for_owner, ticket_submit
from .workflow import ticket_accept, ticket_comment, ticket_transition

__all__ = [
    "TRANSITIONS",
    "SlaRun",
    "TicketConflict",
    "TicketError",
    "auto_close_resolved",
    "calendar_exception_remove",
    "calendar_exception_set",
    "calendar_save",
    "category_save",
    "categories_ensure_defaults",
    "follow_up_list_for",
    "follow_up_record",
    "hotspot_threshold",
    "remind_waiting_owners",
    "sla_ensure_defaults",
    "sla_policy_save",
    "sla_process_due",
    "team_save",
    "ticket_accept",
    "ticket_assign",
    "ticket_change_category",
    "ticket_change_priority",
    "ticket_comment",
    "ticket_file_for_owner",
    "ticket_file_preventive",
    "ticket_rate",
    "ticket_submit",
    "ticket_transition",
]
