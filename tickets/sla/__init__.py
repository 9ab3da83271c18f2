"""Business-time arithmetic for SLA timers: pure functions, no database.

``calendar`` describes when a service desk works; ``business_time`` adds business time to a
moment and measures it between two moments; ``timers`` turns a policy's targets and escalation
ladder into due moments. The services build a :class:`WorkCalendar` from the models and call
these.
"""

from .business_time import (
    add_business_minutes,
    add_business_time,
    add_business_times,
    business_minutes_between,
    business_time_between,
    is_business_moment,
    next_business_moment,
)
from .calendar import WorkCalendar, parse_weekly_hours

__all__ = [
    "WorkCalendar",
    "add_business_minutes",
    "add_business_time",
    "add_business_times",
    "business_minutes_between",
    "business_time_between",
    "is_business_moment",
    "next_business_moment",
    "parse_weekly_hours",
]
