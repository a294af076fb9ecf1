"""The column spider: walks a speech column's listing pages and fetches its articles.

It knows nothing about any particular site: the CMS family's module (archiver/cms/) reads the
listings, the registry (archiver/sites/) supplies per-site data. It only fetches and records
raw exchanges; the pipelines extract and store.

Incremental by design: listing pages are read newest first, one after another, and paging stops
at the first page with nothing new unless a full walk is wanted (first crawl of a column, an
unfinished earlier walk, or ``--revisit all``). Known articles are revisited from the archive,
not from the listings, with conditional requests.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cached_property
from datetime import UTC, datetime
from typing import Any, AsyncIterator, Iterator, Mapping
from urllib.parse import parse_qsl, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.python.failure import Failure

from archiver import limits, offthread
from archiver.cms import (
    PageRequest, canonical_url, continuation_urls, is_soft_404, parse_families, parse_listing,
)
from archiver.extract.encoding import decode_html
from archiver.challenge import CHALLENGE_STATUSES, RobotsChallenged, challenge_note
from archiver.items import ArticleItem, FetchedPage, FetchItem, GoneItem, UnchangedItem
import archiver.report as site_reports
from archiver.report import SiteReport
from archiver.spiders import walkcount
from archiver.spiders.completeness import ColumnLedger
from archiver.slotqueue import WALKING
from archiver.spiders.walkcount import WALK
from archiver.targets import CrawlTarget, KnownArticle  # noqa: F401 - importers' old home

# Scheduling order within a site: a started article's next page first (its earlier pages wait in
# memory), then the articles listed, then the next listing page. Listing pages first (Scrapy's
# LIFO queue did that) queued a whole column's article requests: 30 MB at 1,000 per column.
ARTICLE_PRIORITY, CONTINUATION_PRIORITY = 1, 2
# Listing pages still to walk (as the pager states them) that make a column deep: at 6-20 articles a
# page, 3 pages are 20-60 requests a delay apart, more than most columns' whole walk. Every request
# of a deep column's walk from then on (listing pages, the articles they list, their next pages)
# carries meta[WALKING]: its host comes first among the idle ones (archiver/slotqueue.py), as its
# delay is the run's critical path.
DEEP_COLUMN_PAGES = 3
# Statuses handed to our callbacks instead of being dropped; 3xx stay with the redirect
# middleware so that a redirect to the home page can be seen in `redirect_urls`.
HANDLED_STATUSES = [304, 400, 401, 403, 404, 410, 412, 429, 451, 500, 502, 503, 504, 521]
GONE_STATUSES = {404: "http-404", 410: "http-410"}
# What an article's continuation requests inherit from its first page's request.
ARTICLE_META = ("site", "article_url", "listing_url", "listing_title", "listing_date", "family",
                "handle_httpstatus_list", "target", WALKING)
HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.php", "/default.aspx"}


def _deep(walk: dict[str, Any], page_no: int, meta: Mapping[str, Any]) -> bool:
    """Whether the walk at ``page_no`` is a deep column's: its pager states more than
    DEEP_COLUMN_PAGES pages after this one, or the page came from a walk already deep (the mark
    stays to the walk's end: its last pages are on the critical path too)."""
    stated = walk.get("stated_pages")
    return bool(meta.get(WALKING)) or bool(stated and stated - page_no > DEEP_COLUMN_PAGES)


def to_page(response: Response, *, referer: str | None = None) -> FetchedPage:
    request = response.request
    return FetchedPage(
        url=response.url,
        status=response.status,
        body=response.body,
        fetched_at=datetime.now(UTC),
        response_headers=_header_pairs(response.headers),
        request_headers=_header_pairs(request.headers) if request is not None else [],
        method=request.method if request is not None else "GET",
        request_body=request.body if request is not None else b"",
        referer=referer,
    )


def failed_page(request: Request, error: str) -> FetchedPage:
    return FetchedPage(
        url=request.url,
        status=0,
        body=b"",
        fetched_at=datetime.now(UTC),
        request_headers=_header_pairs(request.headers),
        method=request.method,
        request_body=request.body,
        referer=request.meta.get("listing_url"),
    )


def _header_pairs(headers) -> list[tuple[str, str]]:
    pairs = []
    for key, values in headers.items():
        name = key.decode("latin-1")
        for value in values:
            pairs.append((name, limits.stored_header_value(value.decode("latin-1"))))
    return pairs


def is_redirect_home(response: Response) -> bool:
    if not response.meta.get("redirect_urls"):
        return False
    return urlsplit(response.url).path.lower() in HOME_PATHS


class ColumnSpider(scrapy.Spider):
    name = "column"
    # Whether this process sees every article of its columns stored (not so when several
    # workers share a frontier: the article may be stored by another one).
    confirms_storage = True

    def __init__(
        self,
        targets: list[CrawlTarget],
        *,
        run_id: int | None = None,
        known: Mapping[str, KnownArticle] | None = None,
        revisit: str = "due",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.targets = {t.listing_url: t for t in targets}
        self.run_id = run_id
        self.known = dict(known or {})
        self.revisit = revisit
        # Each site's walk until the spider closes (no counts: they are in the stats), then its
        # report (site_reports()).
        self.reports: dict[str, SiteReport] = {}
        self.reports_final = False
        for t in targets:
            self.reports.setdefault(t.site, SiteReport(site=t.site, listing_url=t.listing_url))
        self.requested_articles: set[str] = set()
        self.seen_listings: set[str] = set()
        self.listed_urls: set[str] = set()  # article links listed this run (issue #14's counts)
        # Columns with an article that failed this run: their walk does not count as complete,
        # so the next run walks them again and retries the article (issue #9: an incremental
        # run stopped at page 1 and never retried a timed-out article listed on page 2).
        self.failed_targets: set[str] = set()
        self.ledger = ColumnLedger()  # what each column listed and is not stored yet (issue #15)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> "ColumnSpider":
        if "targets" not in kwargs and not args:  # `scrapy crawl column -a url=…` (issue #17)
            from archiver.spiders.arguments import targets_from_arguments

            kwargs = targets_from_arguments(crawler.settings, kwargs)
        spider = super().from_crawler(crawler, *args, **kwargs)
        if cls.confirms_storage:
            spider.ledger = spider.column_ledger(crawler)
            crawler.signals.connect(spider.ledger.scheduled, signal=signals.request_scheduled)
        return spider

    def column_ledger(self, crawler) -> ColumnLedger:  # type: ignore[no-untyped-def]
        """Where this crawl keeps what its columns listed and is not stored yet: this process
        (a distributed crawl keeps it in Redis, archiver/distributed/spider.py)."""
        return self.ledger
    # -- site reports: the counts and notes in the stats, the walk of each site in self.reports --
    def site_count(self, site: str, name: str) -> None:
        site_reports.count(self.crawler.stats, site, name)

    def site_note(self, site: str, message: str) -> None:
        site_reports.note(self.crawler.stats, site, message)

    def site_challenged(self, site: str) -> None:
        site_reports.challenge(self.crawler.stats, site)

    def site_reports(self) -> dict[str, SiteReport]:
        """Each site's report as of now (archiver/report.py's ``from_stats``); final once closed."""
        if self.reports_final:
            return self.reports
        stats = self.crawler.stats.get_stats()
        return {site: site_reports.from_stats(walk, stats) for site, walk in self.reports.items()}

    def article_stored(self, url: str) -> None:
        """Called by the storage pipeline once ``url`` is committed."""
        self.ledger.stored(url)

    @cached_property
    def _columns_per_site(self) -> Counter[str]:
        # Counted once: counting per finished walk was O(sites x columns), seconds of a
        # 3,000-site nightly's reactor (issue #21).
        return Counter(t.site for t in self.targets.values())

    @cached_property
    def families(self) -> frozenset[str] | None:
        """The family modules this run may use (ARCHIVER_FAMILIES; None: all; issue #16)."""
        return parse_families(self.settings.get("ARCHIVER_FAMILIES"))

    async def start(self) -> AsyncIterator[Request]:
        for target in self.targets.values():
            if target.family and self.families is not None and target.family not in self.families:
                self.site_note(target.site, f"registry family {target.family!r} disabled by ARCHIVER_FAMILIES: "
                                            "generic path used")
            yield self.listing_request(target, _entry_spec(target.start_url) or target.listing_url, pending=[])
        for request in self.revisit_requests():
            yield request

    # -- requests --------------------------------------------------------------------------
    def _meta(self, site: str, url: str, **extra: Any) -> dict[str, Any]:
        netloc = urlsplit(url).netloc
        # One slot per host:port, so that "one request at a time per host" holds per site.
        return {"site": site, "download_slot": netloc, "handle_httpstatus_list": HANDLED_STATUSES, **extra}

    def listing_request(self, target: CrawlTarget, spec: Any, *, pending: list, page_no: int = 1) -> Request:
        url, method, formdata = _request_spec(spec)
        self.seen_listings.add(_listing_key(url, method, formdata))
        meta = self._meta(target.site, url, target=target.listing_url, pending=pending, page_no=page_no,
                          api=bool(getattr(spec, "api", False)),
                          render=target.render)  # only listings carry render: archiver/render.py
        if formdata is not None and getattr(spec, "json", False):  # a list API taking JSON (issue #14)
            return scrapy.http.JsonRequest(
                url, data=formdata, method=method, callback=self.parse_listing,
                errback=self.listing_failed, meta={**meta, "json_body": True}, dont_filter=True,
            )
        if formdata is not None:
            return scrapy.FormRequest(
                url, formdata=formdata, method=method, callback=self.parse_listing,
                errback=self.listing_failed, meta=meta, dont_filter=True,
            )
        return Request(
            url, method=method, callback=self.parse_listing, errback=self.listing_failed,
            meta=meta, dont_filter=True,
        )

    def article_request(
        self, site: str, url: str, *, listing_url: str | None, family: str | None,
        title: str | None = None, date: str | None = None, known: KnownArticle | None = None,
    ) -> Request:
        headers = {}
        if known is not None and known.status == "live":
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        meta = self._meta(
            site, url, article_url=url, listing_url=listing_url, listing_title=title,
            listing_date=date, family=family, pages=[],
        )
        return Request(
            url, headers=headers, callback=self.parse_article, errback=self.article_failed,
            priority=ARTICLE_PRIORITY,
            meta=meta,  # the dupe filter (shared through Redis when distributed) sees articles
        )

    def revisit_requests(self) -> Iterator[Request]:
        if self.revisit == "none":
            return
        # Indexed by site once: a lookup per article over every target was 55 million URL
        # parses for 3,000 sites of known articles, minutes before the first request (issue #21).
        by_site = _targets_by_site(self.targets)
        for article in self.known.values():
            target = by_site.get(_site_key(article.url))
            if target is None or article.url in self.requested_articles:
                continue
            if self.revisit == "all" or article.due:
                self.requested_articles.add(article.url)
                yield self.article_request(
                    target.site, article.url, listing_url=None, family=target.family, known=article,
                )

    # -- listings --------------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Any:
        """A big listing page is parsed on the worker thread (archiver/offthread.py, issue #15):
        the callback is then a coroutine that returns the same output once the parse is done."""
        if response.status < 400 and offthread.is_big(len(response.body), self.settings):
            return self._parse_listing_off_thread(response)
        return self._parse_listing(response)

    async def _parse_listing_off_thread(self, response: Response) -> list[Any]:
        target = self.targets[response.meta["target"]]
        self.crawler.stats.inc_value("archiver/offthread/listing_pages")
        read = await maybe_deferred_to_future(offthread.run(self._read_listing, response, target))
        return list(self._parse_listing(response, read))

    def _read_listing(self, response: Response, target: CrawlTarget) -> tuple[Any, int]:
        """The page decoded, cut at ARCHIVER_MAX_LISTING_CHARS and parsed: (listing, characters
        left out). Touches no crawl state: it may run on the worker thread."""
        text = decode_html(response.body, header_charset=_header_charset(response)).text
        text, dropped = limits.cap(text, self.settings.getint(limits.LISTING_SETTINGS["listing_chars"]))
        listing = parse_listing(
            response.url, text, family=target.family, families=self.families,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            request=PageRequest(response.request.url, response.request.method, _form_of(response.request),
                                bool(response.meta.get("api")), bool(response.meta.get("json_body"))),
        )
        return listing, dropped

    def _parse_listing(self, response: Response, read: tuple[Any, int] | None = None) -> Iterator[Any]:
        site = response.meta["site"]
        target, report = self.targets[response.meta["target"]], self.reports[site]
        self.site_count(report.site, "requests")
        yield FetchItem(site=site, page=to_page(response), run_id=self.run_id, kind="listing")
        if response.status in CHALLENGE_STATUSES:
            self.site_challenged(report.site)
            self.site_note(site, challenge_note(response.status, response.url))
            return
        if response.status >= 400 and self._is_stale_entry_point(target, response.url):
            yield self.listing_request(target, target.listing_url, pending=[])
            return
        walk = response.meta.get(WALK) or walkcount.new_walk()
        if response.status >= 400:
            self.site_count(report.site, "listing_errors")
            self.site_note(report.site, f"listing {response.url} answered HTTP {response.status}")
            # The column goes on past a failed page (issue #14): its later pages are still there.
            walk = walkcount.count_page(walk, failure=f"{response.url}: HTTP {response.status}")
            page_no = response.meta["page_no"]
            yield from self._walk_on(target, report, list(response.meta["pending"]), page_no, walk,
                                     walking=_deep(walk, page_no, response.meta))
            return
        self.site_count(report.site, "listing_pages")
        listing, dropped = read or self._read_listing(response, target)
        self._bounded(report, target, response.url, "listing_chars", dropped)
        page_no = response.meta["page_no"]
        # The column page of a list API (an empty shell naming its API) is not one of the pages the
        # API states: the API's first page is the walk's page 1 (ARCHIVER_MAX_LISTING_PAGES too).
        shell = (page_no == 1 and not listing.entries and bool(listing.follow)
                 and all(getattr(spec, "api", False) for spec in listing.follow))
        if response.meta.get("api") and listing.problems and not listing.entries:
            walk = walkcount.count_page(walk, failure=listing.problems[0])  # an API that answered HTML
        else:
            for problem in listing.problems:
                self.site_note(report.site, f"{target.listing_url}: {problem}")
            # Rows new to this run: pages that repeat the same articles do not swell the count.
            fresh = self.fresh_rows(response.request, {canonical_url(e.url) for e in listing.entries})
            walk = walkcount.count_page(walk, rows=fresh, listed=len(listing.entries),
                                        stated_pages=listing.total_pages,
                                        stated_items=listing.total_items, page=not shell)
        new, walking = 0, _deep(walk, page_no - shell, response.meta)
        entries, dropped = limits.cap(listing.entries, self.settings.getint(limits.LISTING_SETTINGS["listing_entries"]))
        self._bounded(report, target, response.url, "listing_entries", dropped)
        for entry in entries:
            url = canonical_url(entry.url)
            if not _same_site(url, target.listing_url):
                continue
            self.site_count(report.site, "listed")
            if url in self.requested_articles:
                continue
            known = self.known.get(url)
            if known is not None and not (self.revisit == "all" or known.due):
                continue
            if known is None:
                new += 1
            self.requested_articles.add(url)
            request = self.article_request(
                site, url, listing_url=response.url, family=target.family or listing.family,
                title=entry.title, date=entry.date_raw, known=known,
            )
            request.meta["target"] = target.listing_url
            if walking:
                request.meta[WALKING] = True
            yield request
        pending = list(response.meta["pending"])
        for spec in listing.follow:
            if getattr(spec, "guessed", False) and page_no - shell > 1:  # see PageRequest.guessed
                self.crawler.stats.inc_value("archiver/listing/guessed_pages_ignored")
                continue
            url, method, formdata = _request_spec(spec)
            key = _listing_key(url, method, formdata)
            if key not in self.seen_listings and _same_site(url, target.listing_url):
                self.seen_listings.add(key)
                pending.append(spec)
        if page_no == 1 and not listing.entries and len(pending) == 1 and response.url == target.listing_url:
            report.entry_points[target.listing_url] = _entry_point(pending[0])
        if page_no == 1 and target.start_url and response.url == _start_url(target) and listing.entries:
            report.entry_points[target.listing_url] = target.start_url  # still the column's list
        # A page listing nothing (an empty shell before its list API) says nothing about what is
        # new: only a page of known articles stops an incremental walk.
        keep_walking = target.full_walk or self.revisit == "all" or new > 0 or not listing.entries
        yield from self._walk_on(target, report, pending, page_no - shell, walk, incremental_stop=not keep_walking,
                                 walking=walking)

    def fresh_rows(self, page: Request, urls: set[str]) -> int:
        """How many of the article links of listing ``page`` no page of this run listed before
        (a distributed crawl asks the run in Redis: archiver/distributed/spider.py)."""
        fresh = urls - self.listed_urls
        self.listed_urls |= fresh
        return len(fresh)

    def _walk_on(self, target: CrawlTarget, report: SiteReport, pending: list, page_no: int,
                 walk: dict[str, Any], *, walking: bool, incremental_stop: bool = False) -> Iterator[Request]:
        """The column's next listing page, or the end of its walk with what it did not cover.
        ``walking``: the walk is a deep column's (``_deep``), its next page marked for the scheduler."""
        max_pages = self.settings.getint("ARCHIVER_MAX_LISTING_PAGES")
        stop = walkcount.stop_reason(walk)
        if pending and not incremental_stop and not stop and page_no < max_pages:
            request = self.listing_request(target, pending[0], pending=pending[1:], page_no=page_no + 1)
            request.meta[WALK] = walk
            if walking:
                request.meta[WALKING] = True
            yield request
            return
        ended = ("incremental" if incremental_stop else stop or "cut") if pending else "last-page"
        several = self._columns_per_site[target.site] > 1
        walkcount.end_walk(report, target.listing_url, walk, ended=ended, max_pages=max_pages,
                           stats=self.crawler.stats, name_column=several)

    def _bounded(self, report: SiteReport, target: CrawlTarget, url: str, key: str, dropped: int) -> None:
        # A listing page's text (parse time and memory grow with it: issue #15, 100,000 links
        # blocked the reactor for 27 s) and its links are read up to a bound. A column read in
        # part is not complete: the next run walks it again.
        if dropped:
            setting = limits.LISTING_SETTINGS[key]
            self.failed_targets.add(target.listing_url)
            limits.report_limit(report, self.crawler.stats, key, f"listing {url}: {dropped} {key.split('_')[1]} "
                                f"past {setting} ({self.settings.getint(setting)}) not read")

    def _is_stale_entry_point(self, target: CrawlTarget, url: str) -> bool:
        return bool(target.start_url) and url == _start_url(target) != target.listing_url

    def listing_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        site = request.meta["site"]
        target = self.targets[request.meta["target"]]
        if self._is_stale_entry_point(target, request.url):
            # The list API learnt last time moved: start again from the column page.
            yield self.listing_request(target, target.listing_url, pending=[])
            return
        report = self.reports[site]
        if isinstance(failure.value, RobotsChallenged):  # nothing was sent: robots.txt said it all
            self._challenged_by_robots(report, failure.value)
            return
        self.site_count(report.site, "requests")
        self.site_count(report.site, "listing_errors")
        error = _describe_failure(failure)
        self.site_note(report.site, f"listing {request.url}: {error}")
        limits.report_refusal(report, failure.value)
        yield FetchItem(site=site, page=failed_page(request, error), run_id=self.run_id, kind="listing", error=error)
        walk = walkcount.count_page(request.meta.get(WALK) or walkcount.new_walk(), failure=f"{request.url}: {error}")
        page_no = request.meta.get("page_no", 1)
        yield from self._walk_on(target, report, list(request.meta.get("pending", [])), page_no, walk,
                                 walking=_deep(walk, page_no, request.meta))

    # -- articles --------------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        site, article_url = meta["site"], meta["article_url"]
        report = self.reports[site]
        self.site_count(report.site, "requests")
        page = to_page(response, referer=meta.get("listing_url"))
        first_page = not meta["pages"]
        known = self.known.get(article_url)
        if first_page and response.status == 304:
            yield UnchangedItem(site=site, url=article_url, page=page, run_id=self.run_id)
            return
        if first_page and (response.status in GONE_STATUSES or is_redirect_home(response)):
            how = GONE_STATUSES.get(response.status, "redirect-home")
            if known is not None:
                yield GoneItem(site=site, url=article_url, how=how, page=page, run_id=self.run_id)
            else:
                self.site_count(report.site, "errors")
                self._article_failed(meta)
                self.site_note(report.site, f"{article_url}: {how}")
                yield FetchItem(site=site, page=page, run_id=self.run_id, kind="article-error", error=how)
            return
        if response.status in CHALLENGE_STATUSES:
            self.site_challenged(report.site)
            self._article_failed(meta)
            self.site_note(site, challenge_note(response.status, response.url))
            yield FetchItem(site=site, page=page, run_id=self.run_id, kind="article-error", error="challenged")
            return
        if response.status != 200:
            self.site_count(report.site, "errors")
            self._article_failed(meta)
            self.site_note(report.site, f"{response.url} answered HTTP {response.status}")
            yield FetchItem(site=site, page=page, run_id=self.run_id, kind="article-error",
                            error=f"HTTP {response.status}")
            return
        pages = [*meta["pages"], page]
        remaining = meta.get("continuations")
        if first_page:
            text = decode_html(response.body, header_charset=_header_charset(response)).text
            if is_soft_404(text):
                if known is not None:
                    yield GoneItem(site=site, url=article_url, how="soft-404", page=page, run_id=self.run_id)
                else:
                    self.site_count(report.site, "errors")
                    self._article_failed(meta)
                    self.site_note(report.site, f"{article_url}: soft 404")
                    yield FetchItem(site=site, page=page, run_id=self.run_id, kind="article-error", error="soft-404")
                return
            family = meta.get("family")
            limit = self.settings.getint("ARCHIVER_MAX_ARTICLE_PAGES")
            found = [canonical_url(u) for u in continuation_urls(response.url, text, family, self.families)]
            remaining = [u for u in dict.fromkeys(found) if u != article_url][: limit - 1]
        budget = self.settings.getint("ARCHIVER_MAX_ARTICLE_BYTES")
        if remaining and limits.article_bytes(pages) >= budget:
            # Issue #15: 30 pages of 15 MB each took 3 GB. The pages fetched are stored, not the rest.
            limits.report_limit(report, self.crawler.stats, "article_bytes",
                                f"{article_url}: stored its first {len(pages)} pages, not the {len(remaining)} "
                                f"after them (ARCHIVER_MAX_ARTICLE_BYTES, {budget} B)")
            remaining = []
        if remaining:
            next_url, rest = remaining[0], remaining[1:]
            # The next page may bring the article to its budget, not past it (issue #15).
            room = min(budget - limits.article_bytes(pages), self.settings.getint("DOWNLOAD_MAXSIZE"))
            yield Request(
                next_url, callback=self.parse_article, errback=self.continuation_failed,
                priority=CONTINUATION_PRIORITY,
                meta={**{k: meta[k] for k in ARTICLE_META if k in meta}, "pages": pages,
                      "continuations": rest, "download_slot": urlsplit(next_url).netloc,
                      "download_maxsize": room},
            )
            return
        yield self._article_item(meta, pages)

    def _article_item(self, meta: Mapping[str, Any], pages: list[FetchedPage]) -> ArticleItem:
        target = self.targets.get(meta.get("target")) or _target_of(meta["article_url"], self.targets)
        return ArticleItem(
            site=meta["site"], url=meta["article_url"], pages=pages, run_id=self.run_id,
            family=meta.get("family"), listing_url=meta.get("listing_url"),
            listing_title=meta.get("listing_title"), listing_date=meta.get("listing_date"),
            overrides=dict(target.overrides) if target else {},
        )

    def continuation_failed(self, failure: Failure) -> Iterator[Any]:
        """A continuation page refused for its size (past what is left of the article's budget,
        or DOWNLOAD_MAXSIZE): the pages before it are the article, stored and reported cut."""
        meta = failure.request.meta
        if not (limits.is_size_refusal(failure.value) and self.crawler.crawling):
            yield from self.article_failed(failure)
            return
        report = self.reports[meta["site"]]
        self.site_count(report.site, "requests")
        limits.report_limit(report, self.crawler.stats, "article_bytes",
                            f"{meta['article_url']}: stored its first {len(meta['pages'])} pages, not "
                            f"{failure.request.url} and after (ARCHIVER_MAX_ARTICLE_BYTES, "
                            f"{self.settings.getint('ARCHIVER_MAX_ARTICLE_BYTES')} B)")
        yield self._article_item(meta, meta["pages"])

    def article_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        site = request.meta["site"]
        report = self.reports[site]
        if isinstance(failure.value, RobotsChallenged):  # a revisit: the site is challenged, not broken
            self._challenged_by_robots(report, failure.value)
            return
        self.site_count(report.site, "requests")
        self.site_count(report.site, "errors")
        self._article_failed(request.meta)
        error = _describe_failure(failure)
        self.site_note(report.site, f"{request.url}: {error}")
        limits.report_refusal(report, failure.value)
        # Pages fetched before a failed continuation page are recorded, but the article is not
        # stored as if complete: the next run fetches it again.
        for page in request.meta.get("pages", []):
            yield FetchItem(site=site, page=page, run_id=self.run_id, kind="article-incomplete", error=error)
        yield FetchItem(site=site, page=failed_page(request, error), run_id=self.run_id,
                        kind="article-error", error=error)

    def _challenged_by_robots(self, report: SiteReport, exc: RobotsChallenged) -> None:
        # Once per site: every request of a challenged host fails the same way.
        if not self.crawler.stats.get_value(site_reports.site_stat(report.site, "challenged")):
            self.site_challenged(report.site)
            self.site_note(report.site, str(exc))

    def _article_failed(self, meta: Mapping[str, Any]) -> None:
        if meta.get("target"):
            self.failed_targets.add(meta["target"])

    def closed(self, reason: str) -> None:
        self.reports, self.reports_final = self.site_reports(), True
        for report in self.reports.values():
            self.ledger.settle(report, self.failed_targets)


def _entry_point(spec: Any) -> str | dict:
    """Where a column's list really starts, as kept in the run summary for the next run: a URL,
    or a list API asked by POST (its form or JSON fields: `$.post`, `fetch` with a body)."""
    url, method, formdata = _request_spec(spec)
    if method == "GET" and formdata is None:
        return url
    return {"url": url, "method": method, "form": dict(formdata or {}), "json": bool(getattr(spec, "json", False))}


def _entry_spec(start: str | dict | None) -> str | PageRequest | None:
    if isinstance(start, dict):
        return PageRequest(start["url"], start.get("method", "POST"), start.get("form") or {}, api=True,
                           json=bool(start.get("json")))
    return start


def _start_url(target: CrawlTarget) -> str | None:
    start = target.start_url
    return start.get("url") if isinstance(start, dict) else start


def _request_spec(spec: Any) -> tuple[str, str, dict | None]:
    if isinstance(spec, str):
        return spec, "GET", None
    return spec.url, getattr(spec, "method", "GET") or "GET", getattr(spec, "formdata", None)


def _form_of(request: Request) -> dict[str, str] | None:
    """The fields of a POSTed listing request (a list API's page number may be among them)."""
    if request.method != "POST" or not request.body:
        return None
    body = request.body.decode("utf-8", "replace")
    if request.meta.get("json_body"):
        try:
            fields = json.loads(body)
        except ValueError:
            return None
        return {str(k): str(v) for k, v in fields.items()} if isinstance(fields, dict) else None
    return dict(parse_qsl(body, keep_blank_values=True))


def _listing_key(url: str, method: str, formdata: dict | None) -> str:
    form = "&".join(f"{k}={v}" for k, v in sorted((formdata or {}).items()))
    return f"{method} {url} {form}"


def _header_charset(response: Response) -> str | None:
    content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
    if "charset=" in content_type:
        return content_type.split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or None
    return None


DEFAULT_PORTS = {"http": 80, "https": 443}


def _same_site(url: str, listing_url: str) -> bool:
    """Same host (ignoring a leading www.) and port; http and https count as one site."""
    a, b = urlsplit(url), urlsplit(listing_url)
    if a.scheme not in DEFAULT_PORTS or not a.hostname or not b.hostname:
        return False
    host_a, host_b = a.hostname.removeprefix("www."), b.hostname.removeprefix("www.")
    port_a = a.port or DEFAULT_PORTS[a.scheme]
    port_b = b.port or DEFAULT_PORTS.get(b.scheme, 0)
    return host_a == host_b and (port_a == port_b or {port_a, port_b} == {80, 443})


def _site_key(url: str) -> tuple[str, int | str] | None:
    """What :func:`_same_site` compares: host without www., and port (80 and 443 as one)."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    except ValueError:
        return None
    return parts.hostname.removeprefix("www."), "default" if port in (80, 443) else port


def _targets_by_site(targets: Mapping[str, CrawlTarget]) -> dict:
    index: dict = {}
    for target in targets.values():
        index.setdefault(_site_key(target.listing_url), target)
    index.pop(None, None)
    return index


def _target_of(url: str, targets: Mapping[str, CrawlTarget]) -> CrawlTarget | None:
    for target in targets.values():
        if _same_site(url, target.listing_url):
            return target
    return None


def _describe_failure(failure: Failure) -> str:
    value = failure.value
    name = type(value).__name__
    text = str(value).strip()
    if not text and name == "DownloadCancelledError":
        # Scrapy cancels a body that grows past DOWNLOAD_MAXSIZE without a message (issue #9);
        # the fetch row must still say why.
        text = "download cancelled (body larger than DOWNLOAD_MAXSIZE, or the crawl was stopping)"
    return f"{name}: {text}"[:500] if text else name
