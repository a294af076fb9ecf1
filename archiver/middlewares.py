"""Downloader middlewares that make the crawler polite in the ways Scrapy's defaults are not.

- robots.txt that cannot be read (5xx, 429, network error) means "try later", not "allow
  everything" (Scrapy's default): every request to that host is skipped with a clear reason.
  A robots.txt behind a 412/521 anti-crawler challenge is the site being ``challenged``, in the
  words a challenged page gets (issue #21): reported, never circumvented.
- A ``charset`` naming no text encoding is ignored (issue #15).
- Retries wait before trying again, exponentially, honouring ``Retry-After`` (Scrapy's default
  retries immediately, which hammers a server that just said it is overloaded).
"""

from __future__ import annotations

import codecs
import logging
import random
from email.utils import parsedate_to_datetime
from datetime import UTC, datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, TextResponse
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from scrapy.utils.defer import deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import reactor
from twisted.internet.task import deferLater

from archiver.challenge import CHALLENGE_STATUSES, RobotsChallenged
from archiver.extract.encoding import decode_html, normalize_charset

logger = logging.getLogger(__name__)


class RobotsUnreachable:
    """Stands in for a parser when robots.txt could not be read: nothing is allowed."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def allowed(self, url, user_agent) -> bool:
        return False


class RobotsChallenge:
    """Stands in for a parser when robots.txt answered a challenge: nothing is allowed."""

    def __init__(self, status: int, url: str) -> None:
        self.status, self.url = status, url

    def allowed(self, url, user_agent) -> bool:
        return False


class RobotsTryLaterMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request):
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots_request = Request(
                f"{url.scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                # Same slot as the site's own requests: robots.txt counts toward politeness too.
                meta={"dont_obey_robotstxt": True, "download_slot": netloc}, callback=NO_CALLBACK,
            )
            try:
                response = await self.crawler.engine.download_async(robots_request)
            except Exception as exc:  # unreachable: logged in one line, the host is skipped
                logger.warning("robots.txt of %s unreachable (%s: %s); skipping the host, try later",
                               netloc, type(exc).__name__, exc)
                self._robots_error(exc, netloc)
            else:
                await self._parse_robots(response, netloc, request)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    def process_request_2(self, rp, request) -> None:
        if isinstance(rp, RobotsUnreachable):
            self._stats.inc_value("archiver/robots/unreachable_skipped")
            raise IgnoreRequest(f"robots.txt unreachable ({rp.reason}); try later")
        if isinstance(rp, RobotsChallenge):
            self._stats.inc_value("archiver/robots/challenged_skipped")
            raise RobotsChallenged(rp.status, rp.url)
        super().process_request_2(rp, request)

    async def _parse_robots(self, response, netloc, request) -> None:
        if response.status in CHALLENGE_STATUSES:
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            self._resolve(netloc, RobotsChallenge(response.status, response.url))
            return
        if response.status >= 500 or response.status == 429:
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            self._resolve(netloc, RobotsUnreachable(f"HTTP {response.status}"))
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc, netloc) -> None:
        if isinstance(exc, IgnoreRequest):
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._resolve(netloc, RobotsUnreachable(type(exc).__name__))

    def _resolve(self, netloc, parser) -> None:
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred):
            pending.callback(parser)


def retry_after_seconds(value: str | None, *, now: datetime) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("ARCHIVER_RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("ARCHIVER_RETRY_BACKOFF_MAX", 120.0)

    def backoff(self, request, response=None) -> float:
        retries = request.meta.get("retry_times", 0)
        header = response.headers.get("Retry-After") if response is not None else None
        told = retry_after_seconds(header.decode("latin-1") if header else None, now=datetime.now(UTC))
        if told is not None:
            return min(told, self.cap)
        delay = self.base * (2 ** retries)
        return min(delay * random.uniform(0.5, 1.0), self.cap)  # jitter spreads retry storms

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._sleep(self.backoff(request, response))
        return retry

    async def process_exception(self, request, exception, spider=None):
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._sleep(self.backoff(request))
        return retry

    async def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.crawler.stats.inc_value("archiver/retry/backoff_seconds", int(round(seconds)))
            await deferred_to_future(deferLater(reactor, seconds, lambda: None))


class SameSiteRedirectMiddleware:
    """Refuses redirects that leave the site (another host, another port, another scheme than
    http/https): a CPPCC column has no business sending the crawler to file://, data: or a
    neighbour's server, and following such redirects is how crawlers get abused (SSRF)."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls()
        middleware.stats = crawler.stats
        return middleware

    def process_request(self, request, spider=None):
        chain = request.meta.get("redirect_urls")
        if not chain:
            return None
        origin, target = urlparse_cached(Request(chain[0])), urlparse_cached(request)
        if target.scheme not in ("http", "https") or _site_key(origin) != _site_key(target):
            self.stats.inc_value("archiver/redirect/offsite_refused")
            raise IgnoreRequest(f"offsite redirect refused: {chain[0]} -> {request.url}")
        return None


def _site_key(parts) -> tuple[str, int]:
    default = 443 if parts.scheme == "https" else 80
    host = (parts.hostname or "").removeprefix("www.")
    port = parts.port or default
    return host, (80 if port in (80, 443) else port)


class TextCharsetMiddleware:
    """A Content-Type whose ``charset`` names no text encoding (``zlib``, ``base64``, ``rot13``)
    made Scrapy's ``response.text`` raise LookupError inside the meta-refresh middleware, and the
    page was unarchivable forever (issue #15). Such a response gets the encoding our decoder
    detects (archiver/extract/encoding.py), as Scrapy does for a missing charset."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls()
        middleware.stats = crawler.stats
        return middleware

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse):
            return response
        declared = response._declared_encoding()
        if not declared or normalize_charset(declared) is not None or _known_text_codec(declared):
            return response
        self.stats.inc_value("archiver/encoding/non_text_charset")
        detected = decode_html(response.body).encoding
        return response.replace(encoding=detected)


def _known_text_codec(label: str) -> bool:
    try:
        return codecs.lookup(label)._is_text_encoding  # type: ignore[attr-defined]
    except LookupError:
        return True  # unknown labels: Scrapy (w3lib) already falls back to detection
