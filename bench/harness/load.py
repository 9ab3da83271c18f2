"""One bounded locust run (headless, a subprocess: gevent stays out of the harness)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from .stats import summary

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def run_locust(*, name: str, users: int, seconds: float, host: str, requests: list[dict],
               mode: str, run_dir: Path, warmup: float = 1.0) -> dict:
    """``users`` users without think time for ``seconds``; samples started in the first
    ``warmup`` seconds (connections opening, users spawning) are left out."""
    slug = name.replace(" ", "_").replace("/", "_")
    spec_path, out_path = run_dir / f"{slug}.spec.json", run_dir / f"{slug}.out.json"
    spec_path.write_text(json.dumps({"name": name, "mode": mode, "requests": requests}))
    out_path.unlink(missing_ok=True)
    args = [
        str(Path(sys.executable).parent / "locust"), "-f", str(LOCUSTFILE), "--headless",
        "--host", host, "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{max(1, round(seconds + warmup))}s", "--stop-timeout", "5",
        "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]
    env = {**os.environ, "BENCH_SPEC": str(spec_path), "BENCH_OUT": str(out_path)}
    with open(run_dir / f"{slug}.locust.log", "wb") as log:
        try:
            subprocess.run(args, env=env, stdout=log, stderr=subprocess.STDOUT,
                           timeout=seconds + warmup + 60, check=False)
        except subprocess.TimeoutExpired:  # run() killed it; whatever it wrote still counts
            pass
    if not out_path.exists():
        return {"scenario": name, "users": users, "error": "locust wrote no samples "
                f"(see {slug}.locust.log)"}
    data = json.loads(out_path.read_text())
    samples = data["samples"]
    if not samples:
        return {"scenario": name, "users": users, "error": "no requests completed",
                "errors": data["errors"]}
    start = min(sample[0] for sample in samples) + warmup
    kept = [s for s in samples if s[0] >= start] or samples
    end = max(s[0] + s[1] / 1000 for s in kept)
    window = max(0.001, end - min(s[0] for s in kept))
    ok = [s[1] for s in kept if s[2]]
    failures = len(kept) - len(ok)
    result = {"scenario": name, "users": users, **summary(ok, window), "failures": failures}
    if data["errors"]:
        result["errors"] = data["errors"]
    return result
