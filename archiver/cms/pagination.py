"""Pagination the HTML does not spell out: inline scripts, `共9页` pagers, URL templates.

TRS column pages (Jingzhou, cppcc.gov.cn) carry no page links at all: an inline script does
`var currentPage = 0; var countPage = 7` and `document.write(...)`s `index_N.shtml` links, or calls
`createPageHTML(countPage, currentPage, "index", "shtml")` — on many templates inside a comment
that nobody removed. Long TRS articles page the same way (`t20230522_123_1.shtml`). Legacy county
sites print `首页 上一页 下一页 尾页 共9页 第1页` anchors.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lxml import html

from .dom import text_of
from .urls import absolute_link, canonical_url

# Upper bound on listing pages generated from one page (bogus countPage values). The crawl's own
# limit is ARCHIVER_MAX_LISTING_PAGES; this only keeps one page from promising millions.
MAX_LISTING_PAGES = 5000

# `createPageHTML(countPage, currentPage, "index", "shtml")`: two numbers or the variables holding
# them (quoted or not), the page name's stem and its extension.
_ARG = r"\s*[\"']?(\w+)[\"']?\s*"
_CREATE_PAGE = re.compile(rf"createPageHTML\({_ARG},{_ARG},\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([\w.]+)[\"']")
# What `document.write` builds: `href=\"index"+"_" + i + "."+"shtml\"` (or `"index_"+i+".html"`).
_WRITE_STEM = re.compile(r"href=\\?[\"'](\w+?)_?[\"']\s*\+\s*(?:[\"']_[\"']\s*\+)?")
_WRITE_EXT = re.compile(r"\.[\"']?\s*\+?\s*[\"']?(s?html?)\\?[\"']")
TOTAL_PAGES = re.compile(r"共\s*(\d+)\s*页")  # `共9页`
_PAGE_SUFFIX = re.compile(r"^(?P<stem>.+?)_(?P<n>\d+)$")
# A TRS document's file name: `t`, the day it was published, its id (`t20230522_123`); page N+1
# of a long one is `t20230522_123_N` (TRS_PAGE).
TRS_DOC = r"t\d{8}_\d+"
TRS_PAGE = re.compile(rf"^({TRS_DOC})_\d+$")

PAGER_WORDS = ("下一页", "下页", "尾页", "末页", "最后一页", "上一页", "上页", "首页", "后页", "前页")
NEXT_WORDS = ("下一页", "下页", "后页", ">", "›", "»", ">>")


def _int_or_var(token: str, text: str) -> int | None:
    """A number as written, or the one a script assigns to that variable (`var countPage = 7`)."""
    if token.isdigit():
        return int(token)
    match = re.search(rf"\b{re.escape(token)}\s*=\s*[\"']?(\d+)", text)
    return int(match.group(1)) if match else None


def has_paging_script(text: str) -> bool:
    return "countPage" in text or "createPageHTML" in text


def script_page_count(text: str) -> tuple[int, int] | None:
    """(countPage, currentPage) from a TRS paging script, or None when the page has none."""
    if not has_paging_script(text):
        return None
    create = _CREATE_PAGE.search(text)
    count = _int_or_var(create.group(1), text) if create else None
    current = _int_or_var(create.group(2), text) if create else None
    if count is None:  # no call, or one naming variables the page never sets
        count = _int_or_var("countPage", text)
    if count is None:
        return None
    if current is None:
        current = _int_or_var("currentPage", text)
    return count, current or 0


def script_page_urls(url: str, text: str, *, article: bool = False) -> tuple[list[str], int | None]:
    """URLs of pages 1…count-1 built like TRS scripts do (`index_1.shtml`, `t2023…_1.shtml`).

    The first page has no suffix. Returns (urls, count) — urls excludes the first page.
    """
    found = script_page_count(text)
    if not found:
        return [], None
    count, _current = found
    count = min(count, MAX_LISTING_PAGES)
    parts = urlsplit(url)
    if parts.query and not article:
        return [], count  # a dynamic list (`list.php?id=5`): not a page TRS publishes statically
    folder, name = posixpath.split(parts.path)
    stem, _dot, ext = name.partition(".")
    create = _CREATE_PAGE.search(text)
    written = _WRITE_EXT.search(text)
    if article:
        # t20230522_123_2.shtml -> t20230522_123
        match = TRS_PAGE.match(stem) or _PAGE_SUFFIX.match(stem)
        if match and re.fullmatch(TRS_DOC, match.group(1)):
            stem = match.group(1)
        if not ext and create:
            ext = create.group(4).lstrip(".")
    else:
        if create:
            stem, ext = create.group(3), create.group(4).lstrip(".")
        else:
            match = _PAGE_SUFFIX.match(stem)
            if match:
                stem = match.group("stem")
            if not stem:  # a folder URL (`/ldjh/`): the script names the pages
                named = _WRITE_STEM.search(text)
                stem = named.group(1) if named else "index"
            if not ext and written:
                ext = written.group(1)
    if not stem:
        return [], count
    ext = ext or "shtml"
    urls = []
    for n in range(1, count):
        path = posixpath.join(folder, f"{stem}_{n}.{ext}")
        urls.append(canonical_url(urlunsplit((parts.scheme, parts.netloc, path, "", ""))))
    return urls, count


def total_pages_text(text: str) -> int | None:
    """`共9页` in a pager (the largest mention wins; `共86条` record counts are ignored)."""
    counts = [int(n) for n in TOTAL_PAGES.findall(text)]
    return max(counts) if counts else None


def _pager_context(a: html.HtmlElement) -> bool:
    """The link sits in a pager: its block names two pager words, `共N页`, or has a page class.

    Keeps the nav bar's and breadcrumb's lone `首页` (the home page) out of listing walks.
    """
    node = a.getparent()
    for _ in range(2):
        if node is None:
            return False
        cls = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if "page" in cls or "pag" in cls:
            return True
        context = text_of(node)
        if len(context) > 300:  # a whole column, not a pager bar
            return False
        if TOTAL_PAGES.search(context) or sum(1 for w in PAGER_WORDS if w in context) >= 2:
            return True
        node = node.getparent()
    return False


def pager_links(url: str, doc: html.HtmlElement) -> list[str]:
    """Same-site pager links: 下一页/尾页/numbered anchors in a pager, in page order when known."""
    here = canonical_url(url)
    out: list[str] = []
    in_pager: dict[Any, bool] = {}  # by parent: a pager bar's N links share one verdict, not N
    for a in doc.iter("a"):
        label = (a.text_content() or "").strip().strip("[]【】 ")
        if not label or len(label) > 8:
            continue
        is_word = any(label.startswith(w) for w in PAGER_WORDS) or label in NEXT_WORDS
        is_number = label.isdigit() and len(label) <= 4
        if not (is_word or is_number):
            continue
        parent = a.getparent()
        if parent not in in_pager:
            in_pager[parent] = _pager_context(a)
        if not in_pager[parent]:
            continue
        link = absolute_link(url, a.get("href"))
        if link and link != here and link not in out and urlsplit(link).path not in ("", "/"):
            out.append(link)
    return sorted(out, key=_page_number)


def _page_number(link: str) -> int:
    match = _NUM_IN_URL.search(link) or _NUM_IN_PATH.search(link)
    return int(match.group("n")) if match else 0


_NUM_IN_URL = re.compile(
    r"(?P<pre>[?&](?:page|pageno|pagenum|p|pn|curpage|pageindex|pageIndex)=)(?P<n>\d+)", re.I
)
_NUM_IN_PATH = re.compile(r"(?P<pre>_)(?P<n>\d+)(?P<post>\.s?html?)$")


def expand_page_template(links: list[str], total: int | None, current_url: str) -> list[str]:
    """Given pager links and `共N页`, the URLs of pages 2…N built from a link's page number."""
    if not total or total < 2:
        return []
    total = min(total, MAX_LISTING_PAGES)
    for link in links:
        for pattern in (_NUM_IN_URL, _NUM_IN_PATH):
            match = pattern.search(link)
            if not match or int(match.group("n")) > total:
                continue
            out = []
            for n in range(2, total + 1):
                candidate = link[: match.start("n")] + str(n) + link[match.end("n"):]
                if candidate != canonical_url(current_url):
                    out.append(candidate)
            return out
    return []


def pager_pages(url: str, text: str, doc: html.HtmlElement) -> tuple[list[str], int | None]:
    """Listing pages from the pager's links and the `共N页` count in the page's visible text."""
    links = pager_links(url, doc)
    body = doc.find("body")
    total = total_pages_text(text_of(body) if body is not None else text)
    return [*expand_page_template(links, total, url), *links], total


def script_or_pager_pages(url: str, text: str, doc: html.HtmlElement) -> tuple[list[str], int | None]:
    """Listing pages of a script-paginated column (TRS `countPage`, 集约化 `createPageHTML`):
    the script's pages, else pages built from the pager's links and `共N页`; then the links."""
    urls, count = script_page_urls(url, text)
    links = pager_links(url, doc)
    total = count or total_pages_text(text)
    if not urls:
        urls = expand_page_template(links, total, url)
    return [*urls, *links], total
