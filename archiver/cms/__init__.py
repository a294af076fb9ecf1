"""CMS families: detection, listing parsing and pagination, per-family article extraction.

Entry points (docs/CONTRACTS.md):

- `detect_family(url, html)` -> `trs|hanweb|legacy|datepath|post|detail|generic`
- `parse_listing(url, text, *, family=None, content_type=None, request=None)` -> `Listing(family,
  entries, follow, total_pages, total_items, problems)`; HTML column pages, Hanweb `dataproxy.jsp`
  XML and JSON/JSONP/XML list APIs alike (listapi.py). `follow` holds `PageRequest(url, method,
  formdata, api)`s (Hanweb's older proxy and many list APIs want a POST), in page order,
  same-site only, at most `pagination.MAX_LISTING_PAGES`; the generic path reads every pager
  form of issue #14 (pagers.py).
- `extract_page(url, html, *, family=None, overrides=None)` -> `ArticlePage` (one page);
  `continuation_urls(url, html, family)`; `is_soft_404(html)`.
- `canonical_url(url)` (session ids stripped), `absolute_link(base, href)`, `same_site(a, b)`.

Each family is a `base.CMSFamily` subclass in its own module with its detection clues and XPaths
as named constants, listed once in `families.FAMILIES` (issue #18);
`generic` is the fallback for unknown layouts. `overrides` (site registry) may set
`title`/`body`/`date`/`source` XPaths (`title_xpath` … accepted too) and `family`.

`families` (the ARCHIVER_FAMILIES setting, `extract --families`; issue #16) restricts which
family modules may be used: `parse_families("generic")` turns every one off, so that the generic
path can be measured alone. It is passed explicitly (no global state): extraction runs in child
processes.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import html as lxml_html

from archiver.extract.trace import Trace

from . import dom
from .base import CMSFamily
from .detect import detect_family
from .families import DETECTED, FAMILIES, FAMILY_NAMES
from .hanweb import is_datastore_xml, parse_dataproxy
from .listapi import parse_api_listing
from .model import ArticlePage, Listing, ListingEntry, PageRequest
from .post import parse_json_listing
from .urls import absolute_link, canonical_url, same_site

__all__ = [
    "ArticlePage", "Listing", "ListingEntry", "PageRequest", "DETECTED", "FAMILIES", "FAMILY_NAMES",
    "canonical_url",
    "absolute_link", "allowed_family", "same_site", "continuation_urls", "detect_family", "extract_page",
    "get_family", "is_soft_404", "normalize_overrides", "parse_families", "parse_listing",
]


def get_family(name: str | None, families: frozenset[str] | None = None) -> CMSFamily:
    return FAMILIES[allowed_family(name, families)]


def allowed_family(name: str | None, families: frozenset[str] | None = None) -> str:
    """`name` when it is a known family the run allows, else `generic`."""
    if not name or name not in FAMILIES or (families is not None and name not in families):
        return "generic"
    return name


def parse_families(value: Any) -> frozenset[str] | None:
    """ARCHIVER_FAMILIES (`"generic"`, `"trs,hanweb"` or a list) -> the allowed names, None for
    every family. `generic` is always allowed. An unknown name raises ValueError (one line)."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    names = [str(item).strip().lower() for item in items if str(item).strip()]
    if not names:
        return None
    unknown = sorted(set(names) - set(FAMILIES))
    if unknown:
        raise ValueError(
            f"unknown CMS family {', '.join(map(repr, unknown))} (ARCHIVER_FAMILIES, --families); "
            f"known: {', '.join(FAMILIES)}"
        )
    return frozenset(names) | {"generic"}


