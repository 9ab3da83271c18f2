"""Commit → client latency of live events with many sockets open.

Opens one ``/ws/`` socket per prepared owner (1,000 at scale 1.0, scaled; or once for each
count of ``--sockets``, e.g. 1, 100 and 1,000, one after the other), each signed
in by its session cookie and sending the Origin the server checks. Then, for the run's
duration, every 100 ms a thread commits a transaction that publishes, through the product's
public interface (``communications.live.send_to_users_on_commit``), one small event to 5 %
of the sockets' users, stamped with the wall clock as it is queued, just before COMMIT. The
path measured is the product's: after-commit flush, replay numbering (Redis),
channels-redis ``group_send``, the uvicorn worker's consumer, the socket, the client's
receive. Client and sender share a clock (one process). Events not received within five
seconds of the end count as lost; sockets the server closes count as dropped (both are
failures).
"""

import asyncio
import gc
import json
import os
import random
import threading
import time

import websockets
from django.db import close_old_connections, transaction

from communications.live import send_to_users_on_commit

from ..stats import summary

NAME = "websocket"
NEEDS_PROCESSES = True
SHARE = 0.05
PERIOD = 0.1


def _publish(users: list[int], seconds: float, sent: list, flushes: list,
             stop: threading.Event) -> None:
    rng = random.Random(7)
    deadline = time.monotonic() + seconds
    event = 0
    try:
        while time.monotonic() < deadline and not stop.is_set():
            chosen = rng.sample(users, max(1, round(len(users) * SHARE)))
            event += 1
            stamp = time.time()
            with transaction.atomic():
                # Stamped as the event is queued; the (empty) transaction commits at once.
                send_to_users_on_commit(chosen, {"type": "bench.ping", "event": event,
                                                 "sent": stamp})
            # Until COMMIT and the after-commit flush returned: the sender's share of the
            # latency (the flush sends to the chosen users' groups).
            flushes.append((time.time() - stamp) * 1000)
            sent.append(len(chosen))
            time.sleep(PERIOD)
    finally:
        close_old_connections()


async def _client(url, origin, session, latencies, ready, dropped):
    """Receives until cancelled; no polling, so that 1,000 idle clients cost the measuring
    process (which also runs the sender) next to nothing."""
    try:
        async with websockets.connect(
            url, origin=origin, additional_headers={"Cookie": f"sessionid={session}"},
            open_timeout=60, max_queue=None,
        ) as socket:
            hello = json.loads(await socket.recv())
            if hello.get("type") != "hello":
                raise RuntimeError(f"unexpected first message {hello}")
            ready.append(1)
            async for raw in socket:
                message = json.loads(raw)
                if message.get("type") == "bench.ping":
                    latencies.append((time.time() - message["sent"]) * 1000)
            raise RuntimeError("closed by the server")  # only cancelling ends it on our side
    except (OSError, websockets.ConnectionClosed, RuntimeError, TimeoutError) as exc:
        # Counted, not fatal: a server that drops sockets is a finding, not a harness bug.
        dropped.append(f"{exc.__class__.__name__}: {exc}"[:200])


async def _measure(ctx, sockets: int) -> dict:
    owners = ctx.people["owners"][:sockets]
    if len(owners) < sockets:
        raise RuntimeError(f"{sockets} sockets wanted, {len(owners)} owners prepared")
    load_before = os.getloadavg()
    base = ctx.processes.url
    url, origin = base.replace("http://", "ws://") + "/ws/", base
    latencies, ready, sent, dropped, flushes = [], [], [], [], []
    stop_sender = threading.Event()
    tasks = []
    opened = time.perf_counter()
    for start in range(0, len(owners), 50):  # 50 handshakes at a time
        batch = owners[start:start + 50]
        tasks += [asyncio.create_task(_client(url, origin, o["session"], latencies, ready,
                                              dropped)) for o in batch]
        while len(ready) + len(dropped) < len(tasks):
            await asyncio.sleep(0.02)
    open_seconds = time.perf_counter() - opened
    # The clients and the sender share this process, not the product's: a full collection
    # over 1,000 sockets' objects stalled it once for 410 ms, counted as latency. Collections
    # during the run scan only what it allocates.
    gc.freeze()
    users = [o["user"] for o in owners]
    sender = threading.Thread(target=_publish,
                              args=(users, ctx.seconds, sent, flushes, stop_sender))
    sender.start()
    try:
        while sender.is_alive():
            await asyncio.sleep(0.1)
        await asyncio.sleep(5.0)  # late arrivals
    finally:
        stop_sender.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        gc.unfreeze()
    expected = sum(sent)
    reasons = {}
    for reason in dropped:
        reasons[reason] = reasons.get(reason, 0) + 1
    return {"scenario": "WebSocket commit → client", "kind": "ws", "sockets": len(owners),
            "users": len(owners), "seconds_to_open": round(open_seconds, 1),
            "events": len(sent), "expected": expected, "received": len(latencies),
            "lost": max(0, expected - len(latencies)), "sockets_dropped": len(dropped),
            "failures": max(0, expected - len(latencies)) + len(dropped),
            **({"drop_reasons": reasons} if reasons else {}),
            **summary(latencies), "budget": "p99 <= 500 ms",
            "commit_and_flush_ms": {k: v for k, v in summary(flushes).items()
                                    if k != "requests"},
            # The machine may be shared: how busy it was around this count's run.
            "load_average": {"before": list(load_before), "after": list(os.getloadavg())}}


def run(ctx) -> list[dict]:
    results = []
    for index, sockets in enumerate(ctx.args.sockets or [ctx.counts.sockets]):
        if index:
            time.sleep(3.0)  # the last count's sockets leave their groups first
        result = asyncio.run(_measure(ctx, sockets))
        result["budget_ok"] = result["p99_ms"] is not None and result["p99_ms"] <= 500
        results.append(result)
    return results
