"""Guangdong 集约化 `post_` sites (深圳政协 type) and their JSON list API.

Articles `/szzx/ldjh/content/post_1538169.html`; column `index.html`, `index_2.html`; the info
row glues source and date (`来源:光明新闻发布时间:2025-03-27`). Some columns list through
`…/list.jsp?pagenum=1&pagesize=20`, referenced from the column page's script and answering
`{"data":{"totalcount":…,"pagecount":…,"list":[{"title","url","pubdate"}]}}`.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from lxml import html

from .base import TITLE_BLOCK_XPATHS, CMSFamily
from .dom import clean_title
from .model import Listing, ListingEntry, PageRequest
from .pagination import MAX_LISTING_PAGES, script_or_pager_pages
from .urls import absolute_link, canonical_url

_LIST_API = re.compile(r"[\"']([^\"'\s]*?list\.jsp(?:\?[^\"'\s]*)?)[\"']", re.I)
_PAGESIZE = re.compile(r"pagesize\s*[=:]\s*[\"']?(\d+)", re.I)


class PostFamily(CMSFamily):
    name = "post"
    ARTICLE_URL = re.compile(r"/post_\d+\.html$")
    # Detection (base.CMSFamily): an article URL, a link to one, the JSON list API in the URL
    # or named by a script (any case: `pageNum`, `pageSize`).
    ARTICLE_URL_WEIGHT, ARTICLE_LINK_WEIGHT = 6, 5
    URL_CLUES = ((4, re.compile(r"list\.jsp\?.*pagenum=", re.I)),)
    LITERAL_CLUES = ((4, ("list.jsp?pagenum", "list.jsp?pagesize"), True),)
    TITLE_XPATHS = TITLE_BLOCK_XPATHS
    BODY_XPATHS = (
        "//*[contains(@class,'news_cont_d_wrap')]",
        "//*[contains(@class,'TRS_Editor')]",
        "//*[contains(@class,'article-content')]",
        "//*[@id='zoom']",
    )
    LISTING_PAGES = staticmethod(script_or_pager_pages)

    def listing_follow(
        self, url: str, text: str, doc: html.HtmlElement
    ) -> tuple[list[PageRequest], int | None]:
        pages, total = super().listing_follow(url, text, doc)
        # The API is usually the column's only list (its HTML list is empty, filled by script).
        # When the HTML lists rows itself, its own index_N pages come first: the API's first
        # page repeats them and would end an incremental walk.
        return [*pages, *api_requests(url, text)], total


def api_requests(url: str, text: str) -> list[PageRequest]:
    """The first page of a JSON list API (`…list.jsp?pagenum=1&pagesize=20`) a script names."""
    api = _LIST_API.search(text)
    link = api_page_url(url, api.group(1), 1, text) if api else None
    return [PageRequest(link)] if link else []


def api_page_url(base: str, ref: str, page: int, text: str = "") -> str | None:
    """`list.jsp?pagenum=N&pagesize=S` resolved against the page (script refs may be partial)."""
    ref = ref.replace("&amp;", "&")
    path, _, query = ref.partition("?")
    pairs = [p for p in query.split("&") if p and "=" in p]
    keys = {p.split("=", 1)[0].lower() for p in pairs}
    pairs = [f"pagenum={page}" if p.split("=", 1)[0].lower() == "pagenum" else p for p in pairs]
    if "pagenum" not in keys:
        pairs.append(f"pagenum={page}")
    if "pagesize" not in keys:
        size = _PAGESIZE.search(text)
        pairs.append(f"pagesize={size.group(1) if size else 20}")
    pairs = [p for p in pairs if not p.endswith("=")]
    return absolute_link(base, urljoin(base, path) + "?" + "&".join(pairs))


def parse_json_listing(url: str, text: str) -> Listing:
    """The JSON list API answer as a listing; later pages follow from `pagecount`."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON (`[[[[…`)
        return Listing("post")
    payload = data.get("data", data) if isinstance(data, dict) else {}
    if not isinstance(payload, dict):
        payload = {}
    items = payload.get("list") or payload.get("rows") or payload.get("items") or []
    entries: list[ListingEntry] = []
    seen: set[str] = set()
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        link = absolute_link(url, str(item.get("url") or item.get("link") or ""))
        if not link or link in seen:
            continue
        seen.add(link)
        date = item.get("pubdate") or item.get("pubDate") or item.get("date") or item.get("time")
        title = clean_title(str(item.get("title") or ""))
        entries.append(ListingEntry(link, title, str(date) if date else None))
    pages = _as_int(payload.get("pagecount") or payload.get("pageCount"))
    follow: list[PageRequest] = []
    current = re.search(r"[?&]pagenum=(\d+)", url, re.I)
    if current and pages:
        for n in range(int(current.group(1)) + 1, min(pages, MAX_LISTING_PAGES) + 1):
            page_url = re.sub(r"([?&]pagenum=)\d+", rf"\g<1>{n}", url, flags=re.I)
            follow.append(PageRequest(canonical_url(page_url)))
    return Listing("post", entries, follow, pages)


def _as_int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
