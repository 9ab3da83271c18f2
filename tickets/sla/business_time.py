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
"""

import datetime as dt
from collections.abc import Iterator

from .calendar import WorkCalendar

ZERO = dt.timedelta(0)
MINUTE = dt.timedelta(minutes=1)
# A calendar whose working hours never come (every day an exception, say) must fail rather
# than loop; ten years is beyond any SLA target.
MAX_SEARCH_DAYS = 366 * 10


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business time needs aware datetimes")
    return moment.astimezone(dt.UTC)


def _intervals_from(
    calendar: WorkCalendar, moment: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    # Periods never cross local midnight, so none before the moment's local date can reach it.
    day = calendar.local_date(moment)
    for offset in range(MAX_SEARCH_DAYS):
        yield from calendar.intervals_on(day + dt.timedelta(days=offset))
    raise ValueError("the calendar has no working time in the next ten years")


def add_business_time(
    calendar: WorkCalendar, moment: dt.datetime, duration: dt.timedelta
) -> dt.datetime:
    """The first business moment by which ``duration`` of business time has passed."""
    if duration < ZERO:
        raise ValueError("cannot add a negative business duration")
    moment = _utc(moment)
    if calendar.always_open:
        return moment + duration
    remaining = duration
    for start, end in _intervals_from(calendar, moment):
        if end <= moment:
            continue
        start = max(start, moment)
        available = end - start
        if remaining < available:
            return start + remaining
        remaining -= available
    raise AssertionError("unreachable: _intervals_from raises when it runs out")


def business_time_between(
    calendar: WorkCalendar, start: dt.datetime, end: dt.datetime
) -> dt.timedelta:
    """Business time in ``[start, end)``; negative when ``end`` comes first."""
    start, end = _utc(start), _utc(end)
    if end < start:
        return -business_time_between(calendar, end, start)
    if calendar.always_open:
        return end - start
    total = ZERO
    day, last_day = calendar.local_date(start), calendar.local_date(end)
    while day <= last_day:
        for period_start, period_end in calendar.intervals_on(day):
            overlap = min(period_end, end) - max(period_start, start)
            if overlap > ZERO:
                total += overlap
        day += dt.timedelta(days=1)
    return total


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
    moment = _utc(moment)
    return any(
        start <= moment < end
        for start, end in calendar.intervals_on(calendar.local_date(moment))
    )


def next_business_moment(calendar: WorkCalendar, moment: dt.datetime) -> dt.datetime:
    return add_business_time(calendar, moment, ZERO)
