"""Listing-page heuristics shared by the families: article-like links, rows, titles, dates.

A listing row is the `li`/`tr`/`dd` holding an article link; its date is the row's own text
outside the link (titles may contain dates); its title is the link's `title=` attribute when
the text is truncated with `...`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from . import dom
from .dom import clean_title
from .model import PageRequest
from .pagination import MAX_LISTING_PAGES
from .urls import canonical_url

_ROW_TAGS = ("li", "tr", "dd", "dt", "p")
_CONTAINER_TAGS = ("ul", "ol", "table", "tbody", "dl", "body")


def dedup_requests(requests: list[PageRequest], url: str) -> list[PageRequest]:
    here = canonical_url(url)
    out: list[PageRequest] = []
    seen: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
    for req in requests:
        key = (req.url, req.method, tuple(sorted((req.formdata or {}).items())))
        if (req.url == here and req.method == "GET") or key in seen:
            continue
        seen.add(key)
        out.append(req)
        if len(out) >= MAX_LISTING_PAGES:
            break
    return out


_ARTICLE_HINT = re.compile(
    r"(?:/t\d{8}_\d+|/art_\d+_\d+|/content_\d+|/post_\d+|/content/detail/|[?&](?:id|articleid|aid|"
    r"newsid|infoid)=\d+|/\d{4,}\.s?html?$|/(?:show|view|detail|content|article|info)[^/]*/|"
    r"news[-_]view|news-\d+\.html|Content-\d+|/info/\d+)",
    re.I,
)
_NOT_ARTICLE = re.compile(r"(?:/index(?:_\d+)?\.s?html?(?:\?|$)|/$|node_\d+|/col/col|list)", re.I)


_ASSET_EXT = (".jpg", ".jpeg", ".png", ".gif", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar",
              ".css", ".js")


def _local(link: str) -> str:
    """Path and query only: a host name such as `listzx.gov.cn` says nothing about the page."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def looks_like_article(link: str) -> bool:
    local = _local(link)
    return bool(_ARTICLE_HINT.search(local)) and not _NOT_ARTICLE.search(local)


def looks_like_page(link: str) -> bool:
    """Not a column/index/pager/asset link (used for dated rows on unknown layouts)."""
    local = _local(link)
    return not _NOT_ARTICLE.search(local) and not local.split("?", 1)[0].lower().endswith(_ASSET_EXT)


def row_of(a: etree._Element) -> etree._Element:
    """The listing row holding `a` (li/tr/dd…), found without crossing into other rows."""
    node = a
    for _ in range(4):
        parent = node.getparent()
        if parent is None or dom.tag_of(parent) in _CONTAINER_TAGS:
            return node
        if dom.tag_of(parent) not in _ROW_TAGS and _holds_two_links(parent):
            return node
        node = parent
        if dom.tag_of(node) in _ROW_TAGS:
            return node
    return node


def _holds_two_links(node: etree._Element) -> bool:
    # Stops at the second link: counting them all made a page of N links cost N² (a pager bar).
    seen = 0
    for x in node.iter("a"):
        if x.get("href"):
            seen += 1
            if seen > 1:
                return True
    return False


def entry_title(a: etree._Element) -> str:
    """Full title: the `title=` attribute beats link text truncated with `...`."""
    attr = clean_title(a.get("title"))
    text = clean_title(a.text_content())
    if attr and (not text or len(attr) >= len(text.rstrip(".…")) or text.endswith(("...", "…"))):
        return attr
    return text or attr


def row_date(row: etree._Element, a: etree._Element) -> str | None:
    """The row's own date string (outside the link text, which may itself contain a date)."""
    row_text = dom.text_of(row)
    link_text = dom.text_of(a)
    if link_text and row is not a:
        row_text = row_text.replace(link_text, " ", 1)
    match = dom.DATE_RE.search(row_text) or dom.SHORT_DATE_RE.search(row_text)
    return match.group(0).strip() if match else None


