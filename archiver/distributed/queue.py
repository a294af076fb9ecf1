"""The shared frontier: scrapy-redis's queue and dupe filter made reliable for several workers.

scrapy-redis pops a request and forgets it: a worker killed between the pop and the storage of
what the request produced loses that request for good. Here a pop *moves* the request into the
worker's in-flight hash, and only the worker's ack (after the callback's requests are queued and
its items stored, see ``FrontierEngine``) removes it. Every worker keeps a lease in the
``workers`` sorted set by heartbeat; any live worker moves the in-flight requests of a worker
whose lease ran out back into the queue (the "reliable queue" pattern: RPOPLPUSH + reaper).

Each step is one Lua script, so a SIGKILL can never leave a request half moved, and the dupe
check and the push are one step too: a fingerprint is never recorded for a request that did not
reach the queue. Times are the Redis server's (``TIME``), so workers' clocks may disagree.

Queue members are ``<20-digit sequence><host>\n<serialised request>`` scored ``-priority``:
sorted sets order equal scores by member, so the sequence makes one priority FIFO (and identical
requests pushed twice stay two members). In-flight values are ``<score>|<member>``.

The host is in the member so that a pop can pass over requests to hosts this worker already
holds (``per_host``): with per-host politeness a worker holding eight requests to one site works
through them at that site's pace while the requests to other sites wait behind them in the
queue (head-of-line blocking, which Scrapy avoids locally with a queue per download slot). The
pop takes the first of the first ``SCAN`` entries whose host is under the cap; what it passes
over keeps its place for the other workers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Request
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.python.failure import Failure

from archiver.distributed.keys import RunKeys
from archiver.distributed.settings import DEFAULT_PREFETCH, lease_seconds, run_keys, worker_id

logger = logging.getLogger(__name__)

SEQ_WIDTH = 20
SCAN = 200  # queue entries a host-capped pop looks at

# KEYS: dupefilter, queue, sequence. ARGV: fingerprint ('' = dont_filter), score, host, data.
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then
  return 0
end
local seq = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[2], ARGV[2], string.format('%020d', seq) .. ARGV[3] .. '\\n' .. ARGV[4])
return 1
"""

# KEYS: queue, in-flight hash, workers, this worker's hosts (host -> requests held).
# ARGV: worker id, lease ms, per-host cap (0: none), entries to scan.
_POP = """
local member, score
local cap = tonumber(ARGV[3])
if cap == 0 then
  local got = redis.call('ZPOPMIN', KEYS[1])
  if #got == 0 then
    return false
  end
  member, score = got[1], got[2]
else
  local entries = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[4]) - 1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    local candidate = entries[i]
    local host = string.sub(candidate, 21, string.find(candidate, '\\n', 21, true) - 1)
    if tonumber(redis.call('HGET', KEYS[4], host) or '0') < cap then
      member, score = candidate, entries[i + 1]
      break
    end
  end
  if not member then
    return false
  end
  redis.call('ZREM', KEYS[1], member)
end
redis.call('HINCRBY', KEYS[4], string.sub(member, 21, string.find(member, '\\n', 21, true) - 1), 1)
redis.call('HSET', KEYS[2], string.sub(member, 1, 20), score .. '|' .. member)
if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then
  -- popping while not registered (reaped during a long pause): register again, so that the
  -- request just taken is recovered if this worker dies now
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[3], t[1] * 1000 + math.floor(t[2] / 1000) + ARGV[2], ARGV[1])
end
return member
"""

# KEYS: in-flight hash, this worker's hosts. ARGV: entry id, host.
_ACK = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 and redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
end
"""

# KEYS: workers. ARGV: worker id, lease ms. Returns 1 when the worker was (re-)added.
_HEARTBEAT = """
local t = redis.call('TIME')
return redis.call('ZADD', KEYS[1], t[1] * 1000 + math.floor(t[2] / 1000) + ARGV[2], ARGV[1])
"""

# Move every entry of the in-flight hashes named back into the queue.
_REQUEUE_FUNCTION = """
local function requeue(queue, key)
  local entries = redis.call('HGETALL', key)
  local moved = 0
  for i = 2, #entries, 2 do
    local value = entries[i]
    local bar = string.find(value, '|', 1, true)
    redis.call('ZADD', queue, string.sub(value, 1, bar - 1), string.sub(value, bar + 1))
    moved = moved + 1
  end
  redis.call('DEL', key, key .. ':hosts')
  return moved
end
"""

# KEYS: workers, queue, stats. ARGV: in-flight key prefix. Returns {moved, dead worker ids...}.
_REAP = _REQUEUE_FUNCTION + """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
local result = {0}
for _, worker in ipairs(dead) do
  result[1] = result[1] + requeue(KEYS[2], ARGV[1] .. worker)
  redis.call('ZREM', KEYS[1], worker)
  table.insert(result, worker)
