"""SLA timers and escalation ladders, as values: which moment each level of a timer is reached,
which levels are due now, and when anything next has to happen.

A timer starts when the ticket is submitted and runs for ``target`` of business time. Time it
spent stopped (waiting on the owner, resolved before a reopen) is added back as ``paused``, so
a level at ``percent`` of the target is reached at
``add(started_at, target × percent / 100 + paused)``; the 100 % level is the due time.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .business_time import ZERO, add_business_times
from .calendar import WorkCalendar

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
TIMERS = (FIRST_RESPONSE, RESOLUTION)

ASSIGNEE, TEAM_LEAD, MANAGER = "assignee", "team_lead", "manager"
NOTIFY_CHOICES = (ASSIGNEE, TEAM_LEAD, MANAGER)
BREACH_PERCENT = 100
MAX_PERCENT = 1000

DEFAULT_LADDER = (
    {"percent": 75, "notify": ASSIGNEE},
    {"percent": 100, "notify": TEAM_LEAD},
    {"percent": 150, "notify": MANAGER},
)


@dataclass(frozen=True)
class Level:
    percent: int
    notify: str


def parse_ladder(value: Iterable[Mapping]) -> tuple[Level, ...]:
    """Validate a stored ladder; raises ValueError naming the first problem."""
    levels = []
    for item in value:
        if not isinstance(item, Mapping):
            raise ValueError("each level needs a percent and whom to notify")
        percent, notify = item.get("percent"), item.get("notify")
        if not isinstance(percent, int) or isinstance(percent, bool):
            raise ValueError("a level's percent must be a whole number")
        if not 1 <= percent <= MAX_PERCENT:
            raise ValueError(f"a level's percent must be between 1 and {MAX_PERCENT}")
        if notify not in NOTIFY_CHOICES:
            raise ValueError(f"notify must be one of {', '.join(NOTIFY_CHOICES)}")
        levels.append(Level(percent, notify))
    percents = [level.percent for level in levels]
    if len(set(percents)) != len(percents):
        raise ValueError("two levels have the same percent")
    return tuple(sorted(levels, key=lambda level: level.percent))


@dataclass(frozen=True)
class Timer:
    name: str
    started_at: dt.datetime
    target: dt.timedelta
    paused: dt.timedelta = ZERO
    running: bool = True

    def reached_at(self, calendar: WorkCalendar, percent: int) -> dt.datetime:
        return self.reached_at_each(calendar, [percent])[0]

    def reached_at_each(
        self, calendar: WorkCalendar, percents: Sequence[int]
    ) -> list[dt.datetime]:
        return add_business_times(
            calendar, self.started_at,
            [self.target * percent / 100 + self.paused for percent in percents],
        )

    def due_at(self, calendar: WorkCalendar) -> dt.datetime:
        return self.reached_at(calendar, BREACH_PERCENT)


@dataclass(frozen=True)
class DueLevel:
    timer: str
    percent: int
    notify: str
    reached_at: dt.datetime

    @property
    def is_breach(self) -> bool:
        return self.percent == BREACH_PERCENT


def pending_levels(
    calendar: WorkCalendar,
    timers: Iterable[Timer],
    ladder: Iterable[Level],
    fired: Collection[tuple[str, int]],
) -> list[DueLevel]:
    """Every level not fired yet of every running timer, earliest first.

    The breach (100 %) is always a level, notifying nobody when the ladder leaves it out, so
    that a breach is recorded when it happens whatever the ladder says.
    """
    ladder = tuple(ladder)
    if all(level.percent != BREACH_PERCENT for level in ladder):
        ladder += (Level(BREACH_PERCENT, ""),)
    pending = []
    for timer in timers:
        if not timer.running:
            continue
        levels = [level for level in ladder if (timer.name, level.percent) not in fired]
        reached = timer.reached_at_each(calendar, [level.percent for level in levels])
        pending += [
            DueLevel(timer.name, level.percent, level.notify, moment)
            for level, moment in zip(levels, reached, strict=True)
        ]
    return sorted(pending, key=lambda level: (level.reached_at, level.timer, level.percent))


def split_due(
    pending: Iterable[DueLevel], now: dt.datetime
) -> tuple[list[DueLevel], dt.datetime | None]:
    """(levels reached by ``now``, the moment the next one is reached or None)."""
    due, later = [], []
    for level in pending:
        (due if level.reached_at <= now else later).append(level)
    return due, min((level.reached_at for level in later), default=None)
