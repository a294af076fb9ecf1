"""Column candidates from a site's XML sitemaps (issue #22: "sitemaps where present").

Where: the `Sitemap:` lines of robots.txt, else `/sitemap.xml`. What: a sitemap index (its
children read, same site only) or a urlset, gzipped or not, parsed by Scrapy's
`scrapy.utils.sitemap.Sitemap` (lxml, entities off, recovering from bad markup). Bounded: at most
MAX_FILES sitemaps fetched, MAX_BYTES each (decompressed too: a gzip bomb stops there),
MAX_ENTRIES entries read in all. A sitemap that cannot be read is one note line; discovery goes
on with the menus.

Sitemaps name pages, not columns: a column is an entry whose path ends like a 栏目 page (`/`,
`index.*`, `list*`, `node_N.*`); an entry sits under the column whose directory is a prefix of
its path (/ldjh/index.shtml owns /ldjh/202501/t20250108_1.shtml), else under the column whose
long numeric id it repeats (Hanweb's /col/col1229712376/index.html owns
/art/2025/5/30/art_1229712376_3066.html).
Its label is a title the sitemap gives (the Google News extension's `<news:title>`, Baidu's
`<data><display><title>`), else a path segment whose pinyin initials name a column (ldjh 领导讲
话, rank.SEGMENTS); the titles of the entries under it are shown as its evidence.
"""

from __future__ import annotations

import re
import struct
from collections import defaultdict
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from archiver.cms import same_site
from archiver.discover import rank
from archiver.discover.fetch import FetchError, PoliteFetcher
from archiver.discover.navigation import ColumnLink, is_home

MAX_FILES = 4  # an index and three of its children
MAX_BYTES = 10_000_000  # per sitemap, after decompression (the protocol allows 50 MB)
MAX_ENTRIES = 50_000  # in all (the protocol's limit for one file)
ID = re.compile(r"(?<!\d)\d{5,}(?!\d)")  # a column id: 5 digits or more (not a year, not a month)
COLUMN_PAGE = re.compile(r"/(index|default|list[\w-]*|node_\d+)\.(s?html?|jhtml|jsp|php|aspx?)$|/$", re.I)


class _TitledSitemap(Sitemap):
    """Scrapy's parser, keeping a nested `<…:title>` (news, Baidu) that it would drop."""

    __slots__ = ()

    def _process_sitemap_element(self, elem):
        title = next((t.text.strip() for t in elem.iter() if isinstance(t.tag, str)
                      and self._get_tag_name(t) == "title" and t.text and t.text.strip()), "")
        entry = super()._process_sitemap_element(elem)
        if entry is not None and title:
            entry["title"] = title
        return entry


def read(fetcher: PoliteFetcher, home: str, notes: list[str]) -> list[dict]:
    """The entries ({loc, title?, …}) of the site's sitemaps; problems appended to `notes`."""
    declared = [urljoin(home, url) for url in fetcher.sitemaps()]
    queue, seen, entries = declared or [urljoin(home, "/sitemap.xml")], set(), []
    while queue and len(seen) < MAX_FILES and len(entries) < MAX_ENTRIES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            page = fetcher.get(url, limit=MAX_BYTES)
        except FetchError as exc:
            if declared or "HTTP 404" not in str(exc):  # no /sitemap.xml is no news
                notes.append(f"sitemap: {exc}")
            continue
        try:
            parsed = _parse(page.body, page.truncated)
        except ValueError as exc:
            notes.append(f"sitemap {url}: {exc}; not used")
            continue
        if parsed.type == "sitemapindex":
            queue += [u for u in (e["loc"] for e in parsed) if same_site(home, u)]
            continue
        for entry in parsed:
            if len(entries) >= MAX_ENTRIES:
                notes.append(f"sitemap {url}: more than {MAX_ENTRIES} entries; the first {MAX_ENTRIES} were read")
                break
            entries.append(entry)
    if queue and len(seen) >= MAX_FILES:
        notes.append(f"sitemap: {len(queue)} more sitemaps listed; {MAX_FILES} were read")
    return entries


def _parse(body: bytes, truncated: bool) -> Sitemap:
    """One sitemap, or ValueError with a one-line reason."""
    limit = f"larger than {MAX_BYTES // 1_000_000} MB"
    if truncated:
        raise ValueError(limit)
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=MAX_BYTES)
        except ValueError as exc:  # the only ValueError gunzip raises: the size limit
            raise ValueError(f"{limit} uncompressed") from exc
        except (OSError, EOFError, struct.error) as exc:
            raise ValueError("not valid gzip") from exc
    try:
        parsed = _TitledSitemap(body)
    except (etree.XMLSyntaxError, StopIteration) as exc:
        raise ValueError("not XML") from exc
    if parsed.type not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap (its root element is <{parsed.type or '?'}>)")
    return parsed


def column_links(home: str, entries: list[dict]) -> list[ColumnLink]:
    """Column-like pages of the sitemap, labelled, with the titles listed under them."""
    pages = [e for e in entries if same_site(home, e["loc"]) and not is_home(e["loc"])]
    columns = {e["loc"]: e for e in pages if COLUMN_PAGE.search(urlsplit(e["loc"]).path)}
    by_directory = {_directory(url): url for url in columns if _directory(url) != "/"}
    by_id = {token: url for url in columns for token in ID.findall(urlsplit(url).path)}
    under: dict[str, list[str]] = defaultdict(list)
    for e in pages:
        owner = _owner(e["loc"], by_directory, by_id)
        if owner and owner != e["loc"] and e.get("title"):
            under[owner].append(e["title"])
    links = []
    for url, e in columns.items():
        titles = under.get(url, [])
        label, how = _label(url, e, titles)
        if label:
            detail = how + (f"; {len(titles)} titled entries under it" if titles else "")
            links.append(ColumnLink(url, label, {"sitemap"}, via="sitemap", titles=titles, detail=detail))
    return links


def _directory(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[0] + "/"


def _owner(url: str, by_directory: dict[str, str], by_id: dict[str, str]) -> str | None:
    """The column whose directory is the longest prefix of the entry's path, else the column
    whose id the entry's path repeats."""
    path = _directory(url)
    while path != "/":
        if path in by_directory:
            return by_directory[path]
        path = path[:-1].rsplit("/", 1)[0] + "/"
    return next((by_id[token] for token in ID.findall(urlsplit(url).path) if token in by_id), None)


def _label(url: str, entry: dict, titles: list[str]) -> tuple[str, str]:
    """(label, how it was read): the sitemap's title; else a column-naming path segment; else,
    when the titles under it are speeches, its last path segment (the titles then decide)."""
    if entry.get("title"):
        return entry["title"], "titled in the sitemap"
    segments = [s.split(".")[0] for s in urlsplit(url).path.split("/") if s]
    for segment in reversed(segments):
        name = rank.SEGMENTS.get(segment.lower())
        if name:
            return name, f"path “{segment}” read as {name}"
    if segments and rank.title_score(titles)[1]:
        return segments[-1], "the titles under it are speeches"
    return "", ""
