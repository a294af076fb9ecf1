"""Per-host politeness that holds across workers: spacing and one request at a time, via Redis.

Scrapy's DOWNLOAD_DELAY and CONCURRENT_REQUESTS_PER_DOMAIN are per process: two workers would
each keep their own delay and together hit a site twice as often. Here every request to a host
first takes the host's slot in Redis:

- ``<prefix>:polite:<host>:busy`` is held while a request is in progress (its TTL bounds a dead
  holder): one request at a time per host, as in a single-process crawl;
- ``<prefix>:polite:<host>:next`` is SET with a TTL of the delay when that request's response
  has arrived: no other request to the host, from any worker, starts before it expires.

Both are checked and set in one Lua script. Waiting uses Twisted's ``deferLater``, never a
blocking sleep, and requests of one worker to one host queue on a local DeferredLock so that only
one of them polls Redis. With ``--delay 0`` (own test servers) the middleware is off.

The delay counts from the end of the previous response, not from its start as Scrapy's
DOWNLOAD_DELAY does: a request that took the slot can still wait a moment in Scrapy's own
download queue (robots.txt requests of all ports of a host share one), and only the end of the
previous exchange is certainly *before* the site sees the next request. The cost is one response
time per request, nothing on the sites' scale of delays.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_to_future
from scrapy_redis import connection
from twisted.internet.defer import DeferredLock
from twisted.internet.task import deferLater

from archiver.distributed.keys import host_key
from archiver.distributed.settings import prefix

logger = logging.getLogger(__name__)

BUSY_SLACK = 10.0  # seconds a dead worker's "busy" outlives the download timeout
MIN_POLL, MAX_POLL = 0.02, 0.25  # seconds between checks while another request is in progress

# KEYS: next, busy. ARGV: token, busy ms. Returns 0 (taken), -1 (busy), or the milliseconds
# until the delay after the previous response has passed.
_ACQUIRE = """
if redis.call('EXISTS', KEYS[2]) == 1 then
  return -1
end
local wait = redis.call('PTTL', KEYS[1])
if wait > 0 then
  return wait
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 0
"""

# KEYS: next, busy. ARGV: token, delay ms.
_RELEASE = """
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""


class HostSlots:
    """The Redis side, usable without Scrapy (tests, monitoring)."""

    def __init__(self, server: Any, key_prefix: str, *, delay: float, busy_timeout: float) -> None:
        self.server = server
        self.prefix = key_prefix
        self.spacing_ms = max(1, int(round(delay * 1000)))
        self.busy_ms = int((busy_timeout + delay + BUSY_SLACK) * 1000)
        self._acquire = server.register_script(_ACQUIRE)
        self._release = server.register_script(_RELEASE)

    def _keys(self, host: str) -> list[str]:
        return [host_key(self.prefix, host, "next"), host_key(self.prefix, host, "busy")]

    def try_acquire(self, host: str, token: str) -> int:
        return int(self._acquire(keys=self._keys(host), args=[token, self.busy_ms]))

    def release(self, host: str, token: str) -> None:
        """The response is in: free the host, and start the delay before its next request."""
        self._release(keys=self._keys(host), args=[token, self.spacing_ms])


def poll_interval(delay: float) -> float:
    return max(MIN_POLL, min(delay / 4, MAX_POLL))


class HostSpacingMiddleware:
    """Downloader middleware: take the host's slot before a request goes out, free it after."""

    def __init__(self, crawler: Any, slots: HostSlots, delay: float) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.slots = slots
        self.delay = delay
        self.locks: dict[str, DeferredLock] = defaultdict(DeferredLock)
        # Requests that hold a slot (by identity: a retry's copy must not inherit the claim).
        self.holding: dict[int, tuple[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> "HostSpacingMiddleware":
        settings = crawler.settings
        delay = settings.getfloat("ARCHIVER_HOST_DELAY", 0.0)
        if not settings.get("REDIS_URL") or delay <= 0:
            raise NotConfigured("no Redis or no delay: per-host spacing across workers is off")
        server = connection.from_settings(settings)
        slots = HostSlots(server, prefix(settings), delay=delay,
                          busy_timeout=settings.getfloat("DOWNLOAD_TIMEOUT", 180))
        return cls(crawler, slots, delay)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        from twisted.internet import reactor

        host = urlsplit(request.url).netloc
        token = uuid.uuid4().hex
        lock = self.locks[host]
        await deferred_to_future(lock.acquire())
        waited = 0.0
        try:
            while (answer := self.slots.try_acquire(host, token)) != 0:
                pause = poll_interval(self.delay) if answer < 0 else answer / 1000
                waited += pause
                await deferred_to_future(deferLater(reactor, pause, lambda: None))
        except BaseException:
            lock.release()
            raise
        self.holding[id(request)] = (host, token)
        self.stats.inc_value("archiver/politeness/slots")
        if waited:
            self.stats.inc_value("archiver/politeness/waited_ms", int(waited * 1000))
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> None:
        # Also called when an earlier middleware raised (robots.txt): then nothing is held.
        self._release(request)
        return None

    def _release(self, request: Request) -> None:
        held = self.holding.pop(id(request), None)
        if held is None:
            return
        host, token = held
        try:
            self.slots.release(host, token)
        finally:
            self.locks[host].release()
