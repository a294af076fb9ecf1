"""Bounds on what one site can make the crawl hold (issue #15), and how a hit is reported.

Every limit is an ``ARCHIVER_*`` setting (archiver/settings.py). A hit is reported three ways:
a note on the site's report (the URL and the numbers), a shortfall (the site cannot be ``ok``:
something listed was not stored, or not stored whole), and a Scrapy stats counter
``archiver/limits/<key>`` kept in ``crawl_runs.stats``.
"""

from __future__ import annotations

from typing import Any, Sequence

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest

from archiver.report import note as site_note

# What the shortfall says for each limit; one line per limit and site, the notes carry the URLs.
SHORTFALLS = {
    "header_bytes": "responses refused: headers over ARCHIVER_MAX_HEADER_BYTES",
    "header_count": "responses refused: more header fields than ARCHIVER_MAX_HEADERS",
    "article_bytes": "articles cut at ARCHIVER_MAX_ARTICLE_BYTES (their later pages not fetched)",
    "listing_chars": "listing pages read only up to ARCHIVER_MAX_LISTING_CHARS",
    "listing_entries": "listing pages with more links than ARCHIVER_MAX_LISTING_ENTRIES",
}


class LimitExceeded(IgnoreRequest):
    """A response refused by one of our bounds. An ``IgnoreRequest``: never retried."""

    def __init__(self, message: str, *, key: str) -> None:
        super().__init__(message)
        self.key = key


def report_limit(report: Any, stats: Any, key: str, note: str) -> None:
    """Record one hit of limit ``key`` on a site: note and stats counter (in the stats, where the
    site's report is made from), shortfall (in the site's walk)."""
    site_note(stats, report.site, note)
    report.short(SHORTFALLS[key])
    stats.inc_value(f"archiver/limits/{key}")


def report_refusal(report: Any, exc: BaseException) -> None:
    """The shortfall for a request our download handler refused (its stats are counted there)."""
    if isinstance(exc, LimitExceeded):
        report.short(SHORTFALLS[exc.key])


# A stored header value longer than one header line may be (Twisted refuses lines over 16 kB)
# can only be folded continuation lines: kept up to here, with a note of what was cut (issue #15:
# a 327 MB value was stored). The header section itself is bounded by ARCHIVER_MAX_HEADER_BYTES.
STORED_HEADER_VALUE_MAX = 16 * 1024


def stored_header_value(value: str) -> str:
    if len(value) <= STORED_HEADER_VALUE_MAX:
        return value
    return f"{value[:STORED_HEADER_VALUE_MAX]}…[{len(value) - STORED_HEADER_VALUE_MAX} characters cut]"


def is_size_refusal(exc: BaseException) -> bool:
    """A download refused for its body's size: DOWNLOAD_MAXSIZE or a request's download_maxsize,
    while receiving (Scrapy cancels it, a streamed body without a message) or inflating."""
    if isinstance(exc, DownloadCancelledError):
        return True
    return isinstance(exc, IgnoreRequest) and not isinstance(exc, LimitExceeded) and "DOWNLOAD_MAXSIZE" in str(exc)


def article_bytes(pages: Sequence[Any]) -> int:
    return sum(len(page.body) for page in pages)


LISTING_SETTINGS = {"listing_chars": "ARCHIVER_MAX_LISTING_CHARS", "listing_entries": "ARCHIVER_MAX_LISTING_ENTRIES"}


def cap(seq: Any, limit: int) -> tuple[Any, int]:
    """The first ``limit`` items of ``seq`` (a listing page's text, or its entries) and how many
    were left out; ``limit <= 0`` means no bound. lxml reads a cut page as if it ended there."""
    if limit <= 0 or len(seq) <= limit:
        return seq, 0
    return seq[:limit], len(seq) - limit
