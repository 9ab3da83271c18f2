"""The table on stdout and the JSON file."""

import json
import os
import platform
from pathlib import Path

import psutil


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb":
            round(psutil.virtual_memory().total / 2**30, 1), "python": platform.python_version(),
            "system": platform.platform(), "load_average": list(os.getloadavg())}


def _fmt(value, width: int, digits: int = 1) -> str:
    if value is None or value == "":
        return " " * (width - 1) + "-"
    if isinstance(value, float):
        return f"{value:>{width}.{digits}f}"
    return f"{value!s:>{width}}"


def table(results: list[dict]) -> str:
    header = (f"{'scenario':<38} {'users':>5} {'reqs':>6} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'req/s':>7} {'x floor p50/p95':>15} {'fail':>5} {'sql':>4}  budget")
    lines = [header, "-" * len(header)]
    for r in results:
        if r.get("kind") == "job":
            lines.append(f"{r['scenario']:<38} {'':>5} {r['tickets']:>6} "
                         f"{'':>8} {'':>8} {'':>8} {'':>7} {'':>15} {'':>5} "
                         f"{_fmt(r.get('queries'), 4)}  {r['seconds']:.3f} s of "
                         f"{r['open_tickets']} open"
                         f"{_budget(r)}")
            continue
        if r.get("kind") == "fanout":
            lines.append(f"{r['scenario'][:38]:<38} {'':>5} {r['recipients']:>6} "
                         f"{'':>8} {'':>8} {'':>8} {'':>7} {'':>15} {r['failures']:>5} "
                         f"{'':>4}  written and pushed {r['published_seconds']:.1f} s"
                         f"{_budget(r)}; {r['deliveries']} deliveries sent "
                         f"{r['seconds']:.1f} s"
                         + (f"  ERROR: {r['error']}" if r.get("error") else ""))
            continue
        if r.get("kind") == "memory":
            lines.append(f"{r['scenario']:<38} {r.get('workers', 0):>5} RSS MB: "
                         f"{', '.join(str(x) for x in r.get('rss_mb', []))}")
            continue
        x = r.get("x_floor") or {}
        xs = (f"{x.get('p50') or '-'}/{x.get('p95') or '-'}" if x else "")
        if "x_db_floor_p50" in r:
            xs += f" db{r['x_db_floor_p50']}"
        reqs = r.get("requests") if r.get("kind") != "ws" else r.get("received")
        line = (f"{r['scenario'][:38]:<38} {_fmt(r.get('users'), 5)} {_fmt(reqs, 6)} "
                f"{_fmt(r.get('p50_ms'), 8)} {_fmt(r.get('p95_ms'), 8)} "
                f"{_fmt(r.get('p99_ms'), 8)} {_fmt(r.get('rps'), 7)} {xs:>15} "
                f"{_fmt(r.get('failures'), 5)} {_fmt(r.get('queries'), 4)}  {_budget(r)}")
        if r.get("error"):
            line += f"  ERROR: {r['error']}"
        lines.append(line)
    return "\n".join(lines)


def _budget(r: dict) -> str:
    if "budget" not in r:
        return ""
    return f"  {r['budget']}: {'ok' if r.get('budget_ok') else 'MISSED'}"


def write(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
