"""Persist every item: raw exchanges always, versions when content changed, removals.

One transaction per item: an article, its version and its fetches are committed together, so a
crash at any moment leaves the archive consistent and loses nothing committed. The writing runs
in a writer process (see lanes.py); the reactor's thread applies each item's ``Tally`` to the
site reports and stats once it has committed.
"""

from __future__ import annotations

import atexit
import logging
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import defer, reactor
from twisted.internet.threads import deferToThreadPool
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from archiver.items import ArticleItem, FetchItem, GoneItem, UnchangedItem
from archiver.pipelines.lanes import ProcessLane
from storage import repository
from storage.db import make_engine, make_session_factory, prepare_url, use_explicit_transactions
from storage.errors import is_disk_full, short_error

logger = logging.getLogger(__name__)

@dataclass
class Tally:
    """What storing one item did, applied to the reports and stats only after it committed."""

    report: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    stats: list[str] = field(default_factory=list)


@dataclass
class WriteFailure:
    """A rolled-back item, described in the writer (its exception may not survive pickling)."""

    message: str
    disk_full: bool
    detail: str = ""


class Writer:
    """Stores items; a batch is one transaction with a SAVEPOINT per item, so an item that fails
    rolls back alone and the rest commit together (one fsync for the batch, not one per item)."""

    def __init__(self, db_url: str) -> None:
        self.engine = make_engine(db_url)
        if self.engine.dialect.name == "sqlite":
            use_explicit_transactions(self.engine)  # SAVEPOINTs need it with pysqlite
        self.sessions = make_session_factory(self.engine)

    def write(self, item) -> Tally | WriteFailure:
        return self.write_batch([item])[0]

    def write_batch(self, items: list) -> list[Tally | WriteFailure]:
        results: list[Tally | WriteFailure] = []
        try:
            with self.sessions.begin() as session:
                for item in items:
                    results.append(self._write_one(session, item))
        except Exception as exc:  # the batch rolled back as a whole (full disk, lock timeout)
            if len(items) > 1:
                return self._write_one_by_one(items)
            return [WriteFailure(short_error(exc), is_disk_full(exc), traceback.format_exc())]
        return results

    def _write_one_by_one(self, items: list) -> list[Tally | WriteFailure]:
        """After a failed batch: each item in its own transaction, so that what still fits on a
        nearly full disk is kept; after the first full-disk failure the rest fail alike."""
        results: list[Tally | WriteFailure] = []
        for item in items:
            (result,) = self.write_batch([item])
            results.append(result)
            if isinstance(result, WriteFailure) and result.disk_full:
                return results + [result] * (len(items) - len(results))
        return results

    def _write_one(self, session, item) -> Tally | WriteFailure:
        tally = Tally()
        try:
            with session.begin_nested():
                store(session, item, tally)
        except Exception as exc:  # one bad item never stops the crawl: described, not raised
            if is_disk_full(exc):
                raise  # the whole batch is lost with it; nothing half-written
            return WriteFailure(short_error(exc), False, traceback.format_exc())
        return tally

    def close(self) -> None:
        self.engine.dispose()


_WRITER: Writer | None = None  # the writer process's own


def open_writer(db_url: str) -> None:
    """Initializer of the writer process."""
    global _WRITER
    _WRITER = Writer(db_url)
    atexit.register(_WRITER.close)


def write_batch_in_writer_process(items: list) -> list[Tally | WriteFailure]:
    assert _WRITER is not None, "open_writer did not run in this process"
    return _WRITER.write_batch(items)


