"""Adding and measuring business time in a :class:`~tickets.sla.calendar.WorkCalendar`.

Moments are aware datetimes (any zone in, UTC out); durations are ``timedelta`` so that
pausing and resuming a timer is exact to the microsecond. Working periods are half-open, so a
period's closing moment is not business time: adding business time always lands on a business
moment, which is what makes these laws hold (and the tests check them):

- ``add(t, 0)`` is the first business moment at or after ``t``;
- ``between(t, add(t, d)) == d``;
- ``add(add(t, a), b) == add(t, a + b)``;
- ``add`` is monotonic in both arguments; ``between`` is additive and signed.

A target consumed exactly at closing time therefore falls due when the desk opens again: at
09:00 the next working day, not at 18:00, which is also when someone is there to act on it.

The arithmetic itself is a binary search over the calendar's periods, laid out once per
calendar (:mod:`~tickets.sla.timeline`), not a walk over days.
"""

import datetime as dt
from collections.abc import Sequence

from .calendar import WorkCalendar
from .timeline import MICROSECOND, from_micros, to_micros

ZERO = dt.timedelta(0)
MINUTE = dt.timedelta(minutes=1)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business time needs aware datetimes")
    return moment.astimezone(dt.UTC)


def add_business_time(
    calendar: WorkCalendar, moment: dt.datetime, duration: dt.timedelta
) -> dt.datetime:
    """The first business moment by which ``duration`` of business time has passed."""
    if duration < ZERO:
        raise ValueError("cannot add a negative business duration")
    moment = _utc(moment)
    if calendar.always_open:
        return moment + duration
    return from_micros(calendar.timeline.add(to_micros(moment), duration // MICROSECOND))


def add_business_times(
    calendar: WorkCalendar, moment: dt.datetime, durations: Sequence[dt.timedelta]
) -> list[dt.datetime]:
    """``add_business_time`` of each duration from the same moment (a timer's levels), finding
    the moment in the calendar once."""
    if durations and min(durations) < ZERO:
        raise ValueError("cannot add a negative business duration")
    moment = _utc(moment)
    if calendar.always_open:
        return [moment + duration for duration in durations]
    timeline = calendar.timeline
    position = timeline.position(to_micros(moment))
    return [
        from_micros(timeline.advance(position, duration // MICROSECOND))
        for duration in durations
    ]


def business_time_between(
    calendar: WorkCalendar, start: dt.datetime, end: dt.datetime
) -> dt.timedelta:
    """Business time in ``[start, end)``; negative when ``end`` comes first."""
    start, end = _utc(start), _utc(end)
    if end < start:
        return -business_time_between(calendar, end, start)
    if calendar.always_open:
        return end - start
    return calendar.timeline.between(to_micros(start), to_micros(end)) * MICROSECOND


def add_business_minutes(
    calendar: WorkCalendar, moment: dt.datetime, minutes: int
) -> dt.datetime:
    return add_business_time(calendar, moment, dt.timedelta(minutes=minutes))


def business_minutes_between(
    calendar: WorkCalendar, start: dt.datetime, end: dt.datetime
) -> int:
    """Whole business minutes in ``[start, end)`` (rounded down)."""
    return business_time_between(calendar, start, end) // MINUTE


def is_business_moment(calendar: WorkCalendar, moment: dt.datetime) -> bool:
    if calendar.always_open:
        return True
    return calendar.timeline.is_open(to_micros(_utc(moment)))


def next_business_moment(calendar: WorkCalendar, moment: dt.datetime) -> dt.datetime:
    return add_business_time(calendar, moment, ZERO)
