"""When the reminder job must next look at an event."""

import datetime as dt

from ..conf import default_reminders
from ..models import Event


def offsets_of(event: Event) -> tuple[int, ...]:
    return tuple(sorted({int(m) for m in (event.reminder_offsets or default_reminders())},
                        reverse=True))


def next_reminder_at(event: Event, now: dt.datetime) -> dt.datetime | None:
    """The first reminder moment still ahead; reminders whose moment passed before the event
    was published (or moved) are skipped rather than sent late."""
    if event.status != Event.Status.PUBLISHED:
        return None
    ahead = [event.starts_at - dt.timedelta(minutes=m) for m in offsets_of(event)]
    ahead = [moment for moment in ahead if moment > now]
    return min(ahead) if ahead else None


def due_offset(event: Event, now: dt.datetime) -> int | None:
    """The reminder to send now: of those whose moment has come, the one nearest the start
    (a job that ran late sends "in 2 hours", not also "tomorrow")."""
    if event.starts_at <= now:
        return None
    due = [m for m in offsets_of(event) if event.starts_at - dt.timedelta(minutes=m) <= now]
    return min(due) if due else None
