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
generation covers, never the means of invalidation (and for one case no code has today: a
value read inside a transaction after it moved the value's generation, which then rolls
back). With Redis away nothing is remembered,
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


def _stamp(keys: tuple[str, ...], known: dict | None = None) -> tuple | None:
    """The generations stored under ``keys`` (one round trip), drawing one where there is
    none; None while the cache is unreachable. ``known`` holds values this request already
    read (and computed something under): they are used as they were, not read again."""
    known = known or {}
    missing = tuple(key for key in keys if key not in known)
    values = dict(known)
    if missing:
        found = cache.get_many(missing)
        if len(found) < len(missing):
            for key in missing:
                if key not in found:
                    cache.add(key, uuid.uuid4().hex, GENERATION_TIMEOUT)
            found = cache.get_many(missing)
            if len(found) < len(missing):
                return None
        values.update(found)
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
        return self.get_stamped(key, generations, read)[0]

    def get_stamped(self, key: tuple, generations: tuple[str, ...], read: Callable,
                    known: dict | None = None) -> tuple:
        """``get``, and the generations it went by ({key: value}, empty when none): what is
        computed from this value can be remembered under the same ones (``known``)."""
        if not enabled():
            return read(), {}
        stamp = _stamp(generations, known)
        if stamp is None:
            return read(), {}
        value = self._recall(key, stamp)
        if value is None:
            value = read()
            if value is not None:
                self._keep(key, stamp, value)
        return value, dict(zip(generations, stamp, strict=True))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _delete(keys: list[str]) -> None:
    # Even within the pause the cache takes after a failure (portal.cache): a generation a
    # writer could not move would let other processes serve what changed. Failing, it is
    # logged; what every process remembers then lasts at most its age.
    deleter = getattr(cache, "delete_many_now", cache.delete_many)
    deleter(keys)


class _ForgetOnCommit:
    """The generations one transaction moved, deleted again once it commits."""

    def __init__(self):
        self.keys: set[str] = set()

    def __call__(self):
        keys, self.keys = list(self.keys), set()
        if keys:
            _delete(keys)


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
        _delete(keys)
        return
    pending = getattr(connection, "_courtyard_forget", None)
    # Still waiting in this transaction's hooks? A rollback (of the transaction, or of the
    # savepoint it was registered in) drops it, and a new one is registered.
    if pending is None or not any(hook[1] is pending for hook in connection.run_on_commit):
        pending = connection._courtyard_forget = _ForgetOnCommit()
        transaction.on_commit(pending, robust=True)
    # Now as well, every time: a reader in this transaction may have drawn the generation
    # again since the last write.
    _delete(keys)
    pending.keys.update(keys)


def clear_process_memory() -> None:
    """Forget everything this process remembers (tests that count a cold request's queries)."""
    for memory in _memories:
        memory.clear()


def forget_all() -> None:
    """Move every generation (after a bulk load that sends no signal, such as the demo seed)."""
    pattern = cache.make_key("*").replace("*", "*:gen:*", 1)
    try:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    except Exception:  # noqa: BLE001  # Redis away: nothing is remembered meanwhile anyway
        clear_process_memory()
