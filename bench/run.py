"""``make bench``: seed a large dataset, run the production process set, measure, report.

    make bench                                   # scale 1.0: 1,000,000 tickets (long)
    make bench BENCH_ARGS="--scale 0.1"          # 100,000 tickets
    make bench BENCH_ARGS="--scale 0.01 --duration 5"
    .venv/bin/python bench/run.py --scale 0.002 --duration 3 --drop   # the smoke run
    .venv/bin/python bench/run.py --sockets 1,100,1000   # live latency only, small seed

The database (``--database-url``, default courtyard_bench_big) is the harness's own: created
when missing, reused when it holds the same scale (a marker table), rebuilt otherwise or with
``--reseed``; ``--drop`` removes it at the end. Redis (``--redis-url``, default db 11) must be
the harness's own too: its Celery queue is purged. Every load run lasts ``--duration``
seconds; every process the harness starts is stopped at the end, on failure or Ctrl-C too.
Prints a table and writes var/bench/results-<date>.json (``--output``). See bench/README.md.

``--sockets 1,100,1000`` measures only commit → browser latency, once per socket count, with
just the web workers running, on a small seed (scale 0.002 unless ``--scale`` is given) that
has an owner for every socket; it writes var/bench/live-<date>.json.
"""

import argparse
import os
import secrets
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

from bench.harness import database  # noqa: E402
from bench.harness.config import SEED_VERSION, Counts  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/courtyard_bench_big"
DEFAULT_REDIS = "redis://127.0.0.1:6379/11"
SOCKETS_SCALE = 0.002  # --sockets alone: enough places for the owners, 2,000 tickets


def _socket_counts(value: str) -> list[int]:
    try:
        counts = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of positive numbers")
    return counts


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=None,
                        help="multiplies every count (default 1.0: 1,000,000 tickets; "
                             f"{SOCKETS_SCALE} with --sockets)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_DATABASE))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--duration", type=float, default=20.0,
                        help="seconds of each load run (after a one-second warm-up)")
    parser.add_argument("--reseed", action="store_true", help="rebuild the database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--only", default="", help="comma-separated scenario modules")
    parser.add_argument("--http", default="",
                        help="comma-separated words: only the HTTP scenarios whose name has one "
                             "(the floors always run), e.g. 'queue API,creation'")
    parser.add_argument("--profile", action="store_true",
                        help="pyinstrument the SLA job and a queue API request (run dir)")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--sockets", type=_socket_counts, default=None,
                        help="e.g. 1,100,1000: only the WebSocket scenario, once per count, "
                             "with only the web workers started")
    args = parser.parse_args(argv)
    if args.scale is None:
        args.scale = SOCKETS_SCALE if args.sockets else 1.0
    if args.sockets and not args.only:
        args.only = "websocket,memory"
    return args


