"""The app's settings, with defaults that work without configuration."""

from django.conf import settings

# Reminders, in minutes before an event starts, for events that do not set their own.
DEFAULT_REMINDERS = (24 * 60, 2 * 60)


def default_reminders() -> tuple[int, ...]:
    return tuple(getattr(settings, "EVENTS_REMINDERS", DEFAULT_REMINDERS))

# The feedback survey opens this many minutes after an event ends, and stays open this many
# days (settings EVENTS_FEEDBACK_DELAY_MINUTES, EVENTS_FEEDBACK_OPEN_DAYS).
DEFAULT_FEEDBACK_DELAY_MINUTES = 60
DEFAULT_FEEDBACK_OPEN_DAYS = 7


def feedback_delay_minutes() -> int:
    return int(getattr(settings, "EVENTS_FEEDBACK_DELAY_MINUTES",
                       DEFAULT_FEEDBACK_DELAY_MINUTES))


def feedback_open_days() -> int:
    return int(getattr(settings, "EVENTS_FEEDBACK_OPEN_DAYS", DEFAULT_FEEDBACK_OPEN_DAYS))
