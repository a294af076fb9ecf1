"""`sites add --render`: read a column whose list only its own scripts build (issue #14's
rendered sites) through headless Chromium, for the check crawl (issue #22).

The crawl renders such listings through scrapy-playwright (archiver/render.py); discovery runs
before any reactor, so it drives the same browser with Playwright's sync API, under the same
rules: robots.txt and the delay (the discovery fetcher's), our User-Agent, and
`render.abort_request` (only the listing's own document, scripts and data requests from its own
site; no navigation elsewhere). Only the column's first page is rendered; articles stay plain
HTTP.
"""

from __future__ import annotations

from archiver import render
from archiver.discover.fetch import CHALLENGE_STATUSES, Challenge, FetchError, PoliteFetcher


def unavailable() -> str | None:
    """Why this machine cannot render, in one line; None when it can."""
    from scrapy.settings import Settings

    return render.unavailable_reason(Settings())


def rendered_page(fetcher: PoliteFetcher, url: str, timeout: float = 30.0) -> str:
    """The column page's DOM once its scripts have run (FetchError when it cannot be read)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not fetcher.allowed(url):
        raise FetchError(f"{url}: robots.txt disallows it for our User-Agent; not fetched")

    def route(route) -> None:
        request = route.request
        if render.abort_request(request) or not fetcher.allowed(request.url):
            route.abort()
        else:
            route.continue_()

    fetcher.pace()  # the delay applies to the browser's visit as to any request
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(headless=True, executable_path=render.find_chromium())
            try:
                page = browser.new_context(user_agent=fetcher.user_agent).new_page()
                page.route("**/*", route)
                response = page.goto(url, wait_until="networkidle", timeout=timeout * 1000)
                if response is not None and response.status in CHALLENGE_STATUSES:
                    raise Challenge(url, response.status, "not rendered through either")
                if response is None or response.status >= 400:
                    raise FetchError(f"{url}: HTTP {response.status if response else '?'} in the browser")
                return page.content()
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise FetchError(f"{url}: the browser could not render it ({str(exc).splitlines()[0]})") from exc