end
if result[1] > 0 then
  redis.call('HINCRBY', KEYS[3], 'archiver/distributed/requeued', result[1])
end
return result
"""

# KEYS: in-flight hash, queue, workers. ARGV: worker id, 1 to also leave the workers set.
_RELEASE_OWN = _REQUEUE_FUNCTION + """
local moved = requeue(KEYS[2], KEYS[1])
if ARGV[2] == '1' then
  redis.call('ZREM', KEYS[3], ARGV[1])
end
return moved
"""

# KEYS: queue, workers. ARGV: in-flight key prefix. Returns {queued, in flight}.
_SIZE = """
local inflight = 0
for _, worker in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  inflight = inflight + redis.call('HLEN', ARGV[1] .. worker)
end
return {redis.call('ZCARD', KEYS[1]), inflight}
"""


@dataclass(frozen=True)
class FrontierSize:
    queued: int
    inflight: int

    @property
    def empty(self) -> bool:
        return self.queued == 0 and self.inflight == 0


class Frontier:
    """The frontier operations of one worker; knows nothing about Scrapy objects.

    The in-flight keys are derived inside the scripts from a prefix, which ties this to a
    single Redis server (not Redis Cluster), as scrapy-redis itself is.
    """

    def __init__(self, server: Any, keys: RunKeys, worker: str, *, lease: float = 60.0, per_host: int = 0) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.lease_ms = int(lease * 1000)
        self.per_host = per_host  # most requests to one host this worker holds; 0: no limit
        self._push = server.register_script(_PUSH)
        self._pop = server.register_script(_POP)
        self._ack = server.register_script(_ACK)
        self._heartbeat = server.register_script(_HEARTBEAT)
        self._reap = server.register_script(_REAP)
        self._release_own = server.register_script(_RELEASE_OWN)
        self._size = server.register_script(_SIZE)

    def push(self, data: bytes, *, host: str = "", priority: int = 0, fingerprint: str | None = None) -> bool:
        """Queue ``data`` unless ``fingerprint`` was seen in this run; False when filtered."""
        if "\n" in host:
            raise ValueError(f"not a host: {host!r}")
        keys = [self.keys.dupefilter, self.keys.queue, self.keys.sequence]
        return bool(self._push(keys=keys, args=[fingerprint or "", -priority, host, data]))

    def pop(self) -> tuple[str, str, bytes] | None:
        """The next entry as ``(id, host, data)``, now in this worker's in-flight hash."""
        inflight = self.keys.inflight(self.worker)
        member = self._pop(
            keys=[self.keys.queue, inflight, self.keys.workers, f"{inflight}:hosts"],
            args=[self.worker, self.lease_ms, self.per_host, SCAN],
        )
        if member is None:
            return None
        host, _, data = member[SEQ_WIDTH:].partition(b"\n")
        return member[:SEQ_WIDTH].decode("ascii"), host.decode("utf-8"), data

    def ack(self, entry_id: str, host: str) -> None:
        """The entry's outcome is safely recorded: forget it."""
        inflight = self.keys.inflight(self.worker)
        self._ack(keys=[inflight, f"{inflight}:hosts"], args=[entry_id, host])

    def heartbeat(self) -> bool:
        """Extend this worker's lease; True when it had lapsed (another worker took our work)."""
        return bool(self._heartbeat(keys=[self.keys.workers], args=[self.worker, self.lease_ms]))

    def reap(self) -> tuple[int, list[str]]:
        """Requeue the in-flight entries of workers whose lease ran out: (entries, workers)."""
        keys = [self.keys.workers, self.keys.queue, self.keys.stats]
        result = self._reap(keys=keys, args=[self.keys.inflight_prefix])
        return int(result[0]), [w.decode() if isinstance(w, bytes) else w for w in result[1:]]

    def release_own(self, *, leave: bool) -> int:
        """Requeue this worker's unacknowledged entries (and leave the workers set)."""
        keys = [self.keys.inflight(self.worker), self.keys.queue, self.keys.workers]
        return int(self._release_own(keys=keys, args=[self.worker, "1" if leave else "0"]))

    def size(self) -> FrontierSize:
        queued, inflight = self._size(keys=[self.keys.queue, self.keys.workers], args=[self.keys.inflight_prefix])
        return FrontierSize(int(queued), int(inflight))

    def queued(self) -> int:
        return int(self.server.zcard(self.keys.queue))


