"""The Redis cache, made to fail open: while Redis is unreachable, reads miss and writes are
dropped, so that pages and the API keep answering (DESIGN §10 faults, issue #10).

What the cache holds here can be lost: throttle counters and rate limits (they allow requests
during an outage, a trade we accept for staying up), presence hints, short-lived lookups.
Nothing that must survive lives only in the cache.

After a failure the cache is skipped for ``RETRY_SECONDS`` in this process, so that a request
does not pay a connection attempt for every call while Redis is away.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


# One client, and so one connection pool, per server and options for the whole process.
_clients: dict = {}
_clients_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    _down_until = 0.0

    @cached_property
    def _cache(self):
        # Django keeps a cache object per thread and per asynchronous context, and so under
        # ASGI per request, each with a pool of its own: every request opened and closed a
        # Redis connection (a third of the staff queue API's time in the web worker, py-spy,
        # issue #9). The client is shared instead; redis-py's pools are thread-safe and
        # start afresh in a forked child.
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client

    def _guard(self, default, call, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return call(*args, **kwargs)
        except _UNREACHABLE as error:
            self._down_until = time.monotonic() + RETRY_SECONDS
            logger.warning("cache unavailable, continuing without it: %s", error)
            # Generations that writers could not move while Redis was away would otherwise
            # vouch for what this process remembered before (portal.generations).
            from portal.generations import clear_process_memory

            clear_process_memory()
            return default

    def get(self, key, default=None, version=None):
        return self._guard(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guard(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().touch, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        # A counter that cannot be read counts from the start again: callers treat it as new.
        return self._guard(delta, super().incr, key, delta, version)

    def delete(self, key, version=None):
        return self._guard(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._guard(None, super().delete_many, keys, version)

    def delete_many_now(self, keys, version=None):
        """``delete_many`` even during the pause after a failure (portal.generations)."""
        try:
            return super().delete_many(keys, version)
        except _UNREACHABLE as error:
            logger.warning("cache unavailable, generations not moved: %s", error)
            return None

    def clear(self):
        return self._guard(False, super().clear)
