"""Every write of the events app, one function per use case."""

from .checkin import CheckIn, checkin_by_token, checkin_registration
from .errors import EventConflict, EventError
from .events import event_cancel, event_create, event_publish, event_update
from .feedback import feedback_attach, feedback_detach, feedback_open_due
from .feeds import feed_get, feed_regenerate, feed_revoke
from .registrations import (
    promote_waitlist,
    registration_cancel,
    registration_create,
    seats_taken,
    waitlist_position,
)
from .reminders import reminders_send_due

__all__ = [
    "CheckIn", "EventConflict", "EventError", "checkin_by_token", "checkin_registration",
    "event_cancel", "event_create", "event_publish", "event_update", "feed_get",
    "feedback_attach", "feedback_detach", "feedback_open_due",
    "feed_regenerate", "feed_revoke", "promote_waitlist", "registration_cancel",
    "registration_create", "reminders_send_due", "seats_taken", "waitlist_position",
]
