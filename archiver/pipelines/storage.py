"""Persist every item: raw exchanges always, versions when content changed, removals.

The writing (work.py) runs on one writer thread of the crawl's process, in batches; the
reactor's thread counts each item's ``Tally`` into the stats once its batch has committed, the
site's counts and notes under ``archiver/site/<slug>/`` where the site's report is made from
(archiver/report.py). (A writer process was measured against it and deleted, issue #21: at production
politeness it bought nothing and doubled the memory; BENCHMARKS.md, "Runtime".)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import defer, reactor
from twisted.internet.threads import deferToThreadPool
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

import archiver.report as site_reports
from archiver.items import ArticleItem, FetchItem, GoneItem, UnchangedItem
from archiver.pipelines.work import Tally, WriteFailure, Writer
from storage.db import prepare_url

logger = logging.getLogger(__name__)

# Items that store an article (not merely a fetch): confirmed back to the spider once committed.
STORED_ITEMS = (ArticleItem, UnchangedItem, GoneItem)


class Batcher:
    """Hands items to the writer in batches: whatever arrived while the previous batch was being
    written goes next, up to ``limit`` items. A lone item is written at once; under load the
    batches grow, and with them the items per commit."""

    def __init__(self, send: Callable[[list], defer.Deferred], limit: int, stats) -> None:  # type: ignore[no-untyped-def]
        self.send = send
        self.limit = max(1, limit)
        self.stats = stats
        self.waiting: list[tuple[Any, defer.Deferred]] = []
        self.busy = False

    def add(self, item) -> defer.Deferred:
        deferred: defer.Deferred = defer.Deferred()
        self.waiting.append((item, deferred))
        self._next()
        return deferred

    def _next(self) -> None:
        if self.busy or not self.waiting:
            return
        batch, self.waiting = self.waiting[:self.limit], self.waiting[self.limit:]
        self.busy = True
        self.stats.inc_value("archiver/storage/batches")
        self.stats.max_value("archiver/storage/batch_max", len(batch))
        # Sent once: the writer is a thread (issue #21), nothing resends a batch within a run. A
        # crawl killed after a COMMIT is made whole by the next run, which finds those articles
        # stored (unchanged) and their columns not complete.
        self.send([item for item, _ in batch]).addBoth(self._written, batch)

    def _written(self, results, batch) -> None:  # type: ignore[no-untyped-def]
        self.busy = False
        for position, (_, deferred) in enumerate(batch):
            if isinstance(results, Failure):  # write_batch raised (a bug): the batch is lost
                deferred.callback(WriteFailure(results.getErrorMessage(), False))
            else:
                deferred.callback(results[position])
        self._next()


class StoragePipeline:
    """Writes on one dedicated thread, so that downloads go on while SQLite commits and
    compresses (zstd and the database driver release the GIL); one writer keeps SQLite's single
    writer uncontended and the items in order."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_url = crawler.settings.get("ARCHIVER_DB")
        self.batch_limit = crawler.settings.getint("ARCHIVER_STORAGE_BATCH", 50)
        busy = crawler.settings.get("ARCHIVER_SQLITE_BUSY_TIMEOUT")
        self.busy_timeout = float(busy) if busy is not None else None
        # What open_spider opened (the writer, its thread): close_spider closes each once,
        # newest first, even when one of them fails to close.
        self.opened = ExitStack()
        self.batcher: Batcher | None = None
        self.disk_full = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StoragePipeline":
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        from storage.db import default_url

        url = prepare_url(self.db_url) if self.db_url else default_url()
        writer = Writer(url, self.busy_timeout)
        self.opened.callback(writer.close)
        thread = ThreadPool(minthreads=1, maxthreads=1, name="archiver-storage")
        thread.start()
        self.opened.callback(thread.stop)  # stopped before the writer it runs closes
        self.batcher = Batcher(
            lambda items: deferToThreadPool(reactor, thread, writer.write_batch, items),
            self.batch_limit, self.stats)

    async def close_spider(self, spider=None) -> None:
        # Scrapy has waited for every item by now: the writer is idle.
        self.opened.close()

    async def process_item(self, item):
        if self.disk_full:
            return item  # the crawl is stopping; nothing more can be written
        result = await maybe_deferred_to_future(self.batcher.add(item))
        if isinstance(result, WriteFailure):
            self.rolled_back(result, item)
            if not result.disk_full and isinstance(item, STORED_ITEMS):
                await self.keep_raw(item, result)
        else:
            self.committed(result, item)
        return item

    async def keep_raw(self, item, failure: WriteFailure) -> None:
        """Issue #15: an item's fetch rows rolled back with it; store its raw pages again on
        their own (a later transaction), so the page can be re-extracted even if the next run
        cannot fetch it."""
        pages = item.pages if isinstance(item, ArticleItem) else [item.page]
        for page in pages:
            kept = FetchItem(site=item.site, page=page, run_id=item.run_id, kind="article-unstored",
                             error=f"not stored: {failure.message}"[:500])
            result = await maybe_deferred_to_future(self.batcher.add(kept))
            if isinstance(result, WriteFailure):
                logger.error("could not keep the raw page %s either: %s", page.url, result.message)
                return
            self.committed(result, kept)

    def committed(self, tally: Tally, item) -> None:
        for name, value in tally.report.items():
            site_reports.count(self.stats, item.site, name, value)
        for note in tally.notes:
            site_reports.note(self.stats, item.site, note)
        for key in tally.stats:
            self.stats.inc_value(key)
        if isinstance(item, STORED_ITEMS) and not tally.report.get("errors"):
            stored = getattr(self.crawler.spider, "article_stored", None)
            if stored is not None:  # the column spider counts its columns' articles (issue #15)
                stored(item.url)

    def rolled_back(self, failure: WriteFailure, item) -> None:
        where = getattr(item, "url", None) or item.page.url
        if failure.disk_full:
            # Nothing half-written: the transaction rolled back. Stop instead of failing on
            # every following item.
            if not self.disk_full:
                self.disk_full = True
                self.stats.set_value("archiver/storage/disk_full", failure.message)
                logger.error("disk full while storing %s: stopping the crawl (%s)", where, failure.message)
                for site in getattr(self.crawler.spider, "reports", {}):
                    site_reports.note(self.stats, site, "disk full: crawl stopped, nothing half-written")
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="disk_full"))
            return
        # One bad item never stops the crawl; it is counted, logged and reported, and the site
        # cannot be `ok` (issue #15: `database is locked` lost articles behind an exit code 0).
        self.stats.inc_value("archiver/storage/errors")
        logger.error("could not store %s: %s\n%s", where, failure.message, failure.detail)
        site_reports.count(self.stats, item.site, "errors")
        site_reports.count(self.stats, item.site, "storage_errors")
        site_reports.note(self.stats, item.site, f"storage error for {where}: {failure.message}"[:300])
