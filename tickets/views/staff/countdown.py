"""A ticket's SLA countdown for staff: a colour and the same fact in words (never colour
alone), e.g. "2 h 15 min left" or "overdue by 40 min"."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ...models import Status

SOON = dt.timedelta(hours=2)


@dataclass(frozen=True)
class Countdown:
    tone: str  # a Bootstrap colour: danger, warning, success, secondary
    words: str
    due_at: dt.datetime | None


def duration_words(delta: dt.timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def countdown(ticket, now: dt.datetime) -> Countdown:
    if ticket.status == Status.WAITING_ON_OWNER:
        return Countdown("secondary", _("Paused: waiting on the owner"), None)
    due = ticket.next_due_at
    if due is None:
        if ticket.first_response_breached_at or ticket.resolution_breached_at:
            return Countdown("danger", _("Target missed"), None)
        return Countdown("secondary", _("No timer running"), None)
    if due <= now:
        return Countdown("danger", _("overdue by %(time)s") % {"time": duration_words(now - due)},
                         due)
    left = due - now
    tone = "warning" if left <= SOON else "success"
    return Countdown(tone, _("%(time)s left") % {"time": duration_words(left)}, due)
