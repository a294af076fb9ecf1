"""Plain data returned by the CMS layer (see docs/CONTRACTS.md)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ListingEntry:
    url: str  # absolute, canonical
    title: str  # full title when the page gives it (title= attribute), else the link text
    date_raw: str | None = None  # the row's own date string, as written


@dataclass
class PageRequest:
    url: str
    method: str = "GET"
    formdata: dict[str, str] | None = None
    api: bool = False  # a list API's page: an HTML answer is a fault, not a listing (issue #14)
    json: bool = False  # the fields go as a JSON body (`axios.post(url, {…})`, JSON.stringify)
    # Built from a platform's usual page names alone (a count stated, no page URL seen): only a
    # column's first page seeds these; a later page's own numbered URL (`index_8.html`) would
    # give `index_8_2.html`.
    guessed: bool = False


@dataclass
class Listing:
    family: str
    entries: list[ListingEntry] = field(default_factory=list)
    follow: list[PageRequest] = field(default_factory=list)
    total_pages: int | None = None
    # What the column states of its size (`共N条`, an API's total): compared with what the crawl
    # walked and stored (issue #14). None when it says nothing.
    total_items: int | None = None
    # What went wrong reading it (an API answering HTML, a pager naming other sites): one line each.
    problems: list[str] = field(default_factory=list)


@dataclass
class ArticlePage:
    """What one page of an article says, before dates are parsed and pages are merged."""

    url: str
    family: str
    title: str | None = None
    # (where, raw) in priority order: meta, info, url, body; the record adds the listing date.
    date_candidates: list[tuple[str, str]] = field(default_factory=list)
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    paragraphs: list[str] = field(default_factory=list)  # body, boilerplate removed
    audit: list[dict[str, str]] = field(default_factory=list)  # every removal: {"rule","text"}
    images: list[dict[str, str | None]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    continuation_urls: list[str] = field(default_factory=list)
    soft_404: bool = False
    overrides_used: list[str] = field(default_factory=list)  # registry overrides that matched (#16)
