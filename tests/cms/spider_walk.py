"""Walk a column with the shipped spider's own listing code (ColumnSpider.parse_listing), pages
fetched by a plain function: the one column walker, tested directly (issue #18)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

import archiver.settings as project_settings
from archiver.cms import ListingEntry, PageRequest
from archiver.slotqueue import WALKING
from archiver.spiders.column import ColumnSpider, _form_of
from archiver.targets import CrawlTarget

# fetch(request) -> (text, content_type) or None when the page could not be fetched.
Fetch = Callable[[PageRequest], "tuple[str, str | None] | None"]


@dataclass
class Walk:
    entries: list[ListingEntry] = field(default_factory=list)
    fetched: list[PageRequest] = field(default_factory=list)
    failed: list[PageRequest] = field(default_factory=list)
    shortfalls: list[str] = field(default_factory=list)
    walking: list[str] = field(default_factory=list)  # URLs of the requests marked meta[WALKING]

    @property
    def stopped_by_cap(self) -> bool:
        return any("ARCHIVER_MAX_LISTING_PAGES" in s for s in self.shortfalls)


def spider_walk(start_url: str, fetch: Fetch, *, family: str | None = None, max_pages: int | None = None,
                incremental: bool = False) -> Walk:
    """`incremental`: the spider's revisit mode (stop at the first page listing nothing new)."""
    settings = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    if max_pages is not None:
        settings["ARCHIVER_MAX_LISTING_PAGES"] = max_pages
    target = CrawlTarget("s", start_url, family=family, full_walk=not incremental)
    spider = ColumnSpider.from_crawler(get_crawler(ColumnSpider, settings_dict=settings), [target])
    walk = Walk()
    queue = [spider.listing_request(target, start_url, pending=[])]
    while queue:
        request = queue.pop(0)
        if request.meta.get(WALKING):
            walk.walking.append(request.url)
        if request.callback != spider.parse_listing:  # an article the listing gave
            walk.entries.append(ListingEntry(request.url, request.meta.get("listing_title") or "",
                                             request.meta.get("listing_date")))
            continue
        spec = PageRequest(request.url, request.method, _form_of(request), bool(request.meta.get("api")),
                           bool(request.meta.get("json_body")))
        walk.fetched.append(spec)
        got = fetch(spec)
        if got is None:
            walk.failed.append(spec)
            response = HtmlResponse(request.url, status=404, body=b"", request=request)
        else:
            text, ctype = got
            response = HtmlResponse(request.url, body=text.encode("utf-8"), request=request, encoding="utf-8",
                                    headers={"Content-Type": (ctype or "text/html").split(";")[0] + "; charset=utf-8"})
        queue.extend(out for out in spider.parse_listing(response) if isinstance(out, Request))
    walk.shortfalls = list(spider.reports["s"].shortfalls)
    return walk
