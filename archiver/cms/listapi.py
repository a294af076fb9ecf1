"""List APIs behind column pages, read without running JavaScript (issue #14).

Many columns are an empty shell that a script fills from a JSON (or JSONP, or XML) list API;
archiver/cms/apicalls.py finds the calls in the page's scripts. The answer is read
generically: the array of records with a title-like and a URL-like key (and a date-like key
when present), wherever it sits; its totals (`total`, `totalPage`, `pageCount`…)
give the column's stated size and the next pages, asked the way the first one was (the page
field of the query or the POST form: `page`/`pageNo`/`pageNum`/`currentPage`/`start`…).
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from .dom import clean_title
from .model import Listing, ListingEntry, PageRequest
from .pagination import MAX_LISTING_PAGES
from .urls import absolute_link, canonical_url

PAGE_KEYS = ("page", "paged", "pageno", "pagenum", "pageindex", "currentpage", "curpage", "current", "pn", "p",
             "pagenumber", "page_no", "cpage")
OFFSET_KEYS = ("start", "offset", "startrecord", "from", "skip", "begin", "first")
SIZE_KEYS = ("pagesize", "size", "limit", "rows", "perpage", "page_size", "pagecount_per", "num", "length", "line")
TITLE_KEYS = ("title", "posttitle", "name", "subject", "headline", "doctitle", "newstitle", "articletitle",
              "infotitle", "maintitle", "bt", "biaoti", "topic", "text", "label")
URL_KEYS = ("url", "link", "href", "permalink", "docurl", "pageurl", "articleurl", "linkurl", "detailurl",
            "infourl", "contenturl", "weburl", "path", "redirecturl", "address", "uri")
DATE_KEYS = ("pubdate", "postdate", "publishdate", "publishtime", "pubtime", "releasedate", "releasetime",
             "docreltime", "date", "time", "createtime", "createdate", "inputtime", "addtime", "showtime", "fbsj",
             "created", "published", "updatetime", "ctime")
ITEM_TOTALS = ("total", "totalcount", "totalrecord", "totalrecords", "recordcount", "totalelements", "totalnum",
               "totalsize", "totalrow", "totalrows", "rowcount", "records", "count", "totalitems", "foundposts",
               "totalresult")
PAGE_TOTALS = ("totalpage", "totalpages", "pagecount", "pages", "pagetotal", "pagesum", "allpage", "maxpage",
               "maxnumpages")


def _norm(key: str) -> str:
    return re.sub(r"[_\-]", "", key).lower()


def _with_query(link: str, fields: dict[str, str]) -> str:
    if not fields:
        return link
    parts = urlsplit(link)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in fields]
    query = urlencode(pairs + list(fields.items()))
    return canonical_url(urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")))


# ----------------------------------------------------------------------------- reading
# `cb({...});`, and `({...})` from a server that pads with whatever `callback` was (none asked).
_JSONP = re.compile(r"^\s*[\w$.]*\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)


def parse_api_listing(url: str, text: str, request: PageRequest | None = None, *,
                      family: str = "generic") -> Listing:
    """A list API's answer (JSON, JSONP or an XML/RSS list) as a listing, with its next pages."""
    body = text.lstrip("\ufeff").strip()
    if body.startswith(")]}'"):
        body = body[4:].lstrip(",\n ")
    wrapped = _JSONP.match(body) if body[:1] not in "{[<" else None
    if wrapped:
        body = wrapped.group(1)
    if body.startswith("<"):
        if body[:200].lower().startswith(("<?xml", "<rss", "<feed")):
            return _xml_listing(url, body, family, request)
        return _broken(url, family, "answered HTML, not a list")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        return _broken(url, family, f"answered broken JSON ({type(exc).__name__})")
    records = _records(data)
    entries = _entries(url, records)
    totals = _totals(data, id(records))
    listing = Listing(family, entries)
    asked = _asked_size(url, request)
    num = totals.pop("num", None)
    if num is not None:  # EmpireCMS's `num` is the item total; elsewhere `num` is a page size
        slot = "items" if asked and num != asked and num >= len(records) else "size"
        totals.setdefault(slot, num)
    size = totals.get("size") or asked or len(records) or None
    pages = totals.get("pages")
    if pages is None and totals.get("items") is not None and size:
        pages = math.ceil(totals["items"] / size)
    listing.total_pages, listing.total_items = pages, totals.get("items")
    if records and not entries:
        listing.problems.append(f"list API {_short(url)}: records without links")
    listing.follow = _next_pages(url, request, pages, totals, size, len(records))
    return listing


