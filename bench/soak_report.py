"""The soak's verdict: errors (must be none) and memory (must stay flat), from the samples.

Memory, per process: the median RSS of the first window after the warm-up against the median
of the last window, and the slope of a least-squares line through every sample after the
warm-up, in MB per 10 minutes. "flat" needs both the growth under ``max_growth_pct`` and the
slope under ``max_slope`` (why those numbers: bench/soak.py's docstring), or a change under
one allocator step (1 MB) whatever the slope. The warm-up is left
out because a Python process grows while its first requests import modules, fill template
and translation caches and open connections; that growth stops, a leak does not.
"""

import re
import statistics
from pathlib import Path

from bench.harness.stats import summary

LOGS = ("web", "worker", "beat")
TRACEBACK = "Traceback (most recent call last)"
STEP_MB = 1.0
ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL|FATAL)\b")


def _slope(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    """MB per 10 minutes and its standard error, from (seconds, MB) points."""
    if len(points) < 3:
        return None, None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    fit = statistics.linear_regression(xs, ys)
    residuals = [y - (fit.slope * x + fit.intercept) for x, y in points]
    spread = sum((x - statistics.fmean(xs)) ** 2 for x in xs)
    error = (sum(r * r for r in residuals) / (len(points) - 2) / spread) ** 0.5 if spread else 0
    return round(fit.slope * 600, 2), round(error * 600, 2)


def memory(samples: list[dict], *, warmup: float, window: float, end: float,
           max_growth_pct: float, max_slope: float) -> list[dict]:
    roles = list(dict.fromkeys(role for s in samples for role in s["rss_mb"]))
    rows = []
    for role in roles:
        points = [(s["t"], s["rss_mb"][role]) for s in samples
                  if s["t"] >= warmup and s["rss_mb"].get(role) is not None]
        first = [mb for t, mb in points if t <= warmup + window]
        last = [mb for t, mb in points if t >= end - window]
        row = {"process": role, "samples": len(points)}
        if not first or not last:
            rows.append({**row, "verdict": "too few samples"})
            continue
        first_mb, last_mb = statistics.median(first), statistics.median(last)
        growth = (last_mb - first_mb) / first_mb * 100
        slope, slope_error = _slope(points)
        # Under 1 MB of change is within one step of the allocator: a fitted slope through
        # it says nothing (a short run would extrapolate 0.2 MB into a "leak").
        flat = growth < max_growth_pct and (slope is None or slope < max_slope
                                            or abs(last_mb - first_mb) < STEP_MB)
        rows.append({**row, "first_mb": round(first_mb, 1), "last_mb": round(last_mb, 1),
                     "max_mb": max(mb for _t, mb in points), "growth_pct": round(growth, 1),
                     "slope_mb_per_10min": slope, "slope_stderr": slope_error,
                     "verdict": "flat" if flat else "GROWING"})
    return rows


def scan_logs(run_dir: Path, sizes_at_end: dict[str, int]) -> dict:
    """Tracebacks and ERROR lines of each process log, during the load (up to the size the
    log had when the load ended) and at shutdown (after it; reported, not failed on)."""
    found = {}
    for name in LOGS:
        path = run_dir / f"{name}.log"
        if not path.exists():
            continue
        data = path.read_bytes()
        cut = sizes_at_end.get(name, len(data))
        for part, text in (("run", data[:cut]), ("shutdown", data[cut:])):
            lines = text.decode("utf-8", "replace").splitlines()
            tracebacks = sum(TRACEBACK in line for line in lines)
            errors = [line for line in lines if ERROR_LINE.search(line)]
            found[f"{name}.log {part}"] = {
                "tracebacks": tracebacks, "error_lines": len(errors),
                "examples": errors[:5] + [line for line in lines if TRACEBACK in line][:1]}
    return found


def latencies(final: dict) -> dict:
    return {kind: summary(values) for kind, values in (final.get("latencies") or {}).items()}


def errors(last: dict, logs: dict, restarts: dict, sockets: dict | None,
           processes_alive: bool) -> dict:
    """Everything that must be zero for the run to pass."""
    during = {k: v for k, v in logs.items() if k.endswith(" run")}
    return {
        "failed_requests": last.get("failures", 0),
        "status_5xx": last.get("status_5xx", 0),
        "connection_errors": last.get("connection_errors", 0),
        "load_exceptions": last.get("exceptions", 0),
        "log_tracebacks": sum(v["tracebacks"] for v in during.values()),
        "log_error_lines": sum(v["error_lines"] for v in during.values()),
        "process_restarts": sum(restarts.values()),
        "processes_exited": 0 if processes_alive else 1,
        "sockets_dropped": (sockets or {}).get("drops", 0),
    }


def table(result: dict) -> str:
    lines = []
    load = result["load"]
    lines.append(f"requests: {load['requests']:,} in {load['seconds']:.0f} s "
                 f"({load['rps']:.1f}/s), pending transitions at the end: "
                 f"{load.get('pending_transitions')}, reads instead of writes (throttle "
                 f"margin): {load.get('fallbacks', 0)}")
    header = f"{'kind':<24} {'reqs':>7} {'fail':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    lines += ["", header, "-" * len(header)]
    for kind, row in sorted(result["latency"].items()):
        lines.append(f"{kind:<24} {row['requests']:>7} "
                     f"{load['failures_by_kind'].get(kind, 0):>5} {row['p50_ms'] or 0:>8.1f} "
                     f"{row['p95_ms'] or 0:>8.1f} {row['p99_ms'] or 0:>8.1f}")
    sockets = result.get("sockets")
    if sockets:
        lines.append(f"\nsockets: {sockets['open']} open at the end, {sockets['received']} "
                     f"events received {sockets['received_by_type']}, {sockets['drops']} drops")
    lines.append(f"celery queue max {result['celery_queue_max']}, at the end "
                 f"{result['celery_queue_end']}; database connections max "
                 f"{result['db_connections_max']}")
    lines.append("")
    header = (f"{'process':<16} {'n':>3} {'first MB':>9} {'last MB':>8} {'max MB':>7} "
              f"{'growth %':>8} {'MB/10min':>9} {'±':>5}  verdict")
    lines += [header, "-" * len(header)]
    for row in result["memory"]:
        if "first_mb" not in row:
            lines.append(f"{row['process']:<16} {row['samples']:>3}  {row['verdict']}")
            continue
        slope = row["slope_mb_per_10min"]
        lines.append(
            f"{row['process']:<16} {row['samples']:>3} {row['first_mb']:>9.1f} "
            f"{row['last_mb']:>8.1f} {row['max_mb']:>7.1f} {row['growth_pct']:>8.1f} "
            f"{'-' if slope is None else f'{slope:.2f}':>9} "
            f"{'-' if row['slope_stderr'] is None else row['slope_stderr']:>5}  {row['verdict']}")
    lines.append("")
    lines.append("errors: " + ", ".join(f"{k}={v}" for k, v in result["errors"].items()))
    for name, found in result["logs"].items():
        if found["tracebacks"] or found["error_lines"]:
            lines.append(f"  {name}: {found['tracebacks']} tracebacks, "
                         f"{found['error_lines']} ERROR lines, e.g. {found['examples'][:2]}")
    if result["load"]["seconds"] < 1200:
        lines.append("note: under 20 minutes the memory verdict mostly sees the warm-up; "
                     "judge memory on a 30-minute run")
    lines.append(f"verdict: {result['verdict']}")
    return "\n".join(lines)
