"""The duration histogram of the rollups: log-scale buckets, mergeable across days and
dimensions by adding counts.

Exact percentiles cannot be merged from daily rows. A duration of ``s`` seconds goes to bucket
``floor(ln(s) / ln(GAMMA)) + 1`` (``s`` in ``[GAMMA**(b-1), GAMMA**b)``), below one second to
bucket 0 (read as 0 s). A percentile read from the histogram takes, for each of the two
neighbouring ranks that ``percentile_cont`` interpolates between, the bucket's representative
``2 * GAMMA**b / (GAMMA + 1)``; so every rank is off by at most ``(GAMMA - 1) / (GAMMA + 1)``
of its true value, and so is the interpolation between them: with GAMMA = 1.05, 2.44 %
(plus at most one second for durations under a second). The same bucket formula runs in SQL
(the rollup build and today's live rows) and nowhere else.
"""

import math

from django.db import connection
from django.db.models import F, Func, IntegerField

GAMMA = 1.05
PRECISION = (GAMMA - 1) / (GAMMA + 1)  # relative error bound of a percentile, 0.0244
LN_GAMMA = math.log(GAMMA)


def seconds_sql(end: str, start: str, vendor: str | None = None) -> str:
    """SQL for ``end - start`` in seconds of two timestamp columns."""
    if (vendor or connection.vendor) == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"
    # SQLite keeps timestamps as ISO text in UTC; julianday() reads them, as a double of
    # days (about 50 µs of noise at today's dates): rounded to the millisecond, whole
    # seconds stay whole and fall in the bucket Python puts them in.
    return f"ROUND((julianday({end}) - julianday({start})) * 86400.0, 3)"


def bucket_sql(seconds: str) -> str:
    """SQL for the bucket of a duration in seconds (FLOOR and LN: native on PostgreSQL,
    registered by Django on SQLite when SQLite lacks its math functions)."""
    return (f"(CASE WHEN ({seconds}) < 1 THEN 0 "
            f"ELSE CAST(FLOOR(LN({seconds}) / {LN_GAMMA!r}) AS INTEGER) + 1 END)")


class Bucket(Func):
    """The bucket of ``end - start`` (two field names) as an ORM expression."""

    output_field = IntegerField()

    def __init__(self, end: str, start: str):
        super().__init__(F(end), F(start))

    def as_sql(self, compiler, connection, **extra):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        sql = bucket_sql(seconds_sql(end, start, connection.vendor))
        # The duration appears twice (the CASE and the LN).
        return sql, (*end_params, *start_params) * 2


def representative(bucket: int) -> float:
    if bucket <= 0:
        return 0.0
    return 2 * GAMMA ** bucket / (GAMMA + 1)


def of(seconds: float) -> int:
    """The bucket in Python (tests, and reading rank values)."""
    if seconds < 1:
        return 0
    return math.floor(math.log(seconds) / LN_GAMMA) + 1


def percentile(histogram: dict[int, int], fraction: float) -> float | None:
    """``percentile_cont`` over a histogram {bucket: count}: the interpolation between the
    neighbouring ranks, each read as its bucket's representative."""
    total = sum(histogram.values())
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = math.floor(position), math.ceil(position)

    def at(rank: int) -> float:
        seen = 0
        for bucket in sorted(histogram):
            seen += histogram[bucket]
            if rank < seen:
                return representative(bucket)
        return representative(max(histogram))

    low_value, high_value = at(low), at(high)
    return low_value + (high_value - low_value) * (position - low)
