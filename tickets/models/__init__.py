"""Ticket models, split by concern; import them from here."""

from .choices import (
    OPEN_STATUSES,
    RESOLUTION_RUNNING_STATUSES,
    Channel,
    Notify,
    Priority,
    Status,
    Timer,
)
from .follow_up import FOLLOW_UP_MAX_RATING, FOLLOW_UP_WITHIN, FollowUp
from .sla import BusinessCalendar, CalendarException, SlaEscalation, SlaPolicy
from .support import Attachment, CannedResponse, FaqEntry
from .teams import Category, Team, TeamMember
from .ticket import Ticket, TicketCounter, TimelineEntry

__all__ = [
    "Attachment",
    "FOLLOW_UP_MAX_RATING",
    "FOLLOW_UP_WITHIN",
    "FollowUp",
    "CannedResponse",
    "FaqEntry",
    "OPEN_STATUSES",
    "RESOLUTION_RUNNING_STATUSES",
    "BusinessCalendar",
    "CalendarException",
    "Category",
    "Channel",
    "Notify",
    "Priority",
    "SlaEscalation",
    "SlaPolicy",
    "Status",
    "Team",
    "TeamMember",
    "Ticket",
    "TicketCounter",
    "Timer",
    "TimelineEntry",
]