class ReliableQueue(PriorityQueue):
    """scrapy-redis's priority queue (its request serialisation) over a ``Frontier``."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None, *, frontier: Frontier) -> None:
        super().__init__(server, spider, key, serializer)
        self.frontier = frontier

    def __len__(self) -> int:
        return self.frontier.queued()

    def push(self, request: Request, fingerprint: str | None = None) -> bool:  # type: ignore[override]
        return self.frontier.push(self._encode_request(request), host=urlsplit(request.url).netloc,
                                  priority=request.priority, fingerprint=fingerprint)

    def pop(self, timeout: float = 0) -> Request | None:
        entry = self.pop_entry()
        return entry[0] if entry else None

    def pop_entry(self) -> tuple[Request, tuple[str, str]] | None:
        """The next request and what to acknowledge it with."""
        while (got := self.frontier.pop()) is not None:
            entry_id, host, data = got
            try:
                request = self._decode_request(data)
            except Exception:
                # Another version of the code queued it (a callback we lack): retrying it forever
                # would keep the frontier from ever emptying, so it is dropped, loudly.
                logger.exception("dropping a queued request this worker cannot decode")
                self.frontier.ack(entry_id, host)
                continue
            return request, (entry_id, host)
        return None

    def clear(self) -> None:
        self.server.delete(self.key)


# Sent before the scheduler acknowledges a finished request: whoever counts the run's work
# (lifecycle.FrontierLifecycle) flushes first, and a receiver's error stops the acknowledgement.
# A signal, so that the queue needs not know the extension (issue #18: no import cycle).
before_ack = object()


class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler with the reliable queue, per-run keys and acknowledgements.

    Settings: ``REDIS_URL``, ``ARCHIVER_REDIS_PREFIX``, ``ARCHIVER_REDIS_RUN`` (the run token),
    ``ARCHIVER_REDIS_WORKER``, ``ARCHIVER_REDIS_LEASE``, ``ARCHIVER_REDIS_PREFETCH`` and
    ``ARCHIVER_REDIS_PER_HOST`` (default 1 with a delay, else no limit).
    """

    def __init__(self, server: Any, keys: RunKeys, worker: str, *, lease: float, prefetch: int = 8,
                 per_host: int = 0) -> None:
        super().__init__(
            server, persist=True, queue_key=keys.queue, dupefilter=RFPDupeFilter(server, keys.dupefilter),
            dupefilter_key=keys.dupefilter,
        )
        self.keys = keys
        self.frontier = Frontier(server, keys, worker, lease=lease, per_host=per_host)
        # Popped requests (by object identity) -> their in-flight entry and host. Not kept in
        # request.meta, where a retry's copy would carry it into the queue.
        self.entries: dict[int, tuple[str, str]] = {}
        self.crawler: Any = None
        # Scrapy takes requests until CONCURRENT_REQUESTS are in its downloader, most of them
        # waiting for their host; taken from a shared queue, those would starve other workers.
        self.prefetch = max(1, prefetch)

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        settings = crawler.settings
        server = connection.from_settings(settings)
        server.ping()
        # With per-host politeness (a delay), holding a second request to a host only hoards it.
        per_host = 1 if settings.getfloat("ARCHIVER_HOST_DELAY", 0.0) > 0 else 0
        instance = cls(server, run_keys(settings), worker_id(settings), lease=lease_seconds(settings),
                       prefetch=settings.getint("ARCHIVER_REDIS_PREFETCH", DEFAULT_PREFETCH),
                       per_host=settings.getint("ARCHIVER_REDIS_PER_HOST", per_host))
        instance.stats = crawler.stats
        instance.crawler = crawler
        return instance

    def open(self, spider) -> None:  # type: ignore[no-untyped-def]
        self.spider = spider
        self.queue = ReliableQueue(self.server, spider, self.queue_key, self.serializer, frontier=self.frontier)
        size = self.frontier.size()
        if size.queued:
            logger.info("joining a frontier of %d queued requests (%d in flight)", size.queued, size.inflight)

    def close(self, reason: str) -> None:
        # Whatever this worker took and did not finish goes back for another worker.
        moved = self.frontier.release_own(leave=False)
        if moved:
            logger.info("returned %d unfinished requests to the shared frontier", moved)

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        if not self.queue.push(request, fingerprint):
            self.df.log(request, self.spider)
            if self.stats:
                self.stats.inc_value("archiver/distributed/filtered_duplicates")
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if len(self.entries) >= self.prefetch:
            return None
        entry = self.queue.pop_entry()
        if entry is None:
            return None
        request, ack = entry
        self.entries[id(request)] = ack
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def request_done(self, request: Request) -> None:
        """Called by FrontierEngine once the request's output is fully processed."""
        ack = self.entries.pop(id(request), None)
        if ack is None:
            return
        if self.crawler is not None:
            # Counters first: a worker killed between the two steps has its request done again
            # (counted twice), never done and forgotten (counted never).
            for _, result in self.crawler.signals.send_catch_log(before_ack):
                if isinstance(result, Failure):
                    result.raiseException()
        self.frontier.ack(*ack)

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0
