"""The column spider and Scrapy engine, adapted to a frontier shared by several workers.

The spider is ``ColumnSpider`` unchanged except for four things a shared frontier needs:

- only the coordinator seeds the frontier (listing pages and due revisits); workers start empty
  and take requests from Redis;
- the set of listing pages already seen in a column walk travels with the walk's requests
  (``meta["walk_seen"]``) instead of living in one process: the next page of a walk may be
  parsed by another worker, which must not queue the column's first pages again;
- listing requests go through the run's shared dupe filter: a listing page that a killed worker
  had already parsed is parsed again, but the next page it queues is not queued twice;
- the article links already listed in the run, against which a walk counts a page's new rows,
  are the run's (``SharedListings``), not the rows this worker happened to parse.

The engine acknowledges a request to the frontier once its callback's output is fully processed
(requests queued, items stored): Scrapy calls ``_remove_request`` at exactly that point.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.core.engine import ExecutionEngine
from scrapy.http import Request, Response

from archiver.distributed.runstate import SharedColumnLedger, SharedListings
from archiver.spiders.completeness import ColumnLedger
from archiver.spiders.column import ColumnSpider, CrawlTarget, _listing_key, _request_spec

WALK_SEEN = "walk_seen"
# The Scrapy releases whose private internals FrontierEngine/FrontierCrawler/FrontierProcess
# override (`_remove_request`, `_slot`, `_SLOT_HEARTBEAT_INTERVAL`, `_create_engine`,
# `_create_crawler`, `_initialized_reactor`): pyproject.toml pins the same range and
# tests/distributed/test_scrapy_range.py fails on any other (issue #18). Moving it means reading
# those methods in the new release and running tests/distributed.
TESTED_SCRAPY = ("2.14", "2.20")  # [from, to)


class DistributedColumnSpider(ColumnSpider):
    name = "column"
    # A column's articles are stored by whichever worker fetched them: what each column listed
    # and is not stored yet is kept in Redis for the whole run (issue #15, SharedColumnLedger).
    confirms_storage = True

    def __init__(self, targets: list[CrawlTarget], *, seed: bool = False, on_seeded: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(targets, **kwargs)
        self.seed = seed
        self.on_seeded = on_seeded
        self._walk: set[str] | None = None
        self.listings: SharedListings | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "DistributedColumnSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        if crawler.settings.get("ARCHIVER_REDIS_RUN"):  # else no shared run (unit tests): local
            spider.listings = SharedListings(*_run_redis(crawler))
        return spider

    def column_ledger(self, crawler: Crawler) -> ColumnLedger:
        if not crawler.settings.get("ARCHIVER_REDIS_RUN"):  # no shared run (unit tests): local
            return super().column_ledger(crawler)
        return SharedColumnLedger(*_run_redis(crawler))

    def fresh_rows(self, page: Request, urls: set[str]) -> int:
        if self.listings is None:
            return super().fresh_rows(page, urls)
        # 64 bits of the page's fingerprint tell a run's listing pages apart; a third of the room.
        return self.listings.fresh(self.crawler.request_fingerprinter.fingerprint(page).hex()[:16], sorted(urls))

    async def start(self) -> AsyncIterator[Request]:
        try:
            if self.seed:
                async for request in super().start():
                    yield request
        finally:
            # Even after an error: workers wait for this mark before they may go idle.
            if self.on_seeded is not None:
                self.on_seeded()

    def listing_request(self, target: CrawlTarget, spec: Any, *, pending: list, page_no: int = 1) -> Request:
        request = super().listing_request(target, spec, pending=pending, page_no=page_no)
        walk = self._walk if self._walk is not None else {_listing_key(*_request_spec(spec))}
        request.meta[WALK_SEEN] = sorted(walk)
        return request.replace(dont_filter=False)

    def _parse_listing(self, response: Response, read: Any = None) -> Iterator[Any]:
        # ColumnSpider._parse_listing reads and extends self.seen_listings. Between two of its
        # steps nothing else runs, so it is pointed at this walk's set for exactly those steps.
        # (A big page's parse, on the worker thread, reads no crawl state: archiver/offthread.py.)
        walk = set(response.meta.get(WALK_SEEN, ()))
        steps = super()._parse_listing(response, read)
        while True:
            shared, self.seen_listings, self._walk = self.seen_listings, walk, walk
            try:
                output = next(steps)
            except StopIteration:
                return
            finally:
                self.seen_listings, self._walk = shared, None
            yield output


def _run_redis(crawler: Crawler) -> tuple[Any, Any]:
    """The run's Redis connection and keys, from the settings the worker was started with."""
    from scrapy_redis import connection

    from archiver.distributed.settings import run_keys

    return connection.from_settings(crawler.settings), run_keys(crawler.settings)


class FrontierEngine(ExecutionEngine):
    # The engine looks for new requests on this heartbeat when it has nothing to do; Scrapy's
    # 5 s would leave an idle worker deaf to a frontier that other workers are filling.
    _SLOT_HEARTBEAT_INTERVAL = 0.5

    def _remove_request(self, _: Any, request: Request) -> None:
        done = getattr(self._slot.scheduler, "request_done", None) if self._slot else None
        if done is not None:
            done(request)
        super()._remove_request(_, request)


class FrontierCrawler(Crawler):
    def _create_engine(self) -> ExecutionEngine:
        return FrontierEngine(self, lambda _: self.stop_async())


class FrontierProcess(CrawlerProcess):
    """A CrawlerProcess whose crawlers use the FrontierEngine."""

    def _create_crawler(self, spidercls: Any) -> Crawler:
        init_reactor = not self._initialized_reactor
        self._initialized_reactor = True
        return FrontierCrawler(spidercls, self.settings, init_reactor=init_reactor)
