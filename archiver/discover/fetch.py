"""A polite, small HTTP client for discovery (issue #22).

Discovery reads a homepage and a handful of column pages, one at a time, before any crawl
starts (and `crawl --all` runs it in-process before the Scrapy reactor starts, which cannot be
restarted): a plain urllib client is enough, with the crawl's politeness rules reused from
archiver/settings.py: our User-Agent, robots.txt (urllib.robotparser), the delay between two
requests to the host. Redirects are followed only within the site (an offsite redirect is
reported, never followed); 412/521 anti-crawler challenges are reported, never circumvented.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urlsplit

from archiver.challenge import CHALLENGE_STATUSES
from archiver.cms import same_site
from archiver.settings import DOWNLOAD_DELAY, USER_AGENT

TIMEOUT = 30
MAX_BYTES = 5_000_000  # a homepage or column page; anything larger is not one


class FetchError(Exception):
    """One line saying why a page could not be read (the report shows it as is)."""


class Challenge(FetchError):
    """An HTTP 412/521 anti-crawler challenge: the site refuses us (reported, not circumvented)."""

    def __init__(self, url: str, status: int, advice: str) -> None:
        super().__init__(f"{url}: HTTP {status} anti-crawler challenge; reported, not circumvented ({advice})")


@dataclass
class Page:
    url: str  # after same-site redirects
    status: int
    text: str
    content_type: str
    body: bytes = b""  # the bytes as served (sitemaps are XML, maybe gzipped: not decoded)
    truncated: bool = False  # the body was longer than the limit it was read with


class _NoOffsite(urllib.request.HTTPRedirectHandler):
    def __init__(self, origin: str) -> None:
        self.origin = origin

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - urllib API
        if not same_site(self.origin, newurl):
            raise FetchError(f"{req.full_url} redirects to another site ({newurl}): not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class PoliteFetcher:
    """GET pages of one site: robots.txt first, `delay` seconds between requests."""

    def __init__(self, origin: str, *, delay: float = DOWNLOAD_DELAY, user_agent: str = USER_AGENT) -> None:
        self.origin = origin
        self.delay = delay
        self.user_agent = user_agent
        self.requests = 0
        self._last = 0.0
        self._robots: urllib.robotparser.RobotFileParser | None = None
        self._opener = urllib.request.build_opener(_NoOffsite(origin))

    def pace(self) -> None:
        """Wait out the delay since the last request and count this one (a browser visit too)."""
        pause = self._last + self.delay - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self._last = time.monotonic()
        self.requests += 1

    def _raw(self, url: str, limit: int = MAX_BYTES, body: bytes | None = None, content_type: str = "") -> Page:
        self.pace()
        headers = {"User-Agent": self.user_agent, **({"Content-Type": content_type} if content_type else {})}
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            with self._opener.open(request, timeout=TIMEOUT) as response:
                body = response.read(limit + 1)
                return Page(response.geturl(), response.status, _decode(body[:limit], response.headers),
                            response.headers.get("Content-Type", ""), body[:limit], len(body) > limit)
        except urllib.error.HTTPError as exc:
            body = exc.read(MAX_BYTES) if exc.fp else b""
            return Page(url, exc.code, _decode(body, exc.headers), exc.headers.get("Content-Type", "") if exc.headers else "")
        except FetchError:
            raise
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"{url}: cannot be fetched ({reason})") from exc

    def allowed(self, url: str) -> bool:
        if self._robots is None:
            parts = urlsplit(url)
            robots = urllib.robotparser.RobotFileParser()
            try:
                page = self._raw(f"{parts.scheme}://{parts.netloc}/robots.txt")
            except FetchError:
                page = Page(url, 404, "", "")
            if page.status >= 500:
                robots.disallow_all = True  # as the crawl does: an unreachable robots.txt means "not now"
            elif page.status < 400:
                robots.parse(page.text.splitlines())
            else:
                robots.allow_all = True
            self._robots = robots
        return self._robots.can_fetch(self.user_agent, url)

    def sitemaps(self) -> list[str]:
        """The sitemaps robots.txt names (`Sitemap:` lines), read with the robots rules."""
        self.allowed(self.origin)
        return list(self._robots.site_maps() or [])

    def get(self, url: str, body: bytes | None = None, content_type: str = "", *, limit: int = MAX_BYTES) -> Page:
        """The page, or FetchError: offsite redirect, robots.txt, challenge, HTTP error. With
        `body`: a POST (a list API that takes a form or JSON, issue #14)."""
        if not same_site(self.origin, url):
            raise FetchError(f"{url} is on another site than {self.origin}: not fetched")
        if not self.allowed(url):
            raise FetchError(f"{url}: robots.txt disallows it for our User-Agent; not fetched")
        page = self._raw(url, limit, body, content_type)
        if page.status in CHALLENGE_STATUSES:
            raise Challenge(url, page.status, "ask the site's webmaster to allow the archiver")
        if page.status >= 400:
            raise FetchError(f"{url}: HTTP {page.status}")
        return page


def _decode(body: bytes, headers) -> str:
    from archiver.extract.encoding import decode_html

    charset = headers.get_content_charset() if headers is not None else None
    return decode_html(body, header_charset=charset).text
