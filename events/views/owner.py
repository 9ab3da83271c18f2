"""Owners' event pages: upcoming events as a list and a month calendar, one event with
registration, the QR code to show at the door, and the .ics file."""

import calendar as month_calendar
import datetime as dt
from zoneinfo import ZoneInfo

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import selectors
from ..forms import RegisterForm
from ..models import Registration
from ..services import (
    registration_cancel,
    registration_create,
    waitlist_position,
)
from ..services.rules import audience_units, covers
from .common import actor_id, event_view, message_of, show_errors, url

PAGE_SIZE = 20


def _mine(request) -> dict[int, Registration]:
    access = request.access
    if not access.residencies:
        return {}
    return selectors.my_registrations(user_id=actor_id(access), access=access)


@event_view("resident")
@require_GET
def event_list(request):
    events = selectors.upcoming(access=request.access, now=timezone.now())
    if not request.access.is_staff:
        events = events.exclude(status="draft")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = _mine(request)
    for event in page:
        event.mine = mine.get(event.pk)
    return render(request, "events/list.html", {"page": page})


def _month(text: str, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@event_view("resident")
@require_GET
def event_calendar(request):
    zone = ZoneInfo(request.organization.time_zone)
    today = timezone.localdate(timezone=zone)
    first = _month(request.GET.get("month", ""), today)
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = dt.datetime.combine(weeks[0][0], dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(weeks[-1][-1] + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    events = selectors.in_range(access=request.access, start=start, end=end)
    if not request.access.is_staff:
        events = events.exclude(status="draft")
    by_day: dict[dt.date, list] = {}
    for event in events:
        day = timezone.localtime(event.starts_at, zone).date()
        last = timezone.localtime(event.ends_at - dt.timedelta(seconds=1), zone).date()
        while day <= last:
            by_day.setdefault(day, []).append(event)
            day += dt.timedelta(days=1)
    grid = [
        [{"date": day, "in_month": day.month == first.month, "today": day == today,
          "events": by_day.get(day, [])} for day in week]
        for week in weeks
    ]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    agenda = [cell for week in grid for cell in week if cell["in_month"] and cell["events"]]
    return render(request, "events/calendar.html", {
        "grid": grid, "month": first, "agenda": agenda,
        "previous": previous.strftime("%Y-%m"), "following": following.strftime("%Y-%m"),
    })


def _detail(request, pk: int, *, form=None, status: int = 200):
    access = request.access
    event = selectors.event_get_for(access=access, pk=pk)
    if event.status == "draft" and not covers(access, event):
        raise Http404
    mine = _mine(request).get(event.pk)
    qr = None
    if mine is not None and mine.status == Registration.Status.CONFIRMED:
        qr = segno.make(mine.checkin_token, error="m").svg_inline(
            scale=6, title=_("Check-in code"), dark="#000", light="#fff"
        )
    can_register = bool(audience_units(access, event)) and mine is None
    return render(request, "events/detail.html", {
        "event": event, "mine": mine, "qr": qr,
        "position": waitlist_position(mine) if mine is not None else None,
        "can_register": can_register and event.is_published,
        "form": form or RegisterForm(event=event),
        "seats_left": max(event.capacity - event.people_confirmed, 0),
        "is_staff": covers(access, event),
        "feedback": selectors.feedback_for_owner(access, event),
    }, status=status)


@event_view("resident")
@require_GET
def event_detail(request, pk: int):
    return _detail(request, pk)


@event_view("resident")
@require_POST
def event_register(request, pk: int):
    access = request.access
    event = selectors.event_get_for(access=access, pk=pk)
    if not audience_units(access, event):
        raise Http404  # staff and people outside the audience have no form to post
    form = RegisterForm(request.POST, event=event)
    if form.is_valid():
        try:
            registration = registration_create(
                access=access, event=event, party_size=form.cleaned_data["party_size"]
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("You are registered. See you there!"))
            else:
                messages.info(request, _("The event is full: you are on the waitlist. We will "
                                         "tell you as soon as a place frees up."))
            return redirect(url(request, "detail", event.pk))
    return _detail(request, pk, form=form, status=400)


@event_view("resident")
@require_POST
def event_unregister(request, pk: int):
    access = request.access
    event = selectors.event_get_for(access=access, pk=pk)
    mine = _mine(request).get(event.pk)
    if mine is None:
        raise Http404
    try:
        registration_cancel(access=access, registration=mine)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(url(request, "detail", event.pk))