class Batcher:
    """Hands items to the writer in batches: whatever arrived while the previous batch was being
    written goes next, up to ``limit`` items. A lone item is written at once; under load the
    batches grow, and with them the items per commit."""

    def __init__(self, send: Callable[[list], defer.Deferred], limit: int) -> None:
        self.send = send
        self.limit = max(1, limit)
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
        self.send([item for item, _ in batch]).addBoth(self._written, batch)

    def _written(self, results, batch) -> None:  # type: ignore[no-untyped-def]
        self.busy = False
        for position, (_, deferred) in enumerate(batch):
            if isinstance(results, Failure):  # the writer died twice on this batch
                deferred.callback(WriteFailure(results.getErrorMessage(), False))
            else:
                deferred.callback(results[position])
        self._next()


class StoragePipeline:
    """Writes in one dedicated writer process (``ARCHIVER_STORAGE_PROCESS``, the default) or
    thread, so that downloads go on while SQLite commits and compresses; one writer keeps
    SQLite's single writer uncontended and the items in order."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_url = crawler.settings.get("ARCHIVER_DB")
        self.use_process = crawler.settings.getbool("ARCHIVER_STORAGE_PROCESS", True)
        self.batch_limit = crawler.settings.getint("ARCHIVER_STORAGE_BATCH", 50)
        self.lane: ProcessLane | None = None
        self.writer: Writer | None = None
        self.thread: ThreadPool | None = None
        self.batcher: Batcher | None = None
        self.disk_full = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StoragePipeline":
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        from storage.db import default_url

        url = prepare_url(self.db_url) if self.db_url else default_url()
        if self.use_process:
            self.lane = ProcessLane("storage", 1, initializer=open_writer, initargs=(url,)).start()
            lane = self.lane
            self.batcher = Batcher(lambda items: lane.submit(write_batch_in_writer_process, items),
                                   self.batch_limit)
        else:
            self.writer = Writer(url)
            self.thread = ThreadPool(minthreads=1, maxthreads=1, name="archiver-storage")
            self.thread.start()
            writer, thread = self.writer, self.thread
            self.batcher = Batcher(lambda items: deferToThreadPool(reactor, thread, writer.write_batch, items),
                                   self.batch_limit)

    async def close_spider(self, spider=None) -> None:
        # Scrapy has waited for every item by now: the writer is idle.
        if self.lane is not None:
            await maybe_deferred_to_future(self.lane.close())
            self.lane = None
        if self.thread is not None:
            self.thread.stop()
            self.thread = None
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    @property
    def reports(self):
        return self.crawler.spider.reports

    async def process_item(self, item):
        if self.disk_full:
            return item  # the crawl is stopping; nothing more can be written
        result = await maybe_deferred_to_future(self.batcher.add(item))
        if isinstance(result, WriteFailure):
            self.rolled_back(result, item)
        else:
            self.committed(result, item)
        return item

    def committed(self, tally: Tally, item) -> None:
        report = self.reports.get(item.site)
        if report is not None:
            for name, value in tally.report.items():
                setattr(report, name, getattr(report, name) + value)
            for note in tally.notes:
                report.note(note)
        for key in tally.stats:
            self.stats.inc_value(key)

    def rolled_back(self, failure: WriteFailure, item) -> None:
        where = getattr(item, "url", None) or item.page.url
        if failure.disk_full:
            # Nothing half-written: the transaction rolled back. Stop instead of failing on
            # every following item.
            if not self.disk_full:
                self.disk_full = True
                self.stats.set_value("archiver/storage/disk_full", failure.message)
                logger.error("disk full while storing %s: stopping the crawl (%s)", where, failure.message)
                for report in self.reports.values():
                    report.note("disk full: crawl stopped, nothing half-written")
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="disk_full"))
            return
        # One bad item never stops the crawl; it is counted, logged and reported.
        self.stats.inc_value("archiver/storage/errors")
        logger.error("could not store %s: %s\n%s", where, failure.message, failure.detail)
        report = self.reports.get(item.site)
        if report is not None:
            report.errors += 1
            report.note(f"storage error for {where}")


def store(session, item, tally: Tally) -> None:
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
        store_article(session, item, tally)


def store_article(session, item: ArticleItem, tally: Tally) -> None:
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
