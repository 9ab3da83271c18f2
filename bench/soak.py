"""Soak (issue #10): a long mixed load on loopback at the benchmark rate; no errors, memory flat.

    .venv/bin/python bench/soak.py                          # scale 0.1, 30 minutes
    .venv/bin/python bench/soak.py --scale 0.01 --duration 120 --interval 10   # a smoke run

Reuses the harness of issue #9 (bench/harness/, bench/run.py) as it is: its database (its own,
``--database-url``, seeded once per scale and reused), its sessions and tokens, and its
production process set (uvicorn workers, Celery worker and beat, DEBUG off, each in a process
group stopped on any exit). Locust then drives one mixed load for ``--duration`` seconds
(bench/soak_locustfile.py: staff queue API and page, owner request list, notice feed page and
API, ticket creation and the created tickets' transitions) with ``--users`` closed-loop users
(8: the harness's benchmark rate) or a fixed total ``--rate``; manager and owner WebSockets stay
open and receive the live events the load causes (bench/soak_sockets.py). Every
``--interval`` seconds (30) a sample: RSS and CPU of every process, requests, failures, 5xx,
the Celery queue, the database's connections (bench/soak_sample.py). At the end: a table on
stdout, the JSON (``--output``, default var/bench/soak-<time>.json; logs and samples in the run
directory beside it) and exit status 1 unless there were no errors and memory stayed flat.

Errors: failed requests (any unexpected status, 5xx, connection errors), exceptions in the
load, Tracebacks and ERROR lines in the web, worker and beat logs while the load ran, a
process that exited or was replaced, a dropped socket, sockets that got no live event although
tickets were created.

Flat (bench/soak_report.py): after a warm-up (``--warmup``, 60 s), the median RSS of the last
``--window`` (300 s) is less than ``--max-growth-pct`` (5 %) above that of the first window,
and the least-squares slope is under ``--max-slope`` (2 MB per 10 minutes). Why 2 MB: a leak
worth finding keeps something per request (a request, a queryset's rows, a socket's state:
kilobytes); at the benchmark rate (some 30-60 requests/s over two workers) even 100 bytes per
request is 5-10 MB per 10 minutes per worker. Below 2 MB per 10 minutes, a 30-minute run
cannot tell a slope from the allocator's steps (RSS moves in arena-sized jumps of about 1 MB);
the table prints each slope's standard error to show how sure the fit is.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0:0] = [str(ROOT)]

from bench import run as harness  # noqa: E402
from bench.harness import database  # noqa: E402
from bench.harness.config import Counts  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/courtyard_bench_soak"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
LOCUSTFILE = Path(__file__).with_name("soak_locustfile.py")
# How the users' requests are mixed (relative weights): reads dominate, as in an office day;
# three transitions per creation walk each created ticket to "resolved".
WEIGHTS = {"queue_api": 30, "queue_page": 10, "owner_requests": 15, "notice_feed": 10,
           "notice_api": 5, "create": 6, "transition": 18}


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--duration", type=float, default=1800.0, help="seconds of load")
    parser.add_argument("--users", type=int, default=8, help="closed-loop locust users")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="total requests/s spread over the users (0: closed loop)")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--warmup", type=float, default=60.0,
                        help="seconds left out of the memory verdict")
    parser.add_argument("--window", type=float, default=300.0,
                        help="seconds of the first and last memory windows")
    parser.add_argument("--max-growth-pct", type=float, default=5.0)
    parser.add_argument("--max-slope", type=float, default=2.0, help="MB per 10 minutes")
    parser.add_argument("--sockets", type=int, default=20,
                        help="owners' WebSockets, besides one per manager (0: none at all)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_SOAK_DATABASE_URL",
                                                                 DEFAULT_DATABASE))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_SOAK_REDIS_URL",
                                                              DEFAULT_REDIS))
    parser.add_argument("--reseed", action="store_true", help="rebuild the database")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for the process set, e.g. DB_CONN_MAX_AGE=0 (repeatable)")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the soak needs PostgreSQL (--database-url postgres://…)")
    if "bench" not in database.name_of(args.database_url):
        parser.error("the database's name must contain 'bench': the harness may rebuild it")
    if any("=" not in item for item in args.env):
        parser.error("--env takes NAME=VALUE")
    if args.duration < 4 * args.interval:
        parser.error("--duration must cover at least four --interval samples")
    return args


def _handlers() -> dict[str, list[str]]:
    """Property id → tokens of the people who may move its tickets: its staff and the
    organisation's all-properties managers."""
    from django_scopes import scopes_disabled

    from bench.harness.seed.people import token_for
    from portal.tenancy.models import Membership, Property

    handlers: dict[str, list[str]] = {}
    with scopes_disabled():
        by_org: dict[int, list[int]] = {}
        for pk, org in Property.objects.values_list("pk", "organization_id"):
            by_org.setdefault(org, []).append(pk)
        for user_id, prop in Membership.objects.filter(
            role="staff", is_active=True, properties__isnull=False
        ).values_list("user_id", "properties"):
            handlers.setdefault(str(prop), []).append(token_for(user_id))
        for user_id, org in Membership.objects.filter(
            role="manager", is_active=True, all_properties=True
        ).values_list("user_id", "organization_id"):
            for prop in by_org.get(org, []):
                handlers.setdefault(str(prop), []).append(token_for(user_id))
    return handlers


