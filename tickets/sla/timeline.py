"""A calendar's working periods laid out once, so that business-time arithmetic is a binary
search instead of a walk over days.

Walking day by day builds every day's periods (time-zone conversions, holiday look-ups) again
for every sum: the SLA job computes eight due moments per ticket, days or weeks ahead, for
thousands of tickets of the same few calendars. A :class:`Timeline` builds the periods of a
block of ``BLOCK_DAYS`` local days the first time a moment in it is needed, as integer
microseconds since the epoch with the business time elapsed before each period, and keeps
them for the calendar's lifetime (a calendar is immutable).

Periods are made disjoint across days as they already are within one (a later period starts
no earlier than the previous one ends), so a moment's position in business time is well
defined and ``add`` and ``between`` are differences of positions.
"""

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .calendar import WorkCalendar

BLOCK_DAYS = 32
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)
# A calendar whose working hours never come (every day an exception, say) must fail rather
# than loop; ten years is beyond any SLA target.
MAX_SEARCH_DAYS = 366 * 10
MAX_POSITIONS = 20_000  # moments remembered per calendar (a job run's tickets)


def to_micros(moment: dt.datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def from_micros(micros: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=micros)


@dataclass(frozen=True)
class Block:
    """The periods of ``BLOCK_DAYS`` local days: starts, ends and the business time before
    each start (all in microseconds, starts and ends increasing), and the block's total."""

    starts: list[int]
    ends: list[int]
    before: list[int]
    total: int

    def offset(self, micros: int) -> int:
        """Business time from the block's start to ``micros``."""
        index = bisect_right(self.ends, micros)
        if index == len(self.ends):
            return self.total
        return self.before[index] + max(0, micros - self.starts[index])

    def moment_at(self, offset: int) -> int:
        """The moment at which ``offset`` (< total) of the block's business time has passed."""
        index = bisect_right(self.before, offset) - 1
        return self.starts[index] + offset - self.before[index]


class Timeline:
    def __init__(self, calendar: "WorkCalendar"):
        self.calendar = calendar
        self._blocks: dict[int, Block] = {}
        # Both timers of a ticket, and each of their levels, start at its submission.
        self._positions: dict[int, tuple[int, int]] = {}

    def _block_index(self, micros: int) -> int:
        day = self.calendar.local_date(from_micros(micros))
        return day.toordinal() // BLOCK_DAYS

    def block(self, index: int) -> Block:
        block = self._blocks.get(index)
        if block is None:
            block = self._blocks[index] = self._build(index)
        return block

    def _build(self, index: int) -> Block:
        first = dt.date.fromordinal(index * BLOCK_DAYS)
        # The previous day's last period bounds this block's first one, as within a day.
        previous = self.calendar.intervals_on(first - dt.timedelta(days=1))
        last_end = to_micros(previous[-1][1]) if previous else None
        starts, ends, before, total = [], [], [], 0
        for offset in range(BLOCK_DAYS):
            for start, end in self.calendar.intervals_on(first + dt.timedelta(days=offset)):
                start_us, end_us = to_micros(start), to_micros(end)
                if last_end is not None:
                    start_us = max(start_us, last_end)
                if start_us >= end_us:
                    continue
                starts.append(start_us)
                ends.append(end_us)
                before.append(total)
                total += end_us - start_us
                last_end = end_us
        return Block(starts, ends, before, total)

    def position(self, micros: int) -> tuple[int, int]:
        """Where ``micros`` lies in business time: (block index, business time from the
        block's start), so that several sums from one moment find it once."""
        position = self._positions.get(micros)
        if position is None:
            if len(self._positions) >= MAX_POSITIONS:
                self._positions.clear()
            index = self._block_index(micros)
            position = self._positions[micros] = index, self.block(index).offset(micros)
        return position

    def advance(self, position: tuple[int, int], duration: int) -> int:
        """The first business moment by which ``duration`` has passed since ``position``."""
        index, remaining = position
        last = index + MAX_SEARCH_DAYS // BLOCK_DAYS + 1
        block = self.block(index)
        remaining += duration
        while remaining >= block.total:
            remaining -= block.total
            index += 1
            if index > last:
                raise ValueError("the calendar has no working time in the next ten years")
            block = self.block(index)
        return block.moment_at(remaining)

    def add(self, micros: int, duration: int) -> int:
        return self.advance(self.position(micros), duration)

    def between(self, start: int, end: int) -> int:
        """Business time in ``[start, end)``, for ``start <= end``."""
        first, last = self._block_index(start), self._block_index(end)
        total = self.block(last).offset(end) - self.block(first).offset(start)
        for index in range(first, last):
            total += self.block(index).total
        return total

    def is_open(self, micros: int) -> bool:
        block = self.block(self._block_index(micros))
        index = bisect_right(block.ends, micros)
        return index < len(block.ends) and block.starts[index] <= micros