def parse_listing(
    url: str, text: str, *, family: str | None = None, content_type: str | None = None,
    request: PageRequest | None = None, families: frozenset[str] | None = None,
) -> Listing:
    """Entries of one listing page (HTML, Hanweb dataproxy XML or a JSON list API answer).

    `request`: how the page was asked (a POSTed API's page field is in its form, issue #14).
    """
    ctype = (content_type or "").lower()
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if "xml" in ctype and "<datastore" in text[:4000].lower() or is_datastore_xml(text):
        return parse_dataproxy(url, text)
    # An XML list (RSS) is an API answer too, even when asked as a later run's entry point.
    xml_list = head == "<" and text.lstrip("\ufeff \t\r\n")[:5].lower() in ("<?xml", "<rss ", "<rss>") \
        and "<html" not in text[:1000].lower()
    asked_api = request is not None and request.api
    if "json" in ctype or "javascript" in ctype or head in ("{", "[") or xml_list or asked_api:
        post = families is None or "post" in families
        if post and head in ("{", "[") and "pagenum=" in url.lower():  # the 集约化 `list.jsp` API (post.py)
            listing = parse_json_listing(url, text)
            if listing.entries:
                return listing
        return parse_api_listing(url, text, request)
    doc = dom.parse_html(text)
    name = family or detect_family(url, text, families=families)
    return get_family(name, families).parse_listing(url, text, doc)


def extract_page(
    url: str, html: str, *, family: str | None = None, overrides: dict[str, Any] | None = None,
    families: frozenset[str] | None = None, trace: Trace | None = None,
) -> ArticlePage:
    """The fields of one article page; `overrides` may give title/body/date/source XPaths;
    `trace` (extract --explain) is filled with what was considered."""
    overrides = normalize_overrides(overrides)
    doc = dom.parse_html(html)
    name = overrides.get("family") or family or detect_family(url, html, families=families)
    page = get_family(name, families).extract_page(url, html, doc, overrides, trace)
    page.soft_404 = _soft_404(doc, html)
    return page


def normalize_overrides(overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Accept the site registry's keys (`title_xpath`, `body_xpath`, …) and the short ones."""
    out: dict[str, Any] = {}
    for key, value in (overrides or {}).items():
        if value in (None, ""):
            continue
        out[key.removesuffix("_xpath")] = value
    return out


def continuation_urls(
    url: str, html: str, family: str | None = None, families: frozenset[str] | None = None
) -> list[str]:
    """Further pages of a long article, in order (the first page excluded)."""
    handler = get_family(family or detect_family(url, html, families=families), families)
    if not handler.may_continue(url, html):  # most articles have one page: no parse needed
        return []
    return handler.continuation_urls(url, html, dom.parse_html(html))


_SOFT_404 = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|您要访问的)?页面|信息不存在|文章不存在|已被删除|已删除|"
    r"页面已失效|(?<![\w.-])404(?![\w.-])|Not Found"
)


_SOFT_404_NEEDLES = ("不存在", "未找到", "找不到", "删除", "失效", "404", "Not Found", "not found")


def is_soft_404(html: str) -> bool:
    """An HTTP 200 page that says 页面不存在/404 and has almost no content."""
    return _may_be_soft_404(html) and _soft_404(dom.parse_html(html), html)  # parse only if needed


def _may_be_soft_404(html: str) -> bool:
    return any(n in html for n in _SOFT_404_NEEDLES)  # cheap: most pages never say it


def _soft_404(doc: lxml_html.HtmlElement, html: str) -> bool:
    if not _may_be_soft_404(html):
        return False
    title = doc.find(".//title")
    title_text = dom.text_of(title) if title is not None else ""
    body = doc.find("body")
    text = dom.text_of(body) if body is not None else ""
    if not (_SOFT_404.search(title_text) or _SOFT_404.search(text[:3000])):
        return False
    # A real article mentioning "404" has paragraphs; an error page has a sentence or two.
    block = dom.densest_block(doc)
    block_text = re.sub(r"\s+", "", dom.text_of(block)) if block is not None else ""
    return len(block_text) < 200 and len(re.sub(r"\s+", "", text)) < 1500
