"""The base CMS family: listing rows, pagination and article fields driven by named XPaths.

Following the alltheplaces store-finder pattern, each family module is a subclass that mostly
sets constants (where the title, info row and body live; what an article URL looks like) and
overrides a method only where the platform truly differs (Hanweb's XML datastore, TRS scripts).
Per-site knowledge stays data: `overrides` may give XPaths for title/body/date/source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree, html

from archiver.extract.boilerplate import parse_info_row, strip_boilerplate, strip_trailing_editor
from archiver.extract.dates import date_from_url
from archiver.extract.fields import clean_field_value
from archiver.extract.text import normalize_text
from archiver.extract.trace import Trace

from . import dom
from .dom import clean_title
from .listing import (
    dedup_requests,
    entry_title,
    looks_like_article,
    looks_like_page,
    row_date,
    row_of,
)
from .headline import checked_heading
from .info import nearest_dated_element
from .model import ArticlePage, Listing, ListingEntry, PageRequest
from .page import (
    ATTACHMENT_LABEL,
    attachment_holder,
    byline_author,
    first_text,
    guess_heading,
    guess_info,
    image_caption,
    is_inside,
    may_have_numbered_continuations,
    numbered_continuations,
    strip_glued_date,
    xpath,
)
from .tracing import trace_body
from .pagination import has_paging_script, pager_pages
from .urls import absolute_any, absolute_link, canonical_url

ATTACHMENT_EXT = re.compile(r"\.(pdf|docx?|xlsx?|wps|zip|rar|pptx?|et|ofd|7z)(?:$|[?#])", re.I)
_IMG_SRC_ATTRS = ("src", "data-src", "oldsrc", "data-original")
# Meta names giving the publication time, most specific first.
PUBDATE_METAS = ("PubDate", "publishdate", "pubdate", "firstpublishedtime", "article:published_time",
                 "publish_time", "Maketime")


# (url, text, doc) -> (the URLs of a column's further pages, its total pages if it says).
PageFinder = Callable[[str, str, html.HtmlElement], tuple[list[str], int | None]]

# A longer "title" is a body pasted into the heading or meta (issue #16 "Bad input").
MAX_TITLE_LEN = 200
# The heading most article templates have (a family's TITLE_XPATHS): an <h1> inside the title
# block, else any non-empty <h1>, else the title block itself (never <head>'s <title>).
TITLE_BLOCK_XPATHS = (
    "//*[contains(@class,'title')]//h1",
    "//h1[normalize-space()]",
    "//*[contains(@class,'title') and not(ancestor::head)][normalize-space()]",
)


class CMSFamily:
    """Generic behaviour; subclasses set the constants below."""

    name = "generic"
    # Detection clues (detect.py scores them; a family without clues is never detected, as
    # generic). A family's strongest clue is usually its own article URL: the weight when the
    # page's URL is an ARTICLE_URL, and when the page links to one (`href="…` + ARTICLE_URL).
    ARTICLE_URL_WEIGHT = 0
    ARTICLE_LINK_WEIGHT = 0
    # Its other clues: (weight, pattern in the URL), (weight, pattern in the page text), a
    # pattern written as a string or compiled, and (weight, literals any of which is in the
    # text, or in the lower-cased text when lower).
    URL_CLUES: tuple[tuple[int, str | re.Pattern[str]], ...] = ()
    TEXT_CLUES: tuple[tuple[int, str | re.Pattern[str]], ...] = ()
    LITERAL_CLUES: tuple[tuple[int, tuple[str, ...], bool], ...] = ()
    # Article links on a listing page (searched in the absolute URL).
    ARTICLE_URL: re.Pattern[str] | None = None
    # The main list container(s) on column pages, tried in order.
    LIST_XPATHS: tuple[str, ...] = ()
    # The article heading; the ArticleTitle meta wins over these.
    TITLE_XPATHS: tuple[str, ...] = ()
    # The article's own info row (date, source, author); never a sidebar.
    INFO_XPATHS: tuple[str, ...] = ()
    # The body container.
    BODY_XPATHS: tuple[str, ...] = ()
    # How a column page's further pages are found (listing_follow).
    LISTING_PAGES: PageFinder = staticmethod(pager_pages)

    def __init__(self) -> None:
        cls = type(self)
        self._list = [xpath(x) for x in cls.LIST_XPATHS]
        self._title = [xpath(x) for x in cls.TITLE_XPATHS]
        self._info = [xpath(x) for x in cls.INFO_XPATHS]
        self._body = [xpath(x) for x in cls.BODY_XPATHS]

    # ----------------------------------------------------------------- listings
    def parse_listing(self, url: str, text: str, doc: html.HtmlElement) -> Listing:
        entries = self.listing_entries(url, doc)
        follow, total = self.listing_follow(url, text, doc)
        return Listing(self.name, entries, dedup_requests(follow, url), total)

    def is_article_url(self, link: str) -> bool:
        if self.ARTICLE_URL is not None:
            return bool(self.ARTICLE_URL.search(link))
        return looks_like_article(link)

    def listing_roots(self, doc: html.HtmlElement) -> list[etree._Element]:
        for xp in self._list:
            found = [el for el in xp(doc) if isinstance(el, etree._Element)]
            if found:
                return found
        return []

    def listing_entries(self, url: str, doc: html.HtmlElement) -> list[ListingEntry]:
        entries = self._entries(url, doc, strict=True)
        if not entries and self.ARTICLE_URL is not None:
            # A site of this family with another article URL shape (cppcc.gov.cn's TRS serves
            # `/zxww/2023/05/22/ARTI….shtml`): fall back to the generic row heuristics.
            entries = self._entries(url, doc, strict=False)
        return entries

    def _entries(self, url: str, doc: html.HtmlElement, *, strict: bool) -> list[ListingEntry]:
        here = canonical_url(url)
        roots = self.listing_roots(doc)
        explicit = bool(roots)
        if not roots:
            body = doc.find("body")
            roots = [body if body is not None else doc]
        groups: dict[Any, list[tuple[etree._Element, etree._Element, str]]] = {}
        for root in roots:
            for a in root.iter("a"):
                link = absolute_link(url, a.get("href"))
                if not link or link == here:
                    continue
                if strict and self.ARTICLE_URL is not None:
                    if not self.ARTICLE_URL.search(link):
                        continue
                    row = row_of(a)
                else:
                    row = row_of(a)
                    if not looks_like_article(link) and not is_dated_row(link, a, row):
                        continue
                if not explicit and (dom.in_sidebar(a) or dom.sidebar_heading(a)):
                    continue
                container = row.getparent() if row is not a else a.getparent()
                key = container if not explicit else root
                groups.setdefault(key, []).append((a, row, link))
        if not groups:
            return []
        if explicit:
            chosen = [item for items in groups.values() for item in items]
        else:
            best = max(groups, key=lambda k: len(groups[k]))
            signature = (best.tag, best.get("class")) if best is not None else None
            chosen = [
                item
                for key, items in groups.items()
                if key is best or (key is not None and (key.tag, key.get("class")) == signature)
                for item in items
            ]
        entries: list[ListingEntry] = []
        seen: set[str] = set()
        for a, row, link in chosen:
            if link in seen:
                continue
            seen.add(link)
            entries.append(ListingEntry(link, entry_title(a), row_date(row, a)))
        return entries

    def listing_follow(
        self, url: str, text: str, doc: html.HtmlElement
    ) -> tuple[list[PageRequest], int | None]:
        urls, total = self.LISTING_PAGES(url, text, doc)
        return [PageRequest(u) for u in urls], total

    # ----------------------------------------------------------------- articles
    def extract_page(
        self, url: str, text: str, doc: html.HtmlElement, overrides: dict[str, Any] | None = None,
        trace: Trace | None = None,
    ) -> ArticlePage:
        overrides = overrides or {}
        page = ArticlePage(url=url, family=self.name)
        body = self.body_element(doc, text, overrides)
        title_el, page.title = self.title(doc, body, overrides)
        page.overrides_used.extend(matched_overrides(doc, overrides, ("body", "title", "source")))
        if trace is not None:  # `extract --explain` (issue #16)
            trace_body(trace, doc, body, self, "body" in page.overrides_used)
        self.read_dates_and_info(page, doc, title_el, body, overrides)
        self.read_body(page, doc, text, title_el, body)
        page.continuation_urls = self.continuation_urls(url, text, doc)
        return page

    def read_dates_and_info(
        self, page: ArticlePage, doc: html.HtmlElement, title_el: etree._Element | None,
        body: etree._Element | None, overrides: dict[str, Any],
    ) -> None:
        """Date candidates in priority order (a site override, the PubDate meta, the article's
        own info row, a date glued to the heading, the URL) plus source/author/editor. Only the
        family's info container or the element right after the heading is read: never a sidebar.
        """
        if overrides.get("date"):
            raw = first_text(doc, overrides["date"])
            if raw:
                page.date_candidates.append(("info", raw))
                page.overrides_used.append("date")
        meta_date = meta_content(doc, *PUBDATE_METAS)
        if meta_date:
            page.date_candidates.append(("meta", meta_date))
        info_text = self.info_text(doc, title_el, body)
        if not info_text and title_el is None:
            # No heading, no label: the dated element agreeing with the URL, else nearest the body.
            info_text = nearest_dated_element(doc, body, date_from_url(page.url))
        if info_text:
            info = parse_info_row(info_text)
            if info.published_raw:
                page.date_candidates.append(("info", info.published_raw))
            page.source, page.author, page.editor = info.source, info.author, info.editor
            # `来源：未知`, `作者：admin`: what a CMS prints for "nobody" is no value (issue #16).
            page.audit.extend({"rule": "placeholder_value", "text": v} for v in info.placeholders)
        if title_el is not None:
            # `…上的讲话2022年06月23日` (安徽 detail sites): the article's own date.
            glued = strip_glued_date(clean_title(dom.text_of(title_el)))[1]
            if glued:
                page.date_candidates.append(("body", glued))
        url_date = date_from_url(page.url)
        if url_date is not None:
            page.date_candidates.append(("url", url_date.isoformat()))
        if overrides.get("source"):
            page.source = first_text(doc, overrides["source"]) or page.source
        if not page.source:
            source_meta = clean_field_value(clean_title(meta_content(doc, "ContentSource", "source")))
            page.source = source_meta[0]
        # The `Author` meta of government CMSs names the publishing unit, not a person: unused.

    def read_body(
        self,
        page: ArticlePage,
        doc: html.HtmlElement,
        text: str,
        title_el: etree._Element | None,
        body: etree._Element | None,
    ) -> None:
        """Paragraphs (boilerplate stripped, every removal audited), images, attachments."""
        # Image captions and attachment links are fields of their own, not body text.
        exclude: set[etree._Element] = set()
        if title_el is not None and body is not None and is_inside(title_el, body):
            exclude.add(title_el)  # the heading sits in the densest block (table layouts)
        if body is not None:
            page.images = self.images(page.url, body, exclude)
        page.attachments = self.attachments(page.url, doc, body, exclude)
        lines = self.body_lines(body, doc, text, exclude) if body is not None else []
        paragraphs = [q for line in lines for q in normalize_text(line).split("\n") if q]
        if page.attachments:
            # `附件:<a>…</a>` in a table cell leaves its label behind once the link is taken out.
            labels = [p for p in paragraphs if ATTACHMENT_LABEL.match(p)]
            paragraphs = [p for p in paragraphs if not ATTACHMENT_LABEL.match(p)]
            page.audit.extend({"rule": "attachment_label", "text": p} for p in labels)
        kept, removed = strip_boilerplate(paragraphs)
        page.audit.extend({"rule": r.rule, "text": r.text} for r in removed)
        # `编辑:张玉兰` closing the body is a field (date-path newspapers, 安徽 detail sites).
        before = kept[-1] if kept else None
        kept, editor = strip_trailing_editor(kept)
        if editor:
            page.editor = page.editor or editor
            page.audit.append({"rule": "trailing_editor", "text": before or editor})
        page.paragraphs = kept
        if not kept:
            # A scan (images only), an attachment link, a frame: an empty body is the truth, said
            # once in the audit so archivists can find such records (issue #16 "Bad input").
            page.audit.append({"rule": "empty_body", "text": f"{len(page.images)} images, "
                               f"{len(page.attachments)} attachments"})
        if not page.author:
            # Newspaper bylines `□粟增林` open the body (date-path CMS): the line stays body text.
            page.author = byline_author(kept[:2])

    def title(
        self, doc: html.HtmlElement, body: etree._Element | None, overrides: dict[str, Any]
    ) -> tuple[etree._Element | None, str | None]:
        if overrides.get("title"):
            for el in xpath(overrides["title"])(doc):
                value = clean_title(el if isinstance(el, str) else dom.text_of(el))
                if value:
                    return (el if not isinstance(el, str) else None), value
        heading = None
        for xp in self._title:
            for el in xp(doc):
                if not isinstance(el, etree._Element) or dom.in_sidebar(el):
                    continue
                value = clean_title(dom.text_of(el))
                if value and not any(value.startswith(w) for w in dom.SIDEBAR_WORDS):
                    heading = el
                    break
            if heading is not None:
                break
        if heading is None:
            heading = guess_heading(doc, body)
        # Cross-checked against <title>, og:title, ArticleTitle: never a channel, site name,
        # masthead or breadcrumb, whichever element holds it (issue #23).
        heading, refs = checked_heading(doc, body, heading)
        meta = meta_content(doc, "ArticleTitle")
        if meta and clean_title(meta) and len(clean_title(meta)) <= MAX_TITLE_LEN:
            return heading, clean_title(meta)
        if heading is not None:
            return heading, strip_glued_date(clean_title(dom.text_of(heading)))[0]
        return None, (refs.metas[0] if refs.metas else refs.head_main)

    def info_text(
        self, doc: html.HtmlElement, title_el: etree._Element | None, body: etree._Element | None
    ) -> str | None:
        for xp in self._info:
            for el in xp(doc):
                value = el if isinstance(el, str) else dom.text_of(el)
                if value and value.strip():
                    return normalize_text(value).replace("\n", " ")
        return guess_info(doc, title_el, body)

    def body_element(
        self, doc: html.HtmlElement, text: str, overrides: dict[str, Any]
    ) -> etree._Element | None:
        if overrides.get("body"):
            found = [el for el in xpath(overrides["body"])(doc) if isinstance(el, etree._Element)]
            if found:
                return found[0]
        for xp in self._body:
            found = [el for el in xp(doc) if isinstance(el, etree._Element)]
            if found:
                return max(found, key=lambda el: len(el.text_content() or ""))
        block = dom.densest_block(doc)
        return block if block is not None else dom.image_block(doc)

    def body_lines(
        self, body: etree._Element, doc: html.HtmlElement, text: str, exclude: set[etree._Element]
    ) -> list[str]:
        return dom.element_lines(body, exclude)

    def images(
        self, url: str, body: etree._Element, exclude: set[etree._Element]
    ) -> list[dict[str, str | None]]:
        out: list[dict[str, str | None]] = []
        for img in body.iter("img"):
            src = next((img.get(a) for a in _IMG_SRC_ATTRS if img.get(a)), None)
            link = absolute_any(url, src)
            if not link or any(i["url"] == link for i in out):
                continue
            caption, holder = image_caption(img)
            if holder is not None:
                exclude.add(holder)
            out.append({"url": link, "caption": caption})
        return out

    def attachments(
        self, url: str, doc: html.HtmlElement, body: etree._Element | None, exclude: set[etree._Element]
    ) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        scope = doc.find("body") if doc.find("body") is not None else doc
        for a in scope.iter("a"):
            href = a.get("href")
            if not href or not ATTACHMENT_EXT.search(href):
                continue
            if body is None or not is_inside(a, body):
                if dom.in_sidebar(a):
                    continue
            link = absolute_any(url, href)
            if not link or any(x["url"] == link for x in out):
                continue
            name = clean_title(a.text_content()) or clean_title(a.get("title")) or link.rsplit("/", 1)[-1]
            out.append({"url": link, "name": name})
            exclude.add(attachment_holder(a))
        return out

    def may_continue(self, url: str, text: str) -> bool:
        """A cheap test on the raw text: False only when ``continuation_urls`` would find nothing."""
        return has_paging_script(text) or may_have_numbered_continuations(url, text)

    def continuation_urls(self, url: str, text: str, doc: html.HtmlElement) -> list[str]:
        """Further pages of this article (`[1] [2] [3]`, `_1`, `page=2`), in order, page 1 excluded."""
        return numbered_continuations(url, doc)


# --------------------------------------------------------------------- helpers


def is_dated_row(link: str, a: etree._Element, row: etree._Element) -> bool:
    """Unknown layouts: a titled link with its own date in a list row is an article."""
    if row is a or not looks_like_page(link):
        return False
    return len(clean_title(a.text_content())) >= 4 and row_date(row, a) is not None


def matched_overrides(doc: html.HtmlElement, overrides: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    """The override XPaths among `keys` that found something on the page: they took effect and
    the version's provenance names them (issue #16)."""
    used = []
    for key in keys:
        if overrides.get(key) and any(
            isinstance(el, etree._Element) or (isinstance(el, str) and el.strip())
            for el in xpath(overrides[key])(doc)
        ):
            used.append(key)
    return used


def meta_content(doc: html.HtmlElement, *names: str) -> str | None:
    return dom.meta_content(doc, *names)


