"""Persist every item: raw exchanges always, versions when content changed, removals.

One transaction per item: an article, its version and its fetches are committed together, so a
crash at any moment leaves the archive consistent and loses nothing committed.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from scrapy.crawler import Crawler
from twisted.internet import reactor
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool
from scrapy.utils.defer import deferred_from_coro

from archiver.items import ArticleItem, FetchItem, GoneItem, UnchangedItem
from storage import repository
from storage.db import make_engine, make_session_factory

logger = logging.getLogger(__name__)

DISK_FULL_MARKERS = ("database or disk is full", "no space left", "file too large", "disk full")
# A write refused with ENOSPC/EFBIG while SQLite appends to its WAL surfaces as SQLITE_IOERR_WRITE
# ("disk I/O error"), not SQLITE_FULL (issue #9: a crawl under RLIMIT_FSIZE went on failing every
# item and exited 0).
DISK_FULL_SQLITE_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR_WRITE")


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC/EFBIG, from SQLite ("database or disk is full") or the OS, however wrapped."""
    import errno

    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG):
            return True
        if getattr(exc, "sqlite_errorname", None) in DISK_FULL_SQLITE_ERRORS:
            return True
        if any(marker in str(exc).lower() for marker in DISK_FULL_MARKERS):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def short_error(exc: BaseException) -> str:
    """The driver's message, without SQLAlchemy's statement and parameters (raw page bytes)."""
    orig = getattr(exc, "orig", None) or exc
    return f"{type(orig).__name__}: {orig}"[:300]


@dataclass
class Tally:
    """What storing one item did, applied to the reports and stats only after it committed."""

    report: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    stats: list[str] = field(default_factory=list)


class StoragePipeline:
    """Writes on one dedicated thread, so that downloads go on while SQLite commits (an fsync
    per article with ``synchronous=FULL``) and compresses; one thread keeps SQLite's single
    writer uncontended and the items in order."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_url = crawler.settings.get("ARCHIVER_DB")
        self.engine = None
        self.sessions = None
        self.writer: ThreadPool | None = None
        self.disk_full = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StoragePipeline":
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        from storage.db import default_url

        self.engine = make_engine(self.db_url or default_url())
        self.sessions = make_session_factory(self.engine)
        self.writer = ThreadPool(minthreads=1, maxthreads=1, name="archiver-storage")
        self.writer.start()

    def close_spider(self, spider=None) -> None:
        # Scrapy has waited for every item's Deferred by now: the writer is idle.
        if self.writer is not None:
            self.writer.stop()
            self.writer = None
        if self.engine is not None:
            self.engine.dispose()

    @property
    def reports(self):
        return self.crawler.spider.reports

    def process_item(self, item):
        if self.disk_full:
            return item  # the crawl is stopping; nothing more can be written
        deferred = deferToThreadPool(reactor, self.writer, self.write, item)
        deferred.addCallbacks(self.committed, self.rolled_back, callbackArgs=(item,), errbackArgs=(item,))
        return deferred

    def write(self, item) -> Tally:
        """On the writer thread: one transaction for the item and everything it carries."""
        tally = Tally()
        with self.sessions.begin() as session:
            self.store(session, item, tally)
        return tally

    def committed(self, tally: Tally, item):
        report = self.reports.get(item.site)
        if report is not None:
            for name, value in tally.report.items():
                setattr(report, name, getattr(report, name) + value)
            for note in tally.notes:
                report.note(note)
        for key in tally.stats:
            self.stats.inc_value(key)
        return item

    def rolled_back(self, failure, item):
        exc = failure.value
        where = getattr(item, "url", None) or item.page.url
        if is_disk_full(exc):
            # Nothing half-written: the transaction rolled back. Stop instead of failing on
            # every following item.
            if not self.disk_full:
                self.disk_full = True
                self.stats.set_value("archiver/storage/disk_full", short_error(exc))
                logger.error("disk full while storing %s: stopping the crawl (%s)", where, short_error(exc))
                for report in self.reports.values():
                    report.note("disk full: crawl stopped, nothing half-written")
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="disk_full"))
            return item
        # One bad item never stops the crawl; it is counted, logged and reported.
        self.stats.inc_value("archiver/storage/errors")
        logger.error("could not store %s: %s", where, short_error(exc),
                     exc_info=(failure.type, failure.value, failure.getTracebackObject()))
        report = self.reports.get(item.site)
        if report is not None:
            report.errors += 1
            report.note(f"storage error for {where}")
        return item

    def store(self, session, item, tally: Tally) -> None:
        if isinstance(item, FetchItem):
            repository.record_fetch(
                session, run_id=item.run_id, site_slug=item.site, page=item.page,
                kind=item.kind, error=item.error,
            )
            tally.stats.append(f"archiver/storage/fetches/{item.kind}")
        elif isinstance(item, GoneItem):
            fetch = repository.record_fetch(
                session, run_id=item.run_id, site_slug=item.site, page=item.page, kind="article",
            )
            if repository.mark_removed(
                session, run_id=item.run_id, url=item.url, how=item.how,
                seen_at=item.page.fetched_at, fetch=fetch,
            ):
                tally.report["removed"] += 1
                tally.stats.append(f"archiver/storage/removed/{item.how}")
        elif isinstance(item, UnchangedItem):
            fetch = repository.record_fetch(
                session, run_id=item.run_id, site_slug=item.site, page=item.page, kind="article",
            )
            repository.touch_article(session, url=item.url, seen_at=item.page.fetched_at, fetch=fetch)
            tally.report["not_modified"] += 1
            tally.stats.append("archiver/storage/not_modified")
        elif isinstance(item, ArticleItem):
            self.store_article(session, item, tally)

    def store_article(self, session, item: ArticleItem, tally: Tally) -> None:
        fetches = [
            repository.record_fetch(
                session, run_id=item.run_id, site_slug=item.site, page=page, kind="article",
                listing_url=item.listing_url,
            )
            for page in item.pages
        ]
        if item.soft_404:
            tally.report["errors"] += 1
            tally.notes.append(f"{item.url}: soft 404")
            return
        if not item.fields.get("title") and not item.fields.get("body"):
            tally.report["errors"] += 1
            tally.notes.append(f"{item.url}: no title and no body extracted; raw page kept")
            tally.stats.append("archiver/storage/empty_extractions")
            return
        outcome = repository.add_version(
            session, run_id=item.run_id, site_slug=item.site, url=item.url, fields=item.fields,
            audit=item.audit, extractor=item.extractor, fetches=fetches,
            seen_at=item.pages[0].fetched_at,
            # Stored with the version so `reprocess` re-runs extraction with the same inputs.
            context={"family": item.family, "listing_url": item.listing_url,
                     "listing_title": item.listing_title, "listing_date": item.listing_date},
        )
        if outcome.restored:
            tally.report["restored"] += 1
        if not outcome.created:
            tally.report["unchanged"] += 1
            tally.stats.append("archiver/storage/unchanged")
        elif outcome.version == 1:
            tally.report["new"] += 1
            tally.stats.append("archiver/storage/new")
        else:
            tally.report["updated"] += 1
            tally.stats.append("archiver/storage/changed")
