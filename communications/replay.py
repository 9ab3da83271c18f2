"""Reconnect without loss (DESIGN §6): every live event is numbered and kept for a while in a
capped Redis stream per group, so that a browser that lost its socket gets what it missed.

* ``seq`` is one counter for the whole site, taken in the same Lua script that appends the
  event to its groups' streams, so storage order is seq order. It is about the Redis clock in
  microseconds (milliseconds × 1000 plus a counter), which tells its age without another key.
* A stream keeps at most ``STREAM_CAP`` events and lives ``WINDOW`` after its last event; a
  trimmed stream remembers the highest seq it dropped (its "floor").
* On reconnect the browser sends the highest seq it saw (``/ws/?last_seq=…``); the consumer
  reads only the streams of the groups the server chose for this user, from a little before
  that seq (``MARGIN``: a transaction that committed earlier may have published later), and
  the browser drops what it has seen. When the seq is older than the window, or a stream
  dropped something after it, the replay is incomplete and the browser re-fetches everything
  it shows (the state re-fetch stays the safety net).
"""

import datetime as dt
import functools
import json
from dataclasses import dataclass, field

import redis
from django.conf import settings

STREAM_CAP = 200
WINDOW = dt.timedelta(minutes=15)
MARGIN_SEQ = 10_000 * 1000  # ten seconds, in seq units (µs)
REPLAY_LIMIT = 500

_RECORD = """
local prefix, cap, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('GET', prefix .. 'seq') or '0')
local seqs = {}
local i = 4
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  local payload = ARGV[i + n + 1]
  local seq = math.max(last + 1, now)
  last = seq
  local id = string.format('%d-0', seq)
  for j = 1, n do
    local key = prefix .. 'stream:' .. ARGV[i + j]
    redis.call('XADD', key, id, 'e', payload)
    local length = redis.call('XLEN', key)
    if length > cap then
      local dropped = redis.call('XRANGE', key, '-', '+', 'COUNT', length - cap)
      redis.call('SET', key .. ':floor', dropped[#dropped][1], 'EX', ttl)
      redis.call('XTRIM', key, 'MAXLEN', cap)
    end
    redis.call('EXPIRE', key, ttl)
    redis.call('EXPIRE', key .. ':floor', ttl)
  end
  seqs[#seqs + 1] = string.format('%d', seq)
  i = i + n + 2
end
redis.call('SET', prefix .. 'seq', string.format('%d', last))
return seqs
"""

_READ = """
local prefix, since, window, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local current = redis.call('GET', prefix .. 'seq') or '0'
if since < now - window then
  return {0, current}
end
local out = {1, current}
for i = 5, #ARGV do
  local key = prefix .. 'stream:' .. ARGV[i]
  local floor = redis.call('GET', key .. ':floor')
  if floor and tonumber(string.match(floor, '^(%d+)')) > since then
    out[1] = 0
  end
  local entries = redis.call('XRANGE', key, string.format('(%d-0', since), '+', 'COUNT', limit)
  for _, entry in ipairs(entries) do
    out[#out + 1] = entry[1]
    out[#out + 1] = entry[2][2]
  end
end
return out
"""


@functools.cache
def _client(address: str) -> redis.Redis:
    return redis.Redis.from_url(address)


def layer_redis(name: str) -> tuple[redis.Redis, str]:
    """A client for the channel layer's Redis and a key prefix of our own under the layer's
    prefix (so that a test or another site sharing the Redis has its own keys)."""
    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    host = config["hosts"][0]
    address = host["address"] if isinstance(host, dict) else host
    return _client(address), f"{config.get('prefix', 'asgi')}:{name}:"


def _redis() -> tuple[redis.Redis, str]:
    return layer_redis("replay")


def record(batch) -> None:
    """Number the live events of one flush and keep them (one Redis call for the batch).

    Called by portal.realtime before sending; adds ``seq`` to each envelope (beside the event,
    which stays as the feature wrote it; the consumer puts the two together for the browser)."""
    events = [(groups, envelope) for groups, envelope in batch
              if envelope.get("type") == "live.event"]
    if not events:
        return
    client, prefix = _redis()
    args: list = [prefix, STREAM_CAP, int(WINDOW.total_seconds())]
    for groups, envelope in events:
        args += [len(groups), *groups, json.dumps(envelope["event"], separators=(",", ":"))]
    seqs = client.eval(_RECORD, 0, *args)
    for (_groups, envelope), seq in zip(events, seqs, strict=True):
        envelope["seq"] = int(seq)


@dataclass
class Replay:
    complete: bool
    current: int
    events: list[dict] = field(default_factory=list)


_CURRENT = """
local current = redis.call('GET', ARGV[1] .. 'seq')
if current then return current end
local t = redis.call('TIME')
current = string.format('%d', tonumber(t[1]) * 1000000 + tonumber(t[2]))
redis.call('SET', ARGV[1] .. 'seq', current, 'NX')
return redis.call('GET', ARGV[1] .. 'seq')
"""


def current_seq() -> int:
    """The latest number given out; a fresh Redis starts the counter at its clock, so that
    even the first number tells its age."""
    client, prefix = _redis()
    return int(client.eval(_CURRENT, 0, prefix))


def missed(*, groups: list[str], last_seq: int) -> Replay:
    """What ``groups`` received after ``last_seq`` (less the margin), in seq order, once each.

    ``groups`` must be the server's choice for the user (groups_for_user): the client names
    only a number, never a stream."""
    client, prefix = _redis()
    since = max(last_seq - MARGIN_SEQ, 0)
    window = int(WINDOW.total_seconds() * 1_000_000)
    reply = client.eval(_READ, 0, prefix, since, window, REPLAY_LIMIT, *groups)
    complete, current = bool(int(reply[0])), int(reply[1])
    found: dict[int, dict] = {}
    rest = reply[2:]
    for index in range(0, len(rest), 2):
        seq = int(rest[index].split(b"-")[0])
        if seq not in found:  # one event, several of the user's groups
            found[seq] = {**json.loads(rest[index + 1]), "seq": seq}
    if len(found) >= REPLAY_LIMIT or last_seq > current:
        # Too much to replay one by one (a full re-fetch is cheaper), or a number this Redis
        # never gave out (it was emptied): the browser re-fetches instead.
        complete = False
    return Replay(complete, current, [found[seq] for seq in sorted(found)])
