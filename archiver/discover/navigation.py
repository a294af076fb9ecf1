"""Read a homepage's navigation: which links name columns, and where on the page they sit.

Pure functions over HTML text (issue #22). A column link is a short link text (a 栏目 name, not an
article headline) pointing inside the site; its position (menu, 栏目 tree/sidebar, footer, body)
is evidence, as is being listed by the site's 信息公开 tree or 网站地图 page, which discovery reads
one level deep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from archiver.cms import absolute_link, dom, same_site

MAX_LABEL = 12  # characters: 栏目 names are short; headlines are longer
NAV_RE = re.compile(r"nav|menu|daohang|dh\b|topbar|header", re.I)
TREE_RE = re.compile(r"tree|lanmu|side|left|column|lm\b|sub", re.I)
FOOT_RE = re.compile(r"foot|bottom|copyright|bqxx|link", re.I)
POSITIONS = ("menu", "tree", "body", "footer", "sitemap")
DIRECTORY_LABELS = ("信息公开", "政务公开", "网站地图", "站点地图")
SKIP_LABELS = re.compile(r"^(首页|网站首页|返回首页|更多|more|>>|更多>>|设为首页|加入收藏|上一页|下一页|尾页|\d+)$", re.I)
SKIP_HREF = re.compile(r"^(javascript:|mailto:|#)", re.I)
META_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\";>]+)", re.I)
JS_REDIRECT = re.compile(
    r"(?:window\.|self\.|top\.|document\.)?location(?:\.href)?\s*=\s*['\"]([^'\"]+)['\"]"
    r"|location\.(?:replace|assign)\(\s*['\"]([^'\"]+)['\"]\s*\)", re.I)


@dataclass
class ColumnLink:
    url: str
    label: str
    positions: set[str] = field(default_factory=set)
    via: str = "homepage"  # homepage | 信息公开 … | sitemap (what listed it)
    titles: list[str] = field(default_factory=list)  # titles the sitemap lists under it
    detail: str = ""  # how a sitemap entry was read as this column

    def evidence(self) -> str:
        if self.via == "sitemap":
            return f"sitemap entry “{self.label}” ({self.detail})"
        where = "/".join(p for p in POSITIONS if p in self.positions)
        return f"link “{self.label}” ({where or 'page'}, {self.via})"


def redirect_target(base: str, text: str) -> tuple[str, str] | None:
    """(kind, url) when the page only sends the browser elsewhere: a frameset, a meta refresh
    or a script setting location (real portals do all three); else None."""
    head = text[:20000]
    doc = dom.parse_html(head)
    if doc is not None:
        frames = doc.xpath("//frame[@src]|//iframe[@src and (@width='100%' or @height='100%')]")
        body_links = doc.xpath("//body//a[@href]")
        if frames and not body_links:
            return "frameset", urljoin(base, frames[0].get("src"))
        for meta in doc.xpath("//meta[translate(@http-equiv,'REFSH','refsh')='refresh']"):
            m = META_REFRESH.search(meta.get("content", ""))
            if m:
                return "meta refresh", urljoin(base, m.group(1).strip())
        if len(body_links) <= 2:
            for script in doc.xpath("//script/text()"):
                m = JS_REDIRECT.search(script)
                if m:
                    return "script redirect", urljoin(base, m.group(1) or m.group(2))
    return None


def _position(a: etree._Element) -> str:
    for el in a.iterancestors():
        tag = el.tag if isinstance(el.tag, str) else ""
        marks = f"{el.get('class', '')} {el.get('id', '')}"
        if tag in ("footer",) or FOOT_RE.search(marks):
            return "footer"
        if tag in ("nav", "header") or NAV_RE.search(marks):
            return "menu"
        if TREE_RE.search(marks):
            return "tree"
    return "body"


def column_links(base: str, text: str, *, via: str = "homepage") -> list[ColumnLink]:
    """Same-site links with a 栏目-like label, merged by URL, in page order."""
    if not text.strip():
        return []
    doc = dom.parse_html(text)
    found: dict[str, ColumnLink] = {}
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        label = re.sub(r"\s+", "", a.text_content() or a.get("title") or "")
        if not href or SKIP_HREF.match(href) or not label or len(label) > MAX_LABEL or SKIP_LABELS.match(label):
            continue
        url = absolute_link(base, href)
        if not url or not same_site(base, url) or is_home(url):
            continue
        link = found.setdefault(url, ColumnLink(url, label, via=via))
        link.positions.add(_position(a))
    return list(found.values())


def directory_links(links: list[ColumnLink]) -> list[ColumnLink]:
    """The 信息公开 / 网站地图 pages a homepage links to (read one level deep)."""
    return [link for link in links if any(word in link.label for word in DIRECTORY_LABELS)]


def is_home(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path
    if parts.query:  # /index.php?m=content&c=index&a=lists&catid=12 is a column (PHPCMS)
        return False
    return path in ("", "/") or re.fullmatch(r"/(index|default)\.(s?html?|jsp|php|aspx?)", path) is not None


def page_title(text: str) -> str:
    """The homepage's name without portal words (门户网站, 欢迎您 …), the default for `--name`."""
    title = dom.parse_html(text[:20000]).findtext(".//title") or ""
    title = re.split(r"[-_|—–·]", title.strip())[0]
    return re.sub(r"(门户网站|官方网站|官网|网站|欢迎您?|首页)$", "", title.strip()).strip()
