"""The download handler of rendered runs (issue #15): scrapy-playwright's, with our header bounds.

scrapy-playwright's handler renders only requests marked ``playwright`` (rendered listing pages)
and hands every other one (robots.txt, articles, the other sites of the crawl) to Scrapy's plain
HTTP/1.1 handler, which it subclasses. Installing it in place of ours
(``archiver.download.BoundedHTTP11DownloadHandler``) used to drop the header bounds for all of
those. Mixing :class:`~archiver.download.HeaderBounds` in keeps them. What the browser itself
fetches is bounded by Chromium (it refuses a header section over 256 kB,
``ERR_RESPONSE_HEADERS_TOO_BIG``).

Its own module because it imports scrapy-playwright, an optional extra.
"""

from __future__ import annotations

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from archiver.download import HeaderBounds


class BoundedPlaywrightDownloadHandler(HeaderBounds, ScrapyPlaywrightDownloadHandler):
    """Renders requests marked ``playwright``; downloads the rest with bounded headers."""