def _broken(url: str, family: str, what: str) -> Listing:
    listing = Listing(family)
    listing.problems.append(f"list API {_short(url)} {what}")
    return listing


def _short(url: str) -> str:
    parts = urlsplit(url)
    return parts.path or "/"


def _records(data: object, depth: int = 0) -> list:
    """The list of records with the most title+URL pairs, wherever it sits (depth ≤ 5)."""
    best: list = []
    best_score = 0
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict) and level < 5:
            stack.extend((v, level + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list) and level < 5:
            dicts = [x for x in node if isinstance(x, dict)]
            score = sum(1 for x in dicts if _pick(x, TITLE_KEYS) and _pick(x, URL_KEYS))
            if score > best_score or (not best and dicts and _pick(dicts[0], TITLE_KEYS)):
                best, best_score = dicts, score
            stack.extend((v, level + 1) for v in dicts[:3])
    return best


# Platforms name their keys freely (SiteServer `navigationUrl`, `addDate`): after the known
# names, any key ending like one of these.
_FUZZY = {TITLE_KEYS: ("title",), URL_KEYS: ("url", "link", "href"), DATE_KEYS: ("date", "time")}


def _pick(record: dict, keys: tuple[str, ...]) -> object | None:
    norm = {_norm(k): v for k, v in record.items() if isinstance(k, str)}
    usable = {k: v for k, v in norm.items() if v not in (None, "") and not isinstance(v, (dict, list, bool))}
    for key in keys:
        if key in usable:
            return usable[key]
    for key, value in usable.items():
        if key.endswith(_FUZZY.get(keys, ())) and not key.startswith(("img", "pic", "thumb", "image", "cover")):
            return value
    return None


def _entries(url: str, records: list) -> list[ListingEntry]:
    entries: list[ListingEntry] = []
    seen: set[str] = set()
    for record in records:
        raw = _pick(record, URL_KEYS)
        link = _resolve(url, str(raw)) if raw is not None else None
        if not link or link in seen:
            continue
        seen.add(link)
        date = _pick(record, DATE_KEYS)
        title = clean_title(str(_pick(record, TITLE_KEYS) or ""))
        entries.append(ListingEntry(link, title, str(date) if date else None))
    return entries


def _resolve(base: str, raw: str) -> str | None:
    """Relative and protocol-relative links; another host's article is kept for the spider to
    count as listed-but-offsite (it never fetches it)."""
    raw = raw.strip().replace("\\/", "/")
    link = absolute_link(base, raw)
    if link is None and raw.startswith(("http://", "https://", "//")):
        scheme = urlsplit(base).scheme
        return canonical_url(raw if not raw.startswith("//") else f"{scheme}:{raw}")
    return link


def _totals(data: object, records_id: int) -> dict[str, int]:
    """`total`, `totalPage`, `pageSize`, the current page: from the dicts around the records."""
    found: dict[str, int] = {}
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        node, level = stack.pop(0)
        if not isinstance(node, dict) or level > 3:
            continue
        for key, value in node.items():
            if isinstance(value, dict):
                stack.append((value, level + 1))
                continue
            number = _as_int(value)
            if number is None or isinstance(value, bool):
                continue
            name = _norm(str(key))
            if name == "num":  # ambiguous: read against the size asked (parse_api_listing)
                found.setdefault("num", number)
                continue
            for slot, names in (("items", ITEM_TOTALS), ("pages", PAGE_TOTALS), ("size", SIZE_KEYS),
                                ("current", PAGE_KEYS)):
                if name in names:
                    found.setdefault(slot, number)
    return found


def _as_int(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _fields_asked(url: str, request: PageRequest | None) -> dict[str, str]:
    if request is not None and request.formdata is not None:
        return dict(request.formdata)
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _asked_size(url: str, request: PageRequest | None) -> int | None:
    """The page size the request asked for (`pageSize=10`, `count=6`, `limit=20`)."""
    fields = _fields_asked(url, request)
    return next((_as_int(v) for k, v in fields.items() if _norm(k) in SIZE_KEYS + ("count",)), None)


def _next_pages(url: str, request: PageRequest | None, pages: int | None, totals: dict[str, int],
                size: int | None, got: int) -> list[PageRequest]:
    """Later pages asked like this one: the page (or offset) field of the query or form bumped."""
    method = request.method if request else "GET"
    form = dict(request.formdata or {}) if request and request.formdata is not None else None
    fields = _fields_asked(url, request)
    page_key = next((k for k in fields if _norm(k) in PAGE_KEYS), None)
    asked = _asked_size(url, request)
    size = asked or totals.get("size") or size
    if asked and got < asked and not pages:
        return []  # a short page: the last one
    offset_key = next((k for k in fields if _norm(k) in OFFSET_KEYS), None)
    if page_key is None and offset_key is None:
        if not (pages and pages > 1):
            return []
        page_key = "page"
        fields[page_key] = str(totals.get("current") or 1)
    if got == 0:
        return []
    wanted: list[dict[str, str]] = []
    if page_key is not None:
        current = _as_int(fields[page_key]) or 0
        if pages is None and totals.get("size") and got < totals["size"]:
            return []  # a short page: the last one
        last = (pages - 1 if current == 0 else pages) if pages else current + 1  # page 0: zero-based
        for n in range(current + 1, min(last, current + MAX_LISTING_PAGES) + 1):
            wanted.append({**fields, page_key: str(n)})
    elif offset_key is not None and size:
        start = _as_int(fields[offset_key]) or 0
        total = totals.get("items")
        stop = total if total is not None else start + 2 * size
        step = 1 if _norm(offset_key) == "startrecord" else 0
        for n in range(start + size, stop + step, size):
            wanted.append({**fields, offset_key: str(n)})
            if len(wanted) >= MAX_LISTING_PAGES or total is None:
                break
    out = []
    for values in wanted:
        if form is not None:
            out.append(PageRequest(url, method, values, api=True, json=bool(request and request.json)))
        else:
            out.append(PageRequest(_with_query(url, values), "GET", None, api=True))
    return out


_XML_CONTAINERS = ("channel", "feed", "rss", "rdf")  # a feed's own title and link name the site


def _xml_listing(url: str, body: str, family: str, request: PageRequest | None = None) -> Listing:
    """An RSS/XML list: the repeated elements with a title and a link child (RSS `<item>`s, not
    the `<channel>` around them, whose own title and link name the site), and its next pages
    asked like this one (`?paged=2`); totals when the XML states them (`<totalrecord>`)."""
    try:
        root = etree.fromstring(body.encode("utf-8"), etree.XMLParser(recover=True, resolve_entities=False))
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return _broken(url, family, "answered broken XML")
    rows: dict[str, list[tuple[dict, object]]] = {}
    flat: dict[str, int] = {}
    for item in root.iter():
        if not isinstance(item.tag, str):
            continue
        kids = {etree.QName(k).localname.lower(): (k.text or k.get("href") or "").strip()
                for k in item if isinstance(k.tag, str)}
        if len(item) == 0 and (number := _as_int((item.text or "").strip())) is not None:
            flat.setdefault(etree.QName(item).localname, number)
        if item is not root and etree.QName(item).localname.lower() not in _XML_CONTAINERS \
                and _pick(kids, TITLE_KEYS) and _pick(kids, URL_KEYS):
            rows.setdefault(etree.QName(item).localname, []).append((kids, item))
    records = max(rows.values(), key=len) if rows else []
    entries: list[ListingEntry] = []
    for kids, _ in records:
        resolved = _resolve(url, str(_pick(kids, URL_KEYS)))
        if resolved and all(e.url != resolved for e in entries):
            date = _pick(kids, DATE_KEYS)
            entries.append(ListingEntry(resolved, clean_title(str(_pick(kids, TITLE_KEYS))), str(date) if date else None))
    listing = Listing(family, entries)
    totals = _totals(flat, 0)
    size = totals.get("size") or _asked_size(url, request) or len(records) or None
    pages = totals.get("pages")
    if pages is None and totals.get("items") is not None and size:
        pages = math.ceil(totals["items"] / size)
    listing.total_pages, listing.total_items = pages, totals.get("items")
    listing.follow = _next_pages(url, request, pages, totals, size, len(records))
    return listing
