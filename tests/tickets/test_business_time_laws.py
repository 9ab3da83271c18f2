"""The laws of business-time arithmetic, checked on random moments and durations."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.sla import (
    WorkCalendar,
    add_business_minutes,
    add_business_time,
    business_minutes_between,
    business_time_between,
    is_business_moment,
)

OFFICE = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}

CALENDARS = {
    "office hours, PRC holidays": WorkCalendar.from_config(
        time_zone="Asia/Shanghai", weekly_hours=OFFICE, country="CN"
    ),
    "lunch break, Saturday morning, own exceptions": WorkCalendar.from_config(
        time_zone="Asia/Shanghai",
        weekly_hours={
            **{day: [["08:30", "12:00"], ["13:30", "17:30"]] for day in OFFICE},
            "sat": [["09:00", "12:00"]],
        },
        country="CN",
        exceptions=[
            (dt.date(2026, 3, 11), False, None),
            (dt.date(2026, 3, 15), True, [["10:00", "16:00"]]),
            (dt.date(2026, 6, 7), True, None),
        ],
    ),
    "around the clock": WorkCalendar.from_config(
        time_zone="Asia/Shanghai", weekly_hours={}, always_open=True
    ),
    # Periods across the DST changes of Europe/Berlin, where wall-clock hours are 2 h or 4 h.
    "night shifts across DST": WorkCalendar.from_config(
        time_zone="Europe/Berlin",
        weekly_hours={
            day: [["00:00", "03:30"], ["22:00", "24:00"]]
            for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        },
    ),
}

calendars = st.sampled_from(list(CALENDARS.values()))
moments = st.datetimes(
    min_value=dt.datetime(2025, 9, 1), max_value=dt.datetime(2027, 3, 31),
    timezones=st.just(dt.UTC),
)
minutes = st.integers(min_value=0, max_value=20_000)
durations = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=30))

# No example database: nothing written to the working tree, every run starts afresh.
LAWS = settings(max_examples=150, deadline=None, database=None)


@LAWS
@given(calendars, moments)
def test_adding_nothing_gives_the_next_business_moment(calendar, t):
    start = add_business_time(calendar, t, dt.timedelta(0))
    assert start >= t
    assert is_business_moment(calendar, start)
    assert business_time_between(calendar, t, start) == dt.timedelta(0)
    assert (start == t) == is_business_moment(calendar, t)


@LAWS
@given(calendars, moments, durations)
def test_between_measures_what_add_added(calendar, t, duration):
    assert business_time_between(calendar, t, add_business_time(calendar, t, duration)) == duration


@LAWS
@given(calendars, moments, minutes)
def test_between_in_minutes_measures_what_add_added_in_minutes(calendar, t, m):
    later = add_business_minutes(calendar, t, m)
    assert business_minutes_between(calendar, t, later) == m


@LAWS
@given(calendars, moments, minutes, minutes)
def test_adding_twice_is_adding_the_sum(calendar, t, a, b):
    assert add_business_minutes(
        calendar, add_business_minutes(calendar, t, a), b
    ) == add_business_minutes(calendar, t, a + b)


@LAWS
@given(calendars, moments, minutes, minutes)
def test_add_is_monotonic_in_the_duration(calendar, t, a, b):
    low, high = sorted((a, b))
    assert add_business_minutes(calendar, t, low) <= add_business_minutes(calendar, t, high)


@LAWS
@given(calendars, moments, moments, minutes)
def test_add_is_monotonic_in_the_moment(calendar, t1, t2, m):
    early, late = sorted((t1, t2))
    assert add_business_minutes(calendar, early, m) <= add_business_minutes(calendar, late, m)


@LAWS
@given(calendars, moments, minutes)
def test_add_always_lands_on_a_business_moment(calendar, t, m):
    assert is_business_moment(calendar, add_business_minutes(calendar, t, m))


@LAWS
@given(calendars, moments, moments, moments)
def test_between_is_additive_and_signed(calendar, a, b, c):
    assert business_time_between(calendar, a, b) + business_time_between(
        calendar, b, c
    ) == business_time_between(calendar, a, c)
    assert business_time_between(calendar, a, b) == -business_time_between(calendar, b, a)


@LAWS
@given(calendars, moments, moments)
def test_business_time_never_exceeds_wall_time(calendar, t1, t2):
    early, late = sorted((t1, t2))
    assert dt.timedelta(0) <= business_time_between(calendar, early, late) <= late - early


@LAWS
@given(moments, durations)
def test_around_the_clock_is_wall_time(t, duration):
    calendar = CALENDARS["around the clock"]
    assert add_business_time(calendar, t, duration) == t + duration
