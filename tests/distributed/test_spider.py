"""A column walk whose pages are parsed by different workers still walks each page once.

Against the replica's datepath site, whose page 2 links back to the column's first page: the
worker parsing page 2 never saw page 1, yet must not queue it again.
"""

from __future__ import annotations

import urllib.request

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from archiver import settings as archiver_settings
from archiver.distributed.runstate import ReportLedger, merged_reports, merged_stats
from archiver.distributed.spider import WALK_SEEN, DistributedColumnSpider
from archiver.spiders.column import ColumnSpider, CrawlTarget


def _spider(cls, target, **settings):
    crawler = get_crawler(cls, {"ARCHIVER_MAX_LISTING_PAGES": archiver_settings.ARCHIVER_MAX_LISTING_PAGES,
                                **settings})
    return cls.from_crawler(crawler, [target], run_id=None)


def _respond(request: Request) -> HtmlResponse:
    with urllib.request.urlopen(request.url, timeout=10) as answer:
        return HtmlResponse(request.url, body=answer.read(), request=request)


def _next_listing(outputs) -> Request:
    [request] = [o for o in outputs if isinstance(o, Request) and o.callback.__name__ == "parse_listing"]
    return request


def _urls(pending) -> list[str]:
    return [getattr(spec, "url", spec) for spec in pending]


def test_the_walk_carries_its_seen_pages_from_worker_to_worker(replica):
    listing = replica.sites["datepath"]["listing"]
    target = CrawlTarget("datepath", listing, "datepath")
    first_worker = _spider(DistributedColumnSpider, target)
    page1 = first_worker.listing_request(target, listing, pending=[])
    assert page1.meta[WALK_SEEN] and page1.dont_filter is False  # the shared dupe filter sees it
    page2 = _next_listing(first_worker.parse_listing(_respond(page1)))

    second_worker = _spider(DistributedColumnSpider, target)
    page3 = _next_listing(second_worker.parse_listing(_respond(page2)))
    assert listing not in _urls(page3.meta["pending"])
    assert {page1.url, page2.url, page3.url} <= {key.split()[1] for key in page3.meta[WALK_SEEN]}
    assert not second_worker.seen_listings  # nothing leaked into the process-wide set

    # Without the walk's memory, the page linking back would queue the first page again.
    plain = _spider(ColumnSpider, target)
    meta = {k: v for k, v in page2.meta.items() if k != WALK_SEEN}
    again = _next_listing(plain.parse_listing(_respond(page2.replace(meta=meta))))
    assert listing in _urls(again.meta["pending"])


def _walk(spiders, target) -> None:
    """Walk ``target``'s column, its listing pages parsed by ``spiders`` in turn."""
    request = spiders[0].listing_request(target, target.listing_url, pending=[])
    turn = 0
    while request is not None:
        outputs = list(spiders[turn % len(spiders)].parse_listing(_respond(request)))
        following = [o for o in outputs if isinstance(o, Request) and o.callback.__name__ == "parse_listing"]
        request = following[0] if following else None
        turn += 1


@pytest.mark.redis
def test_a_column_walked_by_two_workers_is_reported_as_one_process_reports_it(replica, server, keys):
    # Issue #18: what the column states of its size (共N页) was kept by the worker that ended the
    # walk and never reached the coordinator's report.
    slug = "trs"
    target = CrawlTarget(slug, replica.sites[slug]["listing"], slug)
    alone = _spider(ColumnSpider, target)
    _walk([alone], target)
    [single] = alone.site_reports().values()
    assert single.stated_pages and single.listing_pages == single.stated_pages >= 3 and not single.shortfalls

    workers = [_spider(DistributedColumnSpider, target) for _ in range(2)]
    _walk(workers, target)
    assert all(w.crawler.stats.get_value(f"archiver/site/{slug}/listing_pages") for w in workers)  # both walked
    for w in workers:
        ReportLedger(server, keys).flush(w.site_reports().values(), w.crawler.stats.get_stats())
    [merged] = merged_reports(server, keys, [target], merged_stats(server, keys))
    fields = ("stated_pages", "stated_items", "listing_pages", "listed", "shortfalls", "complete_columns")
    assert {f: getattr(merged, f) for f in fields} == {f: getattr(single, f) for f in fields}


@pytest.mark.redis
def test_a_pager_repeating_its_last_page_ends_the_same_walk_across_workers(fresh_replica, redis_url, keys):
    # Issue #14's trap, 100,000 pages claimed and every page past the second repeating it, with
    # its pages parsed by two workers in turn: a worker that had not parsed the page repeated
    # counted its articles as new rows, so the walk went on further and reported other numbers.
    fresh_replica.fault("jeecms", None, "huge_pager")
    fresh_replica.fault("jeecms", None, "repeat_pages")
    target = CrawlTarget("jeecms", fresh_replica.sites["jeecms"]["listing"], None)
    settings = {"ARCHIVER_FAMILIES": "generic", "ARCHIVER_MAX_LISTING_PAGES": 8}
    alone = _spider(ColumnSpider, target, **settings)
    _walk([alone], target)
    [single] = alone.site_reports().values()
    assert "repeating" in single.shortfalls[0]

    run = {"REDIS_URL": redis_url, "ARCHIVER_REDIS_PREFIX": keys.prefix, "ARCHIVER_REDIS_RUN": keys.token}
    workers = [_spider(DistributedColumnSpider, target, **settings, **run) for _ in range(2)]
    _walk(workers, target)
    merged = [w.site_reports()["jeecms"] for w in workers]
    assert sum(r.listing_pages for r in merged) == single.listing_pages
    assert [s for r in merged for s in r.shortfalls] == single.shortfalls  # same pages, same rows