def _spec(args, people: dict) -> dict:
    return {
        "managers": people["managers"], "owners": people["owners"],
        "creators": people["creators"], "handlers": _handlers(), "weights": WEIGHTS,
        "rate_per_user": args.rate / args.users if args.rate else 0,
        "writes_per_minute": 45,  # the product allows 60 a minute per person
    }


def _locust(args, url: str, run_dir: Path, spec: dict) -> tuple[subprocess.Popen, Path]:
    spec_path, progress = run_dir / "soak.spec.json", run_dir / "soak.progress.json"
    spec_path.write_text(json.dumps(spec))
    progress.unlink(missing_ok=True)
    command = [
        str(Path(sys.executable).parent / "locust"), "-f", str(LOCUSTFILE), "--headless",
        "--host", url, "--users", str(args.users), "--spawn-rate", str(args.users),
        "--run-time", f"{round(args.duration)}s", "--stop-timeout", "10", "--only-summary",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]
    env = {**os.environ, "SOAK_SPEC": str(spec_path), "SOAK_PROGRESS": str(progress)}
    log = open(run_dir / "locust.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True, cwd=ROOT)
    return proc, progress


def _stop_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if proc.poll() is None:
        proc.wait(timeout=5)


def _drive(args, processes, run_dir: Path, spec: dict, owner_sessions: list[str], log):
    """The load, sampled; returns the samples, the load's final counts, the sockets' counts,
    the restarts seen, whether every process lived to the end and the logs' sizes then."""
    from bench.soak_sample import Sampler
    from bench.soak_sockets import Sockets

    sockets = None
    if args.sockets:
        sessions = [m["session"] for m in spec["managers"]] + owner_sessions[: args.sockets]
        sockets = Sockets(processes.url, sessions)
        sockets.start()
        log(f"sockets: {sockets.snapshot()['open']} of {len(sessions)} open")
    locust, progress = _locust(args, processes.url, run_dir, spec)
    sampler = Sampler(processes, args.database_url, database.name_of(args.database_url),
                      args.redis_url, progress, sockets)
    samples, alive = [], True
    started = time.monotonic()
    deadline = started + args.duration + 90  # locust's own --run-time ends it well before
    try:
        next_at = started
        while True:
            exited = [name for name, proc in processes.procs.items() if proc.poll() is not None]
            if exited:
                log(f"process exited during the soak: {exited}")
                alive = False
            done = locust.poll() is not None or not alive
            if done or time.monotonic() >= next_at:
                sample = sampler.sample(time.monotonic() - started)
                samples.append(sample)
                log(_progress_line(sample))
                next_at += args.interval
            if done:
                break
            if time.monotonic() > deadline:
                log("locust overran its run time: stopped")
                break
            time.sleep(min(1.0, max(0.0, next_at - time.monotonic())))
    finally:
        _stop_group(locust)
        held = sockets.snapshot() if sockets is not None else None  # before they close
        if sockets is not None:
            sockets.stop()
        sampler.close()
    sizes = {name: (run_dir / f"{name}.log").stat().st_size
             for name in ("web", "worker", "beat") if (run_dir / f"{name}.log").exists()}
    final = {}
    try:
        final = json.loads(progress.read_text())
    except (OSError, ValueError):
        log("locust wrote no final counts (see locust.log)")
    return samples, final, held, sampler.restarts, alive, sizes


def _progress_line(s: dict) -> str:
    rss = " ".join(f"{role.replace(' ', '')}={mb}" for role, mb in s["rss_mb"].items())
    sockets = s["sockets"] or {}
    return (f"  t={s['t']:>6.0f}s reqs={s['requests']} fail={s['failures']} "
            f"5xx={s['status_5xx']} queue={s['celery_queue']} "
            f"db={s['db_connections'].get('total')} ws={sockets.get('open', '-')}/"
            f"{sockets.get('received', '-')} load={s['load_average'][0]} MB: {rss}")


def _result(args, samples, final, sockets, restarts, alive, sizes, run_dir) -> dict:
    from bench import soak_report as report

    last = samples[-1] if samples else {}
    seconds = last.get("t") or args.duration
    warmup = min(args.warmup, seconds / 4)
    window = min(args.window, (seconds - warmup) / 3)
    logs = report.scan_logs(run_dir, sizes)
    errors = report.errors(last, logs, restarts, sockets, alive)
    created = (final.get("requests") or {}).get("ticket creation", 0)
    if sockets is not None:
        events = sockets["received"] - sockets["received_by_type"].get("hello", 0)
        errors["live_events_missing"] = int(created > 0 and events == 0)
    errors["no_requests"] = int(not last.get("requests"))
    memory = report.memory(samples, warmup=warmup, window=window, end=seconds,
                           max_growth_pct=args.max_growth_pct, max_slope=args.max_slope)
    flat = all(row["verdict"] == "flat" for row in memory)
    ok = flat and not any(errors.values())
    queues = [s["celery_queue"] for s in samples if s["celery_queue"] is not None]
    return {
        "load": {"requests": last.get("requests", 0), "seconds": seconds,
                 "rps": last.get("requests", 0) / seconds if seconds else 0,
                 "by_kind": final.get("requests", {}),
                 "failures_by_kind": final.get("failures", {}),
                 "status": final.get("status", {}), "first_errors": final.get("errors", {}),
                 "fallbacks": final.get("fallbacks", 0),
                 "pending_transitions": final.get("pending_transitions")},
        "latency": report.latencies(final), "sockets": sockets,
        "celery_queue_max": max(queues, default=None),
        "celery_queue_end": queues[-1] if queues else None,
        "db_connections_max": max((s["db_connections"]["total"] for s in samples), default=None),
        "memory_rule": {"warmup_s": warmup, "window_s": window,
                        "max_growth_pct": args.max_growth_pct,
                        "max_slope_mb_per_10min": args.max_slope},
        "memory": memory, "errors": errors, "logs": logs, "restarts": restarts,
        "verdict": "PASS: no errors, memory flat" if ok else "FAIL: " + ", ".join(
            [k for k, v in errors.items() if v] + ([] if flat else ["memory not flat"])),
        "ok": ok,
    }


def main(argv=None) -> int:
    args = arguments(argv)
    signal.signal(signal.SIGTERM, harness._interrupt)
    log = lambda *parts: print(*parts, flush=True)  # noqa: E731
    started_at = datetime.now(UTC)
    output = args.output or ROOT / "var" / "bench" / f"soak-{started_at:%Y%m%d-%H%M%S}.json"
    run_dir = output.with_suffix("")
    counts = Counts.at(args.scale)
    var_dir = Path(tempfile.mkdtemp(prefix="courtyard-soak-"))
    env = {**harness.environment(args, var_dir),
           **dict(item.split("=", 1) for item in args.env)}
    os.environ.update(env)
    from bench.harness.report import machine, write

    payload = {"at": started_at.isoformat(), "machine": machine(),
               "arguments": {k: str(v) for k, v in vars(args).items()},
               "counts": counts.as_dict(), "weights": WEIGHTS}
    django_ready, ok = False, False
    try:
        fresh = harness._database(args, counts, log)
        import django

        django.setup()
        django_ready = True
        from bench.harness.people import prepare
        from bench.harness.processes import ProcessSet

        if fresh:
            payload["seeding"] = harness._seed(args, counts, log)
        else:
            harness._migrate(log)
        run_dir.mkdir(parents=True, exist_ok=True)
        people = prepare(counts)
        spec = _spec(args, people)
        harness._collectstatic(env, log)
        harness._purge_celery(log)
        log(f"starting {args.workers} web workers, a Celery worker and beat; then "
            f"{args.duration:.0f} s of mixed load, a sample every {args.interval:.0f} s")
        with ProcessSet(env, run_dir, args.workers) as processes:
            measured = _drive(args, processes, run_dir, spec,
                              [o["session"] for o in people["owners"]], log)
        samples = measured[0]
        payload["samples"] = samples
        payload.update(_result(args, *measured, run_dir))
        ok = payload["ok"]
        from bench import soak_report

        print()
        print(soak_report.table(payload))
    finally:
        if django_ready:
            from django.db import connections

            try:
                harness._purge_celery(log)
            except Exception as exc:  # noqa: BLE001 - Redis gone: nothing left to purge
                log(f"could not purge Celery's queue: {exc}")
            connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)
        payload["seconds"] = round((datetime.now(UTC) - started_at).total_seconds(), 1)
        write(output, payload)
        log(f"written: {output} (logs and samples: {run_dir}/)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
