"""Hanweb JCMS (大汉): Zhejiang, Jiangsu, Hubei sites.

Column `/col/col{COLID}/index.html` whose rows are XML records inside
`<script type="text/xml"><datastore>…`, paged by jQuery `jpage` through `dataproxy.jsp`, which
answers XML: newer sites take `?page=N`, older ones a POST of the `ajaxParam` fields to
`?startrecord=1&endrecord=45&perpage=15` (one response = three screen pages). Articles
`/art/YYYY/M/D/art_{COLID}_{ID}.html`; body between the `ContentStart`/`ContentEnd` metas or in
`div#zoom`.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urljoin

from lxml import html

from .base import CMSFamily
from .dom import parse_html
from .listing import entry_title, row_date
from .model import Listing, ListingEntry, PageRequest
from .pagination import MAX_LISTING_PAGES
from .urls import absolute_link, canonical_url

_DATASTORE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
_RECORD = re.compile(r"<record[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S | re.I)
_HREF = re.compile(r"href\s*=\s*[\"']([^\"']+)[\"']", re.I)
_TOTAL_RECORD = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_TOTAL_PAGE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>", re.I)
_JPAGE = re.compile(r"\.jpage\(\s*\{(.*?)\}\s*\)", re.S)
_JS_PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,}\s]+))")
# Body markers: `<meta name="ContentStart">…<meta name="ContentEnd">` (any case, quoted or not)
# and the older `<!--ZJEG_RSS.content.begin-->…<!--ZJEG_RSS.content.end-->` comments.
_MARKERS = (("ContentStart", "ContentEnd"), ("ZJEG_RSS.content.begin", "ZJEG_RSS.content.end"))


def _between_markers(text: str) -> str | None:
    """The HTML between a pair of body markers (str.find: pages are long, regexes slow)."""
    for begin, end in _MARKERS:
        i = text.find(begin)
        j = text.find(end, i + 1) if i >= 0 else -1
        if i < 0 or j < 0:
            continue
        start = text.find(">", i) + 1
        stop = text.rfind("<", start, j)
        inner = text[start:stop] if 0 < start <= stop else ""
        if inner.strip():
            return inner
    return None


def _js_object(source: str) -> dict[str, str]:
    return {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _JS_PAIR.finditer(source)}


def records_to_entries(base_url: str, xml_text: str) -> list[ListingEntry]:
    """Listing entries from `<record><![CDATA[<li><a …>…</a><span>date</span></li>]]></record>`s."""
    entries: list[ListingEntry] = []
    seen: set[str] = set()
    for record in _RECORD.findall(xml_text):
        frag = parse_html(f"<html><body><div>{record}</div></body></html>")
        for a in frag.iter("a"):
            link = absolute_link(base_url, a.get("href"))
            if not link or link in seen:
                continue
            if not (HanwebFamily.ARTICLE_URL.search(link) or _article_like(link)):
                continue
            seen.add(link)
            row = frag.find("body/div")
            entries.append(ListingEntry(link, entry_title(a), row_date(row, a) if row is not None else None))
            break
    return entries


def _article_like(link: str) -> bool:
    return bool(re.search(r"/art/|art_\d+|\.s?html?$", link)) and "/col/" not in link


class HanwebFamily(CMSFamily):
    name = "hanweb"
    ARTICLE_URL = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html")
    # Detection (base.CMSFamily): an article URL, a column URL, the jpage data proxy; in the
    # text the XML datastore, the proxy, the body markers, an article URL anywhere (datastore
    # records, scripts) and the vendor's name.
    ARTICLE_URL_WEIGHT = 6
    URL_CLUES = (
        (6, r"/col/col\d+/"),
        (6, r"/module/(?:web/|jslib/jquery/)?jpage/dataproxy\.jsp"),
    )
    TEXT_CLUES = (
        (5, r"<script[^>]+type=[\"']text/xml[\"'][^>]*>\s*<datastore>"),
        (3, r"<meta\s+name=[\"']?ContentStart"),
        (2, ARTICLE_URL),
    )
    LITERAL_CLUES = (
        (8, ("大汉网络", "大汉版通"), False),
        (8, ("hanweb",), True),
        (4, ("dataproxy.jsp",), False),
        (2, ("ZJEG_RSS",), False),
    )
    TITLE_XPATHS = (
        "//*[@class='title' or @id='title']",
        "//h1[normalize-space()]",
    )
    INFO_XPATHS = ()
    BODY_XPATHS = ("//div[@id='zoom']", "//*[@id='zoom']", "//*[@id='Zoom']")

    def parse_listing(self, url: str, text: str, doc: html.HtmlElement) -> Listing:
        store = _DATASTORE.search(text)
        if not store:
            return super().parse_listing(url, text, doc)
        entries = records_to_entries(url, store.group(1))
        follow, total = self.jpage_requests(url, text, store.group(1), len(entries))
        return Listing(self.name, entries, follow, total)

    def jpage_requests(
        self, url: str, text: str, store: str, embedded: int
    ) -> tuple[list[PageRequest], int | None]:
        jpage = _JPAGE.search(text)
        config = _js_object(jpage.group(1)) if jpage else {}
        total_record = int(config.get("totalRecord", "0") or 0) or _int(_TOTAL_RECORD, store)
        per_page = int(config.get("perPage", "15") or 15)
        pages = math.ceil(total_record / per_page) if total_record else _int(_TOTAL_PAGE, store)
        nextgroup = _NEXTGROUP.search(store)
        href_match = _HREF.search(nextgroup.group(1)) if nextgroup else None
        proxy = config.get("proxyUrl") or "/module/web/jpage/dataproxy.jsp"
        requests: list[PageRequest] = []
        if href_match and "page=" in href_match.group(1):
            template = urljoin(url, href_match.group(1).replace("&amp;", "&"))
            # The embedded records are the first screen page(s): asking for them again would
            # yield nothing new and end an incremental walk before the older pages.
            first = embedded // per_page + 1 if embedded >= per_page else 1
            for n in range(first, min(pages or 1, MAX_LISTING_PAGES) + 1):
                link = absolute_link(url, re.sub(r"([?&]page=)\d+", rf"\g<1>{n}", template))
                if link:
                    requests.append(PageRequest(link))
            return requests, pages
        if not total_record:
            return [], pages
        param_name = config.get("ajaxParam")
        formdata: dict[str, str] = {}
        if param_name:
            var = re.search(rf"var\s+{re.escape(param_name)}\s*=\s*\{{(.*?)\}}", text, re.S)
            if var:
                formdata = _js_object(var.group(1))
        group = per_page * int(config.get("groupSize", "3") or 3)
        start = embedded + 1 if embedded and embedded % per_page == 0 else 1
        while start <= total_record and len(requests) < MAX_LISTING_PAGES:
            end = min(start + group - 1, total_record)
            link = absolute_link(url, f"{proxy}?startrecord={start}&endrecord={end}&perpage={per_page}")
            if link:
                requests.append(PageRequest(link, "POST", dict(formdata)))
            start = end + 1
        return requests, pages

    def body_element(self, doc, text, overrides):  # type: ignore[no-untyped-def]
        if not overrides.get("body"):
            inner = _between_markers(text)
            if inner:
                return html.fragment_fromstring(inner, create_parent="div")
        return super().body_element(doc, text, overrides)


def _int(pattern: re.Pattern[str], text: str) -> int:
    match = pattern.search(text)
    return int(match.group(1)) if match else 0


def parse_dataproxy(url: str, text: str) -> Listing:
    """A `dataproxy.jsp` XML answer: its records, and later `?page=N` pages when GET-paged."""
    entries = records_to_entries(url, text)
    total_page = _int(_TOTAL_PAGE, text)
    follow: list[PageRequest] = []
    current = re.search(r"[?&]page=(\d+)", url)
    if current and total_page:
        for n in range(int(current.group(1)) + 1, min(total_page, MAX_LISTING_PAGES) + 1):
            link = canonical_url(re.sub(r"([?&]page=)\d+", rf"\g<1>{n}", url))
            follow.append(PageRequest(link))
    return Listing("hanweb", entries, follow, total_page or None)


def is_datastore_xml(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith("<?xml") and "<datastore" in text[:2000].lower() or head.startswith("<datastore")
