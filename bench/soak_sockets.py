"""WebSocket clients held open for the whole soak, receiving the live events the load causes.

Managers' sockets join their organisation's property groups, so every ticket the load creates
or moves reaches them (``ticket.created``, ``ticket.updated``); owners' sockets mostly idle,
which is what most sockets do in production. A socket the server closes is counted as a drop
(an error of the run) and opened again, so that one drop does not silence the rest of the run.
The clients run on an asyncio loop in a thread of soak.py; they only wait on their sockets.
"""

import asyncio
import json
import threading

import websockets


class Sockets:
    def __init__(self, base_url: str, sessions: list[str]):
        self.url = base_url.replace("http://", "ws://") + "/ws/"
        self.origin = base_url
        self.sessions = sessions
        self.open = 0
        self.received: dict[str, int] = {}
        self.drops: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="soak-sockets", daemon=True)
        self._started = threading.Event()

    def start(self, timeout: float = 120.0) -> None:
        self._thread.start()
        self._started.wait(timeout)

    def stop(self, timeout: float = 15.0) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)

    def snapshot(self) -> dict:
        return {"open": self.open, "received": sum(self.received.values()),
                "received_by_type": dict(self.received), "drops": sum(self.drops.values())}

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        ready = [asyncio.Event() for _ in self.sessions]
        tasks = [asyncio.create_task(self._client(session, event))
                 for session, event in zip(self.sessions, ready, strict=True)]
        try:
            await asyncio.wait_for(asyncio.gather(*(event.wait() for event in ready)), 90)
        except TimeoutError:
            pass  # counted: whoever is not open shows in "open"
        self._started.set()
        await self._stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _drop(self, reason: str) -> None:
        self.drops[reason] = self.drops.get(reason, 0) + 1

    async def _client(self, session: str, ready: asyncio.Event) -> None:
        while not self._stop.is_set():
            opened = False
            try:
                async with websockets.connect(
                    self.url, origin=self.origin, open_timeout=60, max_queue=None,
                    additional_headers={"Cookie": f"sessionid={session}"},
                ) as socket:
                    hello = json.loads(await socket.recv())
                    if hello.get("type") != "hello":
                        raise RuntimeError(f"unexpected first message {hello}")
                    opened = True
                    self.open += 1
                    ready.set()
                    async for raw in socket:
                        kind = json.loads(raw).get("type", "?")
                        self.received[kind] = self.received.get(kind, 0) + 1
                raise RuntimeError("closed by the server")
            except asyncio.CancelledError:
                raise
            except (OSError, websockets.ConnectionClosed, RuntimeError, TimeoutError) as exc:
                self._drop(f"{exc.__class__.__name__}: {exc}"[:200])
            finally:
                if opened:
                    self.open -= 1
            ready.set()
            await asyncio.sleep(2.0)  # a browser backs off before reconnecting
