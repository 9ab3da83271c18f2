"""Reads remembered between requests by each web process, forgotten the moment what they were
read from changes (issue #9).

A remembered value is stamped with *generations* kept in Redis, one per thing it was read
from (all organisations, one person's access, one organisation's tickets …). A request
compares the stamps with Redis in one round trip and reads the database again when one
moved. Writers move a generation by deleting it, now and again after their transaction
commits (:func:`forget`); the next reader draws a new random one. Deleting rather than
counting means that a reader who read a generation before a change and stores its value
after it is ignored, and that clearing the cache between tests forgets everything.

Values are pickled: every request gets its own objects, so that code changing what it was
given (a form on ``request.organization``) cannot change what the next request sees. Each
:class:`Memory` bounds its entries and their age; the age is a backstop for a change that no
generation covers, never the means of invalidation. With Redis away nothing is remembered,
and a process that finds Redis away forgets what it remembered (writers could not move the
generations meanwhile); a process that served nothing during an outage keeps its entries at
most their age (a minute for access and tokens).
"""

import pickle  # nosec B403: only this process's own entries, never input, are unpickled
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_TIMEOUT = 24 * 3600
_memories: list["Memory"] = []


def enabled() -> bool:
    return getattr(settings, "REMEMBER_READS", True)


def _stamp(keys: tuple[str, ...]) -> tuple | None:
    """The generations stored under ``keys`` (one round trip), drawing one where there is
    none; None while the cache is unreachable."""
    values = cache.get_many(keys)
    if len(values) < len(keys):
        for key in keys:
            if key not in values:
                cache.add(key, uuid.uuid4().hex, GENERATION_TIMEOUT)
        values = cache.get_many(keys)
        if len(values) < len(keys):
            return None
    return tuple(values[key] for key in keys)


class Memory:
    """One process's remembered values of one kind, least recently used dropped first."""

    def __init__(self, max_entries: int, max_age: float):
        self.max_entries, self.max_age = max_entries, max_age
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        _memories.append(self)

    def _recall(self, key, stamp):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] != stamp or time.monotonic() - entry[1] > self.max_age:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            blob = entry[2]
        return pickle.loads(blob)  # noqa: S301  # nosec B301: this process's own entry

    def _keep(self, key, stamp, value) -> None:
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._entries[key] = (stamp, time.monotonic(), blob)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get(self, key: tuple, generations: tuple[str, ...], read: Callable):
        """``read()``, or what it answered last time if no generation moved since. The
        generations are read before ``read()`` runs, never after. None is not remembered."""
        if not enabled():
            return read()
        stamp = _stamp(generations)
        if stamp is None:
            return read()
        value = self._recall(key, stamp)
        if value is None:
            value = read()
            if value is not None:
                self._keep(key, stamp, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class _ForgetOnCommit:
    """The generations one transaction moved, deleted again once it commits."""

    def __init__(self):
        self.keys: set[str] = set()

    def __call__(self):
        keys, self.keys = list(self.keys), set()
        if keys:
            cache.delete_many(keys)


def forget(keys: Iterable[str]) -> None:
    """Move these generations: now, for readers inside this transaction (and tests, which
    never commit), and after commit, since a reader in between may have stored what it read
    before the commit. After commit one round trip deletes every key the transaction moved,
    however many of its writes moved it (filing a ticket moves its organisation's lists
    three times)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        cache.delete_many(keys)
        return
    pending = getattr(connection, "_courtyard_forget", None)
    # Still waiting in this transaction's hooks? A rollback (of the transaction, or of the
    # savepoint it was registered in) drops it, and a new one is registered.
    if pending is None or not any(hook[1] is pending for hook in connection.run_on_commit):
        pending = connection._courtyard_forget = _ForgetOnCommit()
        transaction.on_commit(pending, robust=True)
    # Now as well, every time: a reader in this transaction may have drawn the generation
    # again since the last write.
    cache.delete_many(keys)
    pending.keys.update(keys)


def clear_process_memory() -> None:
    """Forget everything this process remembers (tests that count a cold request's queries)."""
    for memory in _memories:
        memory.clear()
