"""The laid-out timeline gives the same answers as walking the calendar day by day."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.sla import WorkCalendar, add_business_time, business_time_between
from tickets.sla.timeline import BLOCK_DAYS

from .test_business_time_laws import CALENDARS


def walk_add(calendar, moment, duration):
    """The definition: consume each day's periods in order from the moment's local date."""
    moment = moment.astimezone(dt.UTC)
    remaining, day = duration, calendar.local_date(moment)
    for _day in range(4000):
        for start, end in calendar.intervals_on(day):
            if end <= moment:
                continue
            start = max(start, moment)
            if remaining < end - start:
                return start + remaining
            remaining -= end - start
        day += dt.timedelta(days=1)
    raise AssertionError("no working time")


def walk_between(calendar, start, end):
    total, day = dt.timedelta(0), calendar.local_date(start)
    while day <= calendar.local_date(end):
        for period_start, period_end in calendar.intervals_on(day):
            total += max(dt.timedelta(0), min(period_end, end) - max(period_start, start))
        day += dt.timedelta(days=1)
    return total


OPEN_CALENDARS = [c for c in CALENDARS.values() if not c.always_open]
moments = st.datetimes(
    min_value=dt.datetime(2025, 9, 1), max_value=dt.datetime(2027, 3, 31),
    timezones=st.just(dt.UTC),
)
# Up to 400 days: sums cross many blocks, holidays and DST changes.
durations = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=400))
SAME = settings(max_examples=200, deadline=None, database=None)


@SAME
@given(calendar=st.sampled_from(OPEN_CALENDARS), t=moments, duration=durations)
def test_adding_matches_the_walk(calendar, t, duration):
    assert add_business_time(calendar, t, duration) == walk_add(calendar, t, duration)


@SAME
@given(calendar=st.sampled_from(OPEN_CALENDARS), a=moments, b=moments)
def test_measuring_matches_the_walk(calendar, a, b):
    a, b = min(a, b), max(a, b)
    assert business_time_between(calendar, a, b) == walk_between(calendar, a, b)


@pytest.mark.parametrize("calendar", OPEN_CALENDARS)
def test_block_edges_and_period_edges(calendar):
    """Moments on the edges of blocks and periods, durations ending exactly at a closing."""
    first = dt.date.fromordinal((dt.date(2026, 1, 1).toordinal() // BLOCK_DAYS + 1) * BLOCK_DAYS)
    for offset in range(-3, 4):
        day = first + dt.timedelta(days=offset)
        for start, end in calendar.intervals_on(day):
            for moment in (start, end, start - dt.timedelta(microseconds=1), end - dt.timedelta(
                    microseconds=1)):
                for duration in (dt.timedelta(0), end - start, dt.timedelta(hours=9),
                                 dt.timedelta(days=BLOCK_DAYS)):
                    assert add_business_time(calendar, moment, duration) == walk_add(
                        calendar, moment, duration
                    )
                assert business_time_between(calendar, moment, end + dt.timedelta(
                    days=40)) == walk_between(calendar, moment, end + dt.timedelta(days=40))


def test_a_calendar_open_only_on_one_far_day_is_found_or_refused():
    day = dt.date(2031, 5, 6)
    calendar = WorkCalendar.from_config(
        time_zone="Asia/Shanghai", weekly_hours={}, exceptions=[(day, True, [["09:00", "10:00"]])]
    )
    start = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    assert add_business_time(calendar, start, dt.timedelta(minutes=30)) == dt.datetime(
        2031, 5, 6, 1, 30, tzinfo=dt.UTC
    )
    with pytest.raises(ValueError):
        add_business_time(calendar, start, dt.timedelta(hours=2))
