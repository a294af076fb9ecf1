"""Whether a column was walked *and stored* in full (issue #15).

A column may be walked incrementally next time (stop at the first page with nothing new) only
if every article it listed this time is in the archive. That is decided here from what the
writer confirmed stored, not from what the spider requested: an article still queued when the
crawl stopped (SIGTERM), refused by the writer (full disk, ``database is locked``), lost with a
child process twice, or that failed to download leaves its column incomplete, and the next
run walks the column in full.
"""

from __future__ import annotations

from scrapy.http import Request

from archiver.report import SiteReport


class ColumnLedger:
    """Column (listing URL) -> the articles it listed that are not confirmed stored yet."""

    def __init__(self) -> None:
        self.unstored: dict[str, set[str]] = {}
        self._column_of: dict[str, str] = {}  # listed article URL -> its column

    def scheduled(self, request: Request, spider=None) -> None:  # type: ignore[no-untyped-def]
        """Scrapy's ``request_scheduled``: a listed article's first page entered the queue."""
        column, url = request.meta.get("target"), request.meta.get("article_url")
        if column and url and not request.meta.get("pages"):
            self.unstored.setdefault(column, set()).add(url)
            self._column_of[url] = column

    def stored(self, url: str) -> None:
        """The writer committed ``url`` (a version, unchanged, 304 or removal)."""
        column = self._column_of.pop(url, None)
        if column is not None:
            self.unstored[column].discard(url)

    def settle(self, report: SiteReport, failed: set[str]) -> None:
        """At the end of the run: keep as complete only the columns walked to their end with
        nothing failed and everything stored; say what is missing."""
        kept = [c for c in report.complete_columns if c not in failed]
        if len(kept) != len(report.complete_columns):
            report.note("some articles failed: the next run walks the whole column again")
        short = {c: len(self.unstored[c]) for c in kept if self.unstored.get(c)}
        for column, count in short.items():
            report.short(f"{count} listed articles of {column} not stored: the next run walks the column again")
        report.complete_columns = [c for c in kept if c not in short]
        if report.storage_errors:
            report.short(f"{report.storage_errors} items not stored (storage errors)")
