"""The article's own headline on layouts no family knows (issues #16 and #23).

Real pages put a channel (`国际新闻`, `热点`), the site's name, a weekly's masthead or a
breadcrumb (`中国科普网 > 时政新闻 >`) in the elements a heading search finds first, and the
headline in an `<h5>`, a classed div or td, or bold text above the info row. A candidate is
scored on what the page says elsewhere (meta `ArticleTitle`/`og:title`, `<title>` minus its
column and site suffixes, the listing title) and on where it sits (right above the date-bearing
info row, near the body); names the page uses for itself (the `<title>`'s suffixes,
`og:site_name`, logo and masthead text) and breadcrumbs never win.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lxml import etree, html

from . import dom
from .dom import clean_title

__all__ = ["References", "page_references", "pick_headline", "is_not_headline"]

TITLE_SPLIT = re.compile(r"\s*(?:[-_|｜]|--|——|－|–|—)\s*")
_BREADCRUMB = re.compile(r"(?:>|＞|»|›|→|&gt;)\s*\S*\s*(?:>|＞|»|›|→|&gt;)?\s*$|^[您你]?(?:现在|当前)?(?:所在)?的?位置")
_HEADING_ATTR = re.compile(r"title|tit\b|tit[-_]|biaoti|headline|heading|\bbt\b|h-title|art-t", re.I)
_NOT_HEADING_ATTR = re.compile(r"sub-?title|subtit|site|logo|channel|column|lanmu|masthead|crumb|banner", re.I)
_MIN_LEN, _MAX_LEN = 5, 200
# What HTML editors put in <title> when nobody typed one (old ASP/Dreamweaver county sites).
EDITOR_DEFAULT_TITLES = frozenset({"无标题文档", "无标题页", "未命名", "新建网页 1", "Untitled Document", "Untitled",
                                   "Document", "首页", "网页标题"})
_FOLLOW_STEPS = 12  # how far after a heading its info row may start (elements in document order)


class References:
    """What the page says its title is, besides its elements."""

    def __init__(self, metas: list[str], head_main: str | None, names: set[str], first: str | None = None) -> None:
        self.metas = metas  # ArticleTitle, og:title, the listing title: strongest
        self.head_main = head_main  # the <title>'s longest part
        self.names = names  # the site's / column's names: never a headline
        # `政协工作报告_中国人民政治协商会议湖北省某市委员会`: a short headline comes first and the
        # longest part is the site; a heading showing exactly the first part is the headline.
        self.first = first

    def all(self) -> list[str]:
        return [*self.metas, *([self.head_main] if self.head_main else [])]


def page_references(doc: html.HtmlElement, listing_title: str | None = None) -> References:
    metas = [clean_title(dom.meta_content(doc, n)) for n in ("ArticleTitle", "og:title", "twitter:title")]
    metas = [m for m in metas if m] + ([clean_title(listing_title)] if listing_title else [])
    head = doc.find(".//title")
    parts = [p for p in TITLE_SPLIT.split(clean_title(head.text_content() if head is not None else ""))
             if p and p not in EDITOR_DEFAULT_TITLES]
    names = {clean_title(dom.meta_content(doc, "og:site_name", "SiteName", "ColumnName"))} - {""}
    head_main = max(parts, key=len) if parts else None
    if len(parts) >= 2:
        names |= {p for p in parts if p != head_main}
    elif head_main and not metas:
        # `<title>中国科普网</title>`: a lone short part the page also shows as a logo/site name.
        names.add(head_main) if len(head_main) <= 8 else None
    if head_main and head_main in names:
        head_main = None
    first = parts[0] if len(parts) >= 2 and parts[0] != head_main else None
    return References(metas, head_main, names, first)


def is_not_headline(value: str, refs: References) -> bool:
    """A breadcrumb, the site's or a column's name, or too short/long to be a headline."""
    if value == refs.first and 2 <= len(value) <= _MAX_LEN:
        return bool(_BREADCRUMB.search(value))
    if not (_MIN_LEN <= len(value) <= _MAX_LEN) and not any(value == r for r in refs.all()):
        return True
    if value in refs.names or _BREADCRUMB.search(value):
        return True
    return any(value.startswith(w) for w in dom.SIDEBAR_WORDS)


def _similarity(value: str, refs: References) -> float:
    best = 0.0
    for ref in refs.all():
        if value == ref:
            return 1.0
        if len(value) >= _MIN_LEN and (ref.startswith(value) or value.startswith(ref)):
            best = max(best, 0.8)
        else:
            best = max(best, 0.7 * SequenceMatcher(None, value, ref, autojunk=False).ratio())
    return best


def _candidates(doc: html.HtmlElement) -> list[etree._Element]:
    root = doc.find("body")
    out = []
    for el in (root if root is not None else doc).iter():
        tag = dom.tag_of(el)
        if tag is None or tag in dom.SKIP_TAGS:
            continue
        attrs = dom.attr_words(el)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            out.append(el)
        elif tag in ("div", "td", "p", "span", "strong", "b", "font") and _HEADING_ATTR.search(attrs):
            out.append(el)
        elif tag in ("b", "strong") and el.getparent() is not None and dom.tag_of(el.getparent()) in ("td", "p", "div", "center"):
            # Bold text that is its cell's whole text: the headline of table layouts.
            if clean_title(dom.text_of(el.getparent())) == clean_title(dom.text_of(el)):
                out.append(el)
    return out


def _followed_by_info(el: etree._Element) -> bool:
    """True when a short date-bearing element comes right after `el` (the info row)."""
    steps = 0
    node = el
    while steps < _FOLLOW_STEPS:
        nxt = node.getnext()
        while nxt is None:
            node = node.getparent()
            if node is None:
                return False
            nxt = node.getnext()
        node = nxt
        if not isinstance(node.tag, str) or dom.tag_of(node) in dom.SKIP_TAGS:
            continue
        steps += 1
        text = clean_title(dom.text_of(node))
        if not text:
            continue
        return len(text) <= 200 and bool(dom.DATE_RE.search(text))
    return False


def _link_only(el: etree._Element) -> bool:
    """`<h1><a href="/">国际新闻</a></h1>`: a heading that is one link is a channel or logo."""
    links = list(el.iter("a"))
    return len(links) == 1 and clean_title(links[0].text_content()) == clean_title(dom.text_of(el))


def pick_headline(
    doc: html.HtmlElement, body: etree._Element | None, refs: References
) -> etree._Element | None:
    """The element holding the headline, or None when no element is convincing."""
    best, best_score = None, 0.0
    for el in _candidates(doc):
        value = clean_title(dom.text_of(el))
        if is_not_headline(value, refs) or dom.in_sidebar(el) or _NOT_HEADING_ATTR.search(dom.attr_words(el)):
            continue
        if _link_only(el) and _similarity(value, refs) < 0.8:
            continue
        score = 3 * (1.0 if value == refs.first else _similarity(value, refs))
        if _followed_by_info(el):
            score += 2
        if dom.tag_of(el) in ("h1", "h2", "h3", "h4", "h5", "h6"):
            score += 0.5
        score += min(len(value), 30) / 60  # a headline is rarely a word or two
        if score > best_score:
            best, best_score = el, score
    # Without any reference and with nothing followed by an info row, a guess is worse than none.
    return best if best_score >= 1.5 else None


def checked_heading(
    doc: html.HtmlElement, body: etree._Element | None, heading: etree._Element | None
) -> tuple[etree._Element | None, References]:
    """`heading` (the family's or `page.guess_heading`'s find) when the page's references agree
    or it is all there is; else the best-scored candidate; never a name or a breadcrumb."""
    refs = page_references(doc)
    if heading is not None:
        value = clean_title(dom.text_of(heading))
        agrees = not refs.all() or _similarity(value, refs) >= 0.8 or value == refs.first
        if not is_not_headline(value, refs) and agrees and not _link_only(heading):
            return heading, refs
    picked = pick_headline(doc, body, refs)
    if picked is not None:
        return picked, refs
    if heading is not None and not is_not_headline(clean_title(dom.text_of(heading)), refs):
        return heading, refs
    return None, refs
