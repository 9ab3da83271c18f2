"""Business time on dates people know: nights, weekends, the 2026 Spring Festival, 调休."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tickets.sla import (
    WorkCalendar,
    add_business_minutes,
    business_minutes_between,
    is_business_moment,
)
from tickets.sla.calendar import parse_hours, parse_weekly_hours, public_days

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
CN_OFFICE = WorkCalendar.from_config(time_zone="Asia/Shanghai", weekly_hours=OFFICE, country="CN")


def at(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_the_package_knows_the_2026_spring_festival_and_its_adjusted_saturdays():
    days_off, workdays = public_days("CN", 2026)
    assert {at(2026, 2, d).date() for d in (16, 17, 18, 19, 20, 23)} <= days_off
    # 调休: Saturday 14 and Saturday 28 February are worked to lengthen the holiday.
    assert {dt.date(2026, 2, 14), dt.date(2026, 2, 28)} <= workdays
    assert {dt.date(2026, 1, 4), dt.date(2026, 9, 20), dt.date(2026, 10, 10)} <= workdays


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        # within a day
        (at(2026, 3, 10, 9), 60, at(2026, 3, 10, 10)),
        # across a night: 1 h on Tuesday, 1 h on Wednesday
        (at(2026, 3, 10, 17), 120, at(2026, 3, 11, 10)),
        # submitted at night: the clock starts at opening
        (at(2026, 3, 10, 23, 30), 30, at(2026, 3, 11, 9, 30)),
        # across a weekend
        (at(2026, 3, 13, 17), 120, at(2026, 3, 16, 10)),
        # a target used up exactly at closing falls due at the next opening
        (at(2026, 3, 10, 9), 540, at(2026, 3, 11, 9)),
        (at(2026, 3, 10, 18), 0, at(2026, 3, 11, 9)),
        # Friday before the Spring Festival: Saturday 14 February is a 调休 working day
        (at(2026, 2, 13, 17), 120, at(2026, 2, 14, 10)),
        # from that Saturday over the whole holiday (15–23 February) to Tuesday the 24th
        (at(2026, 2, 14, 17), 120, at(2026, 2, 24, 10)),
        # submitted during the holiday
        (at(2026, 2, 18, 10), 60, at(2026, 2, 24, 10)),
        # Saturday 28 February is worked too
        (at(2026, 2, 27, 17), 120, at(2026, 2, 28, 10)),
        # National Day: 1–7 October off, Saturday 10 October worked
        (at(2026, 9, 30, 17), 120, at(2026, 10, 8, 10)),
        (at(2026, 10, 9, 17, 30), 60, at(2026, 10, 10, 9, 30)),
    ],
)
def test_adding_business_minutes_in_office_hours_with_prc_holidays(start, minutes, expected):
    assert add_business_minutes(CN_OFFICE, start, minutes) == expected


def test_business_minutes_between_count_only_working_hours():
    # Friday 13 Feb 09:00 → Tuesday 24 Feb 09:00: Friday and the 调休 Saturday, 9 h each.
    assert business_minutes_between(CN_OFFICE, at(2026, 2, 13, 9), at(2026, 2, 24, 9)) == 18 * 60
    # A weekend counts nothing.
    assert business_minutes_between(CN_OFFICE, at(2026, 3, 14, 0), at(2026, 3, 16, 0)) == 0
    assert business_minutes_between(CN_OFFICE, at(2026, 3, 16, 9), at(2026, 3, 13, 9)) == -540


def test_a_saturday_worked_for_the_holiday_is_business_time_and_an_ordinary_one_is_not():
    assert is_business_moment(CN_OFFICE, at(2026, 2, 14, 10))
    assert not is_business_moment(CN_OFFICE, at(2026, 2, 21, 10))
    assert not is_business_moment(CN_OFFICE, at(2026, 2, 17, 10))  # Spring Festival


def test_without_a_country_holidays_are_ordinary_days():
    calendar = WorkCalendar.from_config(time_zone="Asia/Shanghai", weekly_hours=OFFICE)
    assert is_business_moment(calendar, at(2026, 2, 17, 10))
    assert not is_business_moment(calendar, at(2026, 2, 14, 10))


def test_the_organisations_exceptions_override_the_country_and_the_week():
    calendar = WorkCalendar.from_config(
        time_zone="Asia/Shanghai", weekly_hours=OFFICE, country="CN",
        exceptions=[
            (dt.date(2026, 3, 11), False, None),  # closed for a staff outing
            (dt.date(2026, 2, 17), True, [["10:00", "12:00"]]),  # on duty during the festival
            (dt.date(2026, 3, 15), True, None),  # a Sunday with the standard hours
        ],
    )
    assert add_business_minutes(calendar, at(2026, 3, 10, 17), 120) == at(2026, 3, 12, 10)
    assert add_business_minutes(calendar, at(2026, 2, 14, 17), 120) == at(2026, 2, 17, 11)
    assert add_business_minutes(calendar, at(2026, 3, 13, 17), 120) == at(2026, 3, 15, 10)


def test_lunch_breaks_do_not_count():
    calendar = WorkCalendar.from_config(
        time_zone="Asia/Shanghai",
        weekly_hours={day: [["09:00", "12:00"], ["13:30", "18:00"]] for day in OFFICE},
    )
    assert add_business_minutes(calendar, at(2026, 3, 10, 11), 90) == at(2026, 3, 10, 14)


def test_around_the_clock_ignores_nights_weekends_and_holidays():
    calendar = WorkCalendar.from_config(
        time_zone="Asia/Shanghai", weekly_hours={}, always_open=True, country="CN"
    )
    assert add_business_minutes(calendar, at(2026, 2, 17, 23), 120) == at(2026, 2, 18, 1)


def test_hours_are_validated_and_merged():
    assert parse_hours([["13:00", "18:00"], ["09:00", "12:00"], ["11:00", "13:30"]]) == (
        (9 * 60, 18 * 60),
    )
    assert parse_weekly_hours({"sun": [["22:00", "24:00"]]})[6] == ((22 * 60, 24 * 60),)
    for bad in ([["18:00", "09:00"]], [["9", "10:00"]], [["09:00", "25:00"]], [["09:60", "10:00"]]):
        with pytest.raises(ValueError):
            parse_hours(bad)
    with pytest.raises(ValueError):
        parse_weekly_hours({"monday": [["09:00", "18:00"]]})


def test_a_calendar_without_any_working_time_is_refused():
    with pytest.raises(ValueError):
        WorkCalendar.from_config(time_zone="Asia/Shanghai", weekly_hours={})
