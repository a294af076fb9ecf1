"""Rendered listings (issue #14, item 3): columns whose article links only exist once the page's
own scripts have run are read through a headless Chromium, driven by scrapy-playwright.

Opt-in per site: ``render = true`` in the registry, or ``-s ARCHIVER_RENDER=all`` / a comma list
of site slugs or listing URLs (``none`` switches it off everywhere). Only the listing pages of
such sites are rendered; their articles are ordinary pages and stay plain HTTP, so provenance
and extraction of articles are the same as everywhere else.

What stays true in rendered mode:
- robots.txt, the per-host download slot and the delay apply to the rendered listing request as
  to any other (the download handler is below every downloader middleware);
- the browser fetches only what builds the page's DOM from the listing's own host (the document,
  scripts, data requests); images, fonts, media, style sheets and every other host are aborted
  (:func:`abort_request`), and once the page has loaded it may not navigate elsewhere, so a
  challenge script's reload goes nowhere: a 412/521 is reported ``challenged``, never rendered
  through;
- the archive keeps the server's own bytes of the listing as its ``listing`` fetch, and the DOM
  the crawler read as a separate ``listing-rendered`` fetch (:class:`RenderedListingMiddleware`).

The download handler is installed only when some target of the crawl renders
(:func:`configure`), so a crawl without rendered sites runs exactly as before (no browser, no
Playwright driver process). When rendering is wanted but Chromium or scrapy-playwright is
missing, the site fails with one line saying what to install; nothing else is affected.
"""

from __future__ import annotations

import logging
import os
import shutil
from importlib.util import find_spec
from typing import Any, AsyncIterator, Iterable, Iterator
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.settings import Settings

from archiver.cms.urls import same_site

logger = logging.getLogger(__name__)

# scrapy-playwright's handler with our header bounds on the requests it does not render.
HANDLER = "archiver.render_download.BoundedPlaywrightDownloadHandler"
# Debian's /usr/bin/chromium is a shell wrapper that prints shell noise on some machines;
# the binary behind it takes Playwright's flags directly.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser",
                       "google-chrome-stable", "google-chrome")
# What a listing's DOM is built from; everything else a page asks for is aborted.
KEPT_RESOURCES = frozenset({"document", "script", "xhr", "fetch"})
RENDERED_KIND = "listing-rendered"


class RenderingUnavailable(IgnoreRequest):
    """Rendering was asked for a site, but this machine cannot render (the message says why)."""


# -- which targets render ---------------------------------------------------------------------
def parse_selection(value: Any) -> set[str]:
    """``ARCHIVER_RENDER``: "" (the registry decides), ``all``, ``none``, or slugs/URLs."""
    if isinstance(value, (list, tuple, set)):
        items = value
    else:
        items = str(value or "").split(",")
    return {item.strip() for item in items if str(item).strip()}


def should_render(site: str, listing_url: str, flagged: bool, selection: set[str]) -> bool:
    if "none" in selection:
        return False
    return flagged or "all" in selection or site in selection or listing_url in selection


def any_rendered(targets: Iterable[Any], settings: Settings) -> bool:
    selection = parse_selection(settings.get("ARCHIVER_RENDER"))
    return any(should_render(t.site, t.listing_url, getattr(t, "render", False), selection)
               for t in targets)


# -- can this machine render -------------------------------------------------------------------
def find_chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.access(path, os.X_OK):
            return path
    return None


def unavailable_reason(settings: Settings) -> str | None:
    """Why rendering cannot work here, in one line; None when it can."""
    if find_spec("scrapy_playwright") is None:
        return "scrapy-playwright is not installed (pip install 'cppcc-archiver[render]')"
    path = (settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {}).get("executable_path")
    if path:
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"Chromium not found at {path} (PLAYWRIGHT_LAUNCH_OPTIONS executable_path)"
    elif find_chromium() is None:
        return "Chromium is not installed (apt-get install chromium; browsers are never downloaded)"
    return None


def configure(settings: Settings, targets: Iterable[Any]) -> None:
    """Install scrapy-playwright for this crawl only if a target renders and it can work.

    Our defaults go in at "project" priority, so ``-s PLAYWRIGHT_…`` still wins.
    """
    if not any_rendered(targets, settings) or unavailable_reason(settings) is not None:
        return
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    handlers.update({"http": HANDLER, "https": HANDLER})
    settings.set("DOWNLOAD_HANDLERS", handlers, priority="project")
    settings.set("TWISTED_REACTOR", "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
                 priority="project")
    options = {"headless": True, **(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {})}
    options.setdefault("executable_path", find_chromium())
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="cmdline")
    settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="project")
    # One browser context, a few pages: rendered listings are one per site at a time anyway.
    settings.set("PLAYWRIGHT_MAX_CONTEXTS", 1, priority="project")
    settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 4, priority="project")
    settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", settings.getint("DOWNLOAD_TIMEOUT") * 1000,
                 priority="project")
    settings.set("PLAYWRIGHT_ABORT_REQUEST", abort_request, priority="project")


