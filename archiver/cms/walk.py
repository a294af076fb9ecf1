"""Walking a column: listing pages and their `follow` requests, bounded against traps.

The spider schedules the same requests through Scrapy; this synchronous walker is the reference
behaviour (and what tests and the `extract` tooling use): each request is fetched once, a page
that yields no new entry does not extend the walk (a calendar or a repeating page cannot run
forever), and at most `max_pages` pages are fetched (the crawl passes ARCHIVER_MAX_LISTING_PAGES).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from . import parse_listing
from .model import ListingEntry, PageRequest
from .pagination import MAX_LISTING_PAGES

# fetch(request) -> (text, content_type) or None when the page could not be fetched.
Fetch = Callable[[PageRequest], "tuple[str, str | None] | None"]


@dataclass
class Walk:
    entries: list[ListingEntry] = field(default_factory=list)
    fetched: list[PageRequest] = field(default_factory=list)
    failed: list[PageRequest] = field(default_factory=list)
    stopped_by_cap: bool = False


def request_key(req: PageRequest) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    return (req.url, req.method.upper(), tuple(sorted((req.formdata or {}).items())))


def walk_listing(
    start_url: str,
    fetch: Fetch,
    *,
    family: str | None = None,
    max_pages: int = MAX_LISTING_PAGES,
    incremental: bool = False,
) -> Walk:
    """Fetch the column from `start_url` through every `follow` request; entries in page order.

    `incremental` stops the whole walk at the first page without a new entry, as the spider
    does on revisits (newest first: older pages hold nothing new either); the default only
    stops that page from extending the walk.
    """
    walk = Walk()
    queue: deque[PageRequest] = deque([PageRequest(start_url)])
    seen_requests = {request_key(queue[0])}
    seen_entries: set[str] = set()
    while queue:
        if len(walk.fetched) >= max_pages:
            walk.stopped_by_cap = True
            break
        req = queue.popleft()
        got = fetch(req)
        walk.fetched.append(req)
        if got is None:
            walk.failed.append(req)
            continue
        text, content_type = got
        listing = parse_listing(req.url, text, family=family, content_type=content_type, request=req)
        new = [e for e in listing.entries if e.url not in seen_entries]
        for entry in new:
            seen_entries.add(entry.url)
            walk.entries.append(entry)
        if not new and len(walk.fetched) > 1:
            if incremental:
                break
            continue  # nothing new here: do not let this page extend the walk
        for nxt in listing.follow:
            key = request_key(nxt)
            if key not in seen_requests:
                seen_requests.add(key)
                queue.append(nxt)
    return walk
