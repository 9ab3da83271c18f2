"""Percentiles and rates from raw samples, and the "multiple of its floor"."""

import math


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def summary(durations_ms: list[float], seconds: float | None = None) -> dict:
    values = sorted(durations_ms)
    result = {
        "requests": len(values),
        "p50_ms": _round(percentile(values, 0.50)),
        "p95_ms": _round(percentile(values, 0.95)),
        "p99_ms": _round(percentile(values, 0.99)),
        "max_ms": _round(values[-1] if values else None),
    }
    if seconds:
        result["rps"] = round(len(values) / seconds, 1)
    return result


def multiple(value: float | None, floor: float | None) -> float | None:
    if value is None or not floor:
        return None
    return round(value / floor, 1)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