# -- inside the browser ------------------------------------------------------------------------
def abort_request(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: keep the listing's own document, scripts and data requests."""
    try:
        frame = request.frame
        main = frame.page.main_frame
    except Exception:  # a service worker's request has no frame: not the page's own
        return True
    if request.is_navigation_request() and frame is main:
        # The first navigation (the request Scrapy scheduled) starts from about:blank; any later
        # one is the page sending itself elsewhere (a challenge's reload, a redirect script).
        return main.url != "about:blank"
    if request.resource_type not in KEPT_RESOURCES:
        return True
    return not same_site(request.url, main.url)  # the crawler's own rule for "this site"


async def init_page(page: Any, request: Any) -> None:
    """playwright_page_init_callback: keep the server's response to the listing request, whose
    bytes the archive stores (:class:`RenderedListingMiddleware`), and hold the browser's own
    requests to the site's robots.txt, as the crawler's are."""

    def on_response(response: Any) -> None:
        if "render_server_response" not in request.meta and response.frame == page.main_frame \
                and response.request.is_navigation_request():
            request.meta["render_server_response"] = response

    page.on("response", on_response)
    robots, agent = request.meta.pop("render_robots", None), request.meta.pop("render_user_agent", "*")
    if robots is None:
        return

    async def obey_robots(route: Any, browser_request: Any) -> None:
        # Registered after scrapy-playwright's own route, so Playwright asks this one first.
        if browser_request.url != request.url and not robots.allowed(browser_request.url, agent):
            await route.abort()
        else:
            await route.fallback()

    await page.route("**", obey_robots)


async def keep_server_body(page: Any, request: Any) -> None:
    """A page method run after the page loaded: read the server's bytes before the page closes."""
    response = request.meta.pop("render_server_response", None)
    if response is None:
        return
    try:
        request.meta["render_server_body"] = await response.body()
    except Exception as exc:  # Chromium may have dropped a large body; the DOM is still kept
        request.meta["render_server_body_error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]


class RenderMiddleware:
    """Downloader middleware: marks the listing requests of rendering targets for the browser,
    or fails them with one clear line when this machine cannot render."""

    def __init__(self, settings: Settings, stats: Any, crawler: Any = None) -> None:
        self.selection = parse_selection(settings.get("ARCHIVER_RENDER"))
        self.stats = stats
        self.crawler = crawler
        self.user_agent = settings.get("USER_AGENT") or "*"
        reason = unavailable_reason(settings)
        if reason is None and HANDLER not in settings.getdict("DOWNLOAD_HANDLERS").values():
            reason = "the browser download handler is not set up in this process"
        self.reason = reason
        self.warned: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> "RenderMiddleware":
        return cls(crawler.settings, crawler.stats, crawler)

    def robots(self, request: Any) -> Any:
        """The site's robots.txt rules, as the robots.txt middleware (which ran before us) read
        them: Scrapy keeps them per netloc in its ``_parsers``."""
        if self.crawler is None or request.meta.get("dont_obey_robotstxt"):
            return None
        netloc = urlsplit(request.url).netloc
        for middleware in self.crawler.engine.downloader.middleware.middlewares:
            parsers = getattr(middleware, "_parsers", None)
            if isinstance(parsers, dict):
                parser = parsers.get(netloc)
                return parser if hasattr(parser, "allowed") else None
        return None

    def process_request(self, request: Any, spider: Any = None) -> None:
        meta = request.meta
        if "render" not in meta:  # only listing requests carry the flag (column.listing_request)
            return None
        if not should_render(meta.get("site", ""), meta.get("target", ""), bool(meta["render"]), self.selection):
            return None
        if self.reason is not None:
            if meta.get("site") not in self.warned:
                self.warned.add(meta.get("site"))
                logger.error("%s: cannot render its listing: %s", meta.get("site"), self.reason)
            raise RenderingUnavailable(self.reason)
        from scrapy_playwright.page import PageMethod

        meta["playwright"] = True
        meta["playwright_page_init_callback"] = init_page
        meta["playwright_page_goto_kwargs"] = {"wait_until": "networkidle"}
        meta["playwright_page_methods"] = [PageMethod(keep_server_body, request)]
        meta["render_robots"], meta["render_user_agent"] = self.robots(request), self.user_agent
        self.stats.inc_value("archiver/render/listing_requests")
        return None


class RenderedListingMiddleware:
    """Spider middleware: a rendered listing is archived as two fetches, never one pretending.

    ``listing``: the server's bytes and headers, as Chromium received them (empty, with the
    reason in ``error``, when Chromium no longer had them); ``listing-rendered``: the DOM after
    the page's scripts ran, which is what the listing parser read.
    """

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> "RenderedListingMiddleware":
        return cls(crawler.stats)

    def process_spider_output(self, response: Any, result: Iterable[Any], spider: Any = None) -> Iterator[Any]:
        for item in result:
            yield from self._split(response, item)

    async def process_spider_output_async(self, response: Any, result: AsyncIterator[Any],
                                          spider: Any = None) -> AsyncIterator[Any]:
        async for item in result:
            for out in self._split(response, item):
                yield out

    def _split(self, response: Any, item: Any) -> Iterator[Any]:
        from archiver.items import FetchItem

        if not (isinstance(item, FetchItem) and item.kind == "listing" and "playwright" in response.flags):
            yield item
            return
        from dataclasses import replace

        meta = response.meta
        body = meta.get("render_server_body")
        error = None if body is not None else (
            "rendered; the server's bytes were not kept: " + meta.get("render_server_body_error", "no response"))
        self.stats.inc_value("archiver/render/listing_pages")
        if error:
            self.stats.inc_value("archiver/render/server_body_missing")
        yield replace(item, page=replace(item.page, body=body or b""), error=error)
        yield replace(item, kind=RENDERED_KIND, page=replace(item.page, response_headers=[]))
