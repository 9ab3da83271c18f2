"""A ticket's progress and due times in plain words, for owner and staff pages alike.

``{% load ticket_words %}`` then ``{% ticket_steps ticket as steps %}`` and
``{% due_words ticket as words %}`` (see tickets/_sla_words.html). Times are in the
organisation's time zone, whatever the server's.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tickets.models import Status
from tickets.services.rules import reopen_window

register = template.Library()

STEPS = (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED)
STEP_OF = {status: index for index, status in enumerate(STEPS)}
STEP_OF[Status.WAITING_ON_OWNER] = STEP_OF[Status.IN_PROGRESS]


@register.simple_tag
def ticket_steps(ticket) -> list[dict]:
    """The five steps, each ``done``, ``current`` or ``todo``; empty for a cancelled ticket
    (the page says so instead)."""
    if ticket.status == Status.CANCELLED:
        return []
    current = STEP_OF[ticket.status]
    steps = []
    for index, status in enumerate(STEPS):
        if index < current or (index == current and status == Status.CLOSED):
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "todo"
        steps.append({"label": Status(status).label, "state": state, "number": index + 1})
    return steps


def _zone(context, ticket):
    organization = context.get("current_org") or ticket.organization
    return ZoneInfo(organization.time_zone)


def _day_and_time(moment: dt.datetime, zone: ZoneInfo, now: dt.datetime) -> tuple[str, dict]:
    """Which sentence to use (today, tomorrow, other) and its values."""
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    values = {"time": date_format(local, "H:i")}
    if local.date() == today:
        return "today", values
    if local.date() == today + dt.timedelta(days=1):
        return "tomorrow", values
    fmt = pgettext("a due day, e.g. Mon 3 Dec", "D j M")
    if local.year != today.year:
        fmt = pgettext("a due day in another year, e.g. Mon 3 Dec 2027", "D j M Y")
    values["date"] = date_format(local, fmt)
    return "other", values


def _respond(day, values):
    return {
        "today": _("We will respond by %(time)s today."),
        "tomorrow": _("We will respond by tomorrow %(time)s."),
        "other": _("We will respond by %(date)s %(time)s."),
    }[day] % values


def _resolve(day, values):
    return {
        "today": _("We aim to resolve it by %(time)s today."),
        "tomorrow": _("We aim to resolve it by tomorrow %(time)s."),
        "other": _("We aim to resolve it by %(date)s %(time)s."),
    }[day] % values


def _respond_late(day, values):
    # A due time that has passed is today or earlier, never tomorrow.
    if day == "today":
        return _("Our response is late: it was due at %(time)s today. We are on it.") % values
    return _("Our response is late: it was due on %(date)s at %(time)s. We are on it.") % values


def _resolve_late(day, values):
    if day == "today":
        return _(
            "This is taking longer than we promised (%(time)s today). We are on it."
        ) % values
    return _(
        "This is taking longer than we promised (%(date)s %(time)s). We are on it."
    ) % values


def _confirm_by(day, values):
    return {
        "today": _("Not fixed after all? You can reopen it until %(time)s today."),
        "tomorrow": _("Not fixed after all? You can reopen it until tomorrow %(time)s."),
        "other": _("Not fixed after all? You can reopen it until %(date)s %(time)s."),
    }[day] % values


@register.simple_tag(takes_context=True)
def due_words(context, ticket) -> list[dict]:
    """Sentences about what happens next and by when: ``{"text", "late", "kind"}``."""
    now, zone = timezone.now(), _zone(context, ticket)
    words = []

    def add(kind, sentence, moment, late=False):
        day, values = _day_and_time(moment, zone, now)
        words.append({"kind": kind, "text": sentence(day, values), "late": late, "at": moment})

    if ticket.status == Status.WAITING_ON_OWNER:
        words.append({
            "kind": "paused", "late": False, "at": ticket.paused_at,
            "text": _("We are waiting for your answer; our clock is paused until you reply."),
        })
        return words
    if ticket.status == Status.RESOLVED and ticket.resolved_at is not None:
        add("reopen", _confirm_by, ticket.resolved_at + reopen_window())
        return words
    if ticket.status not in (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS):
        return words
    if ticket.first_responded_at is None and ticket.first_response_due_at is not None:
        late = ticket.first_response_due_at <= now
        add("first_response", _respond_late if late else _respond,
            ticket.first_response_due_at, late)
    if ticket.resolution_due_at is not None:
        late = ticket.resolution_due_at <= now
        add("resolution", _resolve_late if late else _resolve, ticket.resolution_due_at, late)
    return words