def environment(args, var_dir: Path) -> dict:
    """The production settings on loopback: DEBUG off, a fresh secret, plain HTTP."""
    return {
        "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url, "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0", "VAR_DIR": str(var_dir),
        "STATIC_ROOT": str(var_dir / "static"), "MEDIA_ROOT": str(var_dir / "media"),
        "CACHE_KEY_PREFIX": "bench", "CHANNEL_PREFIX": "bench", "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://", "CELERY_TASK_ALWAYS_EAGER": "0",
        # The pool a production deployment turns on (README, DB_POOL_MAX_SIZE); the results
        # in bench/README.md since 2026-11-27 were measured with it.
        "DB_POOL_MAX_SIZE": os.environ.get("DB_POOL_MAX_SIZE", "8"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _database(args, counts, log) -> bool:
    """True when the database must be seeded (it was just created, empty)."""
    wanted = {**counts.as_dict(), "version": SEED_VERSION}
    have = None if args.reseed else database.marker(args.database_url)
    if have == wanted:
        log(f"database {database.name_of(args.database_url)}: seeded at scale {args.scale}, "
            "reused (--reseed to rebuild)")
        return False
    if database.exists(args.database_url):
        log(f"database {database.name_of(args.database_url)}: rebuilding")
        database.drop(args.database_url)
    database.create(args.database_url)
    return True


def _seed(args, counts, log) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from bench.harness import seed

    started = time.perf_counter()
    _migrate(log)
    ctx = seed.SeedContext(counts=counts, now=timezone.now(),
                           password=make_password("courtyard-bench"))
    report = seed.run(ctx, log=log)
    world_started = time.perf_counter()
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    report["vacuum_analyze_seconds"] = round(time.perf_counter() - world_started, 1)
    report["seconds"] = round(time.perf_counter() - started, 1)
    database.write_marker(args.database_url, {**counts.as_dict(), "version": SEED_VERSION},
                          report)
    log(f"  seeded in {report['seconds']:.0f} s")
    return report


def _migrate(log) -> None:
    """Also on a reused database: the models may have moved on since it was seeded (new
    columns get their defaults; the seeded rows stay)."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"  migrated in {time.perf_counter() - started:.1f} s")


def _collectstatic(env: dict, log) -> None:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "bench.harness.static_settings"},
        cwd=ROOT, check=True, timeout=300,
    )
    log(f"collectstatic: {time.perf_counter() - started:.1f} s")


def _scenarios(ctx, wanted: set, needs_processes: bool) -> list[dict]:
    import importlib

    from bench.harness.scenarios import SCENARIOS

    results = []
    for name in SCENARIOS:
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"bench.harness.scenarios.{name}")
        if module.NEEDS_PROCESSES != needs_processes:
            continue
        ctx.log(f"scenario {name}")
        started = time.perf_counter()
        try:
            rows = module.run(ctx)
        except Exception as exc:  # one broken scenario must not lose the others' numbers
            rows = [{"scenario": name, "error": f"{exc.__class__.__name__}: {exc}"}]
        for row in rows:
            ctx.log(f"    {row.get('scenario')}: " + ", ".join(
                f"{k}={row[k]}" for k in ("users", "p50_ms", "p95_ms", "p99_ms", "rps",
                                          "seconds", "failures", "lost", "sockets_dropped",
                                          "error") if k in row))
        ctx.log(f"  ({time.perf_counter() - started:.0f} s)")
        results += rows
    return results


def _purge_celery(log) -> None:
    from portal.celery import app

    purged = app.control.purge()
    if purged:
        log(f"purged {purged} queued Celery tasks")


def main(argv=None) -> int:
    args = arguments(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    log = lambda *parts: print(*parts, flush=True)  # noqa: E731
    started_at = datetime.now(UTC)
    stamp = started_at.strftime("%Y-%m-%d")
    output = args.output or ROOT / "var" / "bench" / (
        f"live-{stamp}.json" if args.sockets else f"results-{stamp}.json")
    run_dir = output.parent / f"run-{started_at:%Y%m%d-%H%M%S}"
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("the harness needs PostgreSQL (--database-url postgres://…)")
    counts = Counts.at(args.scale, sockets=max(args.sockets) if args.sockets else None)
    var_dir = Path(tempfile.mkdtemp(prefix="courtyard-bench-"))
    env = environment(args, var_dir)
    os.environ.update(env)
    from bench.harness.report import machine, table, write

    payload = {"at": started_at.isoformat(), "machine": machine(), "arguments": {
        k: str(v) for k, v in vars(args).items()}, "counts": counts.as_dict(), "results": []}
    processes, django_ready = None, False
    try:
        fresh = _database(args, counts, log)
        import django

        django.setup()
        django_ready = True
        from bench.harness.context import RunContext
        from bench.harness.people import prepare
        from bench.harness.processes import ProcessSet
        from bench.harness.scenarios import PENDING

        if fresh:
            payload["seeding"] = _seed(args, counts, log)
        else:
            _migrate(log)
            payload["seeding"] = database.marker_seeding(args.database_url)
        if args.seed_only:
            return 0
        run_dir.mkdir(parents=True, exist_ok=True)
        ctx = RunContext(args=args, counts=counts, run_dir=run_dir, log=log)
        ctx.people = prepare(counts)
        _collectstatic(env, log)
        wanted = {name for name in args.only.split(",") if name}
        results = _scenarios(ctx, wanted, needs_processes=False)
        _purge_celery(log)  # what the in-process job queued must not load the worker
        # Live events go from the sender to the web workers through Redis alone: the rest of
        # the set would only share the cores.
        web_only = bool(wanted) and wanted <= {"websocket", "memory"}
        log(f"starting {args.workers} web workers" + (
            "" if web_only else ", the floor app, a Celery worker and beat"))
        with ProcessSet(env, run_dir, args.workers, web_only=web_only) as processes:
            ctx.processes = processes
            results += _scenarios(ctx, wanted, needs_processes=True)
        payload["results"] = results
        payload["pending"] = PENDING
        payload["machine"]["load_average_after"] = list(os.getloadavg())
        print()
        print(table(results))
        for name, why in ({} if args.sockets else PENDING).items():
            print(f"{name:<38} not yet: {why}")
    finally:
        if processes is not None:
            processes.stop()
        if django_ready:
            from django.db import connections

            try:
                _purge_celery(log)
            except Exception as exc:  # noqa: BLE001 - Redis gone: nothing left to purge
                log(f"could not purge Celery's queue: {exc}")
            connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)
        if args.drop:
            database.drop(args.database_url)
            log(f"dropped {database.name_of(args.database_url)}")
        payload["seconds"] = round((datetime.now(UTC) - started_at).total_seconds(), 1)
        write(output, payload)
        log(f"written: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
