"""When a service desk works: weekly hours in a time zone, public holidays and adjusted
working days (调休) of a country, the organisation's own exceptions, or around the clock.

A day's hours are half-open intervals ``[start, end)`` in minutes after local midnight; an
interval never crosses midnight (a night shift is two intervals). Which hours apply on a date,
strongest rule first:

1. the organisation's exception for that date (closed, or open with the given hours, or open
   with the standard working-day hours);
2. an adjusted working day of the country (a Saturday or Sunday worked in exchange for a longer
   holiday): the standard working-day hours;
3. a public holiday of the country, including its substituted days off: closed;
4. the weekly hours of that weekday.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import holidays

from .timeline import Timeline

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60

Hours = tuple[tuple[int, int], ...]


def _minute_of_day(text: str) -> int:
    try:
        hours, minutes = text.split(":")
        value = int(hours) * 60 + int(minutes)
    except (AttributeError, ValueError) as error:
        raise ValueError(f"{text!r} is not a time of day like 09:00") from error
    if not 0 <= int(minutes) < 60 or not 0 <= value <= MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is not a time of day between 00:00 and 24:00")
    return value


def parse_hours(value: Iterable[Iterable[str]]) -> Hours:
    """``[["09:00", "12:00"], ["13:00", "18:00"]]`` → sorted, merged minute intervals."""
    intervals = []
    for pair in value:
        start, end = (_minute_of_day(text) for text in pair)
        if start >= end:
            raise ValueError(f"{pair!r}: a period must end after it starts")
        intervals.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def parse_weekly_hours(value: Mapping[str, Iterable[Iterable[str]]]) -> tuple[Hours, ...]:
    """``{"mon": [["09:00", "18:00"]], …}`` → seven hours tuples, Monday first."""
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown weekdays: {', '.join(sorted(unknown))}")
    return tuple(parse_hours(value.get(day, ())) for day in WEEKDAYS)


def format_hours(hours: Hours) -> list[list[str]]:
    def text(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    return [[text(start), text(end)] for start, end in hours]


@lru_cache(maxsize=512)
def public_days(country: str, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, adjusted working days) of ``country`` in ``year``, from the holidays package.

    ``weekend_workdays`` is where the package keeps the Saturdays and Sundays that are worked
    (调休 for China); ``is_working_day()`` is built on it. Only years the package has data for
    carry adjusted working days: keep the package current, the State Council announces each
    year's schedule in November.
    """
    calendar = holidays.country_holidays(country, years=year)
    days_off = frozenset(day for day in calendar if day.year == year)
    workdays = frozenset(
        day for day in getattr(calendar, "weekend_workdays", ()) if day.year == year
    )
    return days_off, workdays


def is_supported_country(country: str) -> bool:
    return country in holidays.list_supported_countries()


@dataclass(frozen=True)
class WorkCalendar:
    time_zone: str = "Asia/Shanghai"
    weekly_hours: tuple[Hours, ...] = ((),) * 7
    country: str | None = None
    exceptions: Mapping[dt.date, Hours] = field(default_factory=dict)
    always_open: bool = False

    def __post_init__(self):
        if len(self.weekly_hours) != 7:
            raise ValueError("weekly_hours needs seven days, Monday first")
        if not self.always_open and not any(self.weekly_hours) and not any(
            self.exceptions.values()
        ):
            raise ValueError("a calendar needs some working hours, or to be always open")

    @classmethod
    def from_config(
        cls,
        *,
        time_zone: str,
        weekly_hours: Mapping[str, Iterable[Iterable[str]]],
        country: str | None = None,
        always_open: bool = False,
        exceptions: Iterable[tuple[dt.date, bool, Iterable[Iterable[str]] | None]] = (),
    ) -> "WorkCalendar":
        """Build from stored values; an exception is (date, is working day, hours or None)."""
        weekly = parse_weekly_hours(weekly_hours) if not always_open else ((),) * 7
        standard = _standard_hours(weekly)
        days: dict[dt.date, Hours] = {}
        for day, is_working_day, hours in exceptions:
            if not is_working_day:
                days[day] = ()
            else:
                days[day] = parse_hours(hours) if hours else standard
        return cls(
            time_zone=time_zone, weekly_hours=weekly, country=country or None,
            exceptions=days, always_open=always_open,
        )

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def timeline(self) -> Timeline:
        """The periods laid out for binary search, built as they are needed."""
        return Timeline(self)

    @cached_property
    def standard_hours(self) -> Hours:
        """The hours of an adjusted working day: those of the first weekday that has any."""
        return _standard_hours(self.weekly_hours)

    def hours_on(self, day: dt.date) -> Hours:
        if self.always_open:
            return ((0, MINUTES_PER_DAY),)
        if day in self.exceptions:
            return self.exceptions[day]
        if self.country:
            days_off, workdays = public_days(self.country, day.year)
            if day in workdays:
                return self.standard_hours
            if day in days_off:
                return ()
        return self.weekly_hours[day.weekday()]

    def intervals_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's working periods as UTC moments, in order and without overlap.

        A wall-clock time skipped by a DST change resolves to the earlier offset, which can
        turn a period inside the gap into an empty or backwards one: those are dropped.
        """
        intervals: list[tuple[dt.datetime, dt.datetime]] = []
        for start_minute, end_minute in self.hours_on(day):
            start, end = self._moment(day, start_minute), self._moment(day, end_minute)
            if intervals:
                start = max(start, intervals[-1][1])
            if start < end:
                intervals.append((start, end))
        return intervals

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()

    def _moment(self, day: dt.date, minute: int) -> dt.datetime:
        if minute == MINUTES_PER_DAY:
            day, minute = day + dt.timedelta(days=1), 0
        local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.zone)
        return local.astimezone(dt.UTC)


def _standard_hours(weekly: tuple[Hours, ...]) -> Hours:
    return next((hours for hours in weekly if hours), ())
