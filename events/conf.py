"""The app's settings, with defaults that work without configuration."""

from django.conf import settings

# Reminders, in minutes before an event starts, for events that do not set their own.
DEFAULT_REMINDERS = (24 * 60, 2 * 60)


def default_reminders() -> tuple[int, ...]:
    return tuple(getattr(settings, "EVENTS_REMINDERS", DEFAULT_REMINDERS))
