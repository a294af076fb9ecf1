"""Article-page heuristics shared by the families: heading, info row, captions, continuations.

These run when a family's named XPaths find nothing (older templates, unknown sites): the heading
is matched against `<title>`, the info row is the short date-bearing element right after the
heading (never a sidebar), captions come from figcaption / the next centred line / alt.
"""

from __future__ import annotations

import re

from lxml import etree, html

from archiver.extract.text import normalize_text

from . import dom
from .dom import clean_title
from .headline import TITLE_SPLIT
from .info import info_run
from .pagination import TRS_PAGE
from .urls import absolute_link, canonical_url



def xpath(expr: str) -> etree.XPath:
    return etree.XPath(expr)


def first_text(doc: html.HtmlElement, expr: str) -> str | None:
    for el in xpath(expr)(doc):
        value = el if isinstance(el, str) else dom.text_of(el)
        value = normalize_text(value).replace("\n", " ")
        if value:
            return value
    return None


def is_inside(el: etree._Element, container: etree._Element) -> bool:
    node = el
    while node is not None:
        if node is container:
            return True
        node = node.getparent()
    return False


_GLUED_DATE = re.compile(r"(?<=[^\d\s])\s*(" + dom.DATE_RE.pattern + r")\s*$")


def strip_glued_date(title: str) -> tuple[str, str | None]:
    """(`…上的讲话`, `2022年06月23日`) for a heading with a date glued to its end."""
    match = _GLUED_DATE.search(title)
    if not match or len(title[: match.start()].strip()) < 4:
        return title, None
    return title[: match.start()].rstrip(), match.group(1)


_HEADING_XPATH = xpath(
    "//h1 | //h2 | //h3 | //*[contains(@class,'title') or contains(@id,'title') or "
    "contains(@class,'Title') or contains(@class,'biaoti')]"
)


def guess_heading(doc: html.HtmlElement, body: etree._Element | None) -> etree._Element | None:
    """The article heading: a heading/`.title` element whose text starts the `<title>`, else
    the deepest element whose whole text is the `<title>`'s main part (legacy `div.bt` cells)."""
    head = doc.find(".//title")
    head_text = clean_title(head.text_content()) if head is not None else ""
    best: etree._Element | None = None
    inner: etree._Element | None = None  # an h1 inside the body container (HTML5 <article>)
    for el in _HEADING_XPATH(doc):
        if dom.tag_of(el) in ("title", "head", "meta"):
            continue
        value = clean_title(dom.text_of(el))
        if not (2 <= len(value) <= 200) or dom.in_sidebar(el):
            continue
        if body is not None and is_inside(el, body):
            if inner is None and dom.tag_of(el) == "h1":
                inner = el
            continue
        if head_text and head_text.startswith(value):
            return el
        if best is None and dom.tag_of(el) == "h1":
            best = el
    best = best if best is not None else inner
    if best is not None or not head_text:
        return best
    wanted = {p for p in TITLE_SPLIT.split(head_text) if len(p) >= 4} | {head_text}
    root = doc.find("body")
    found: etree._Element | None = None
    for el in (root if root is not None else doc).iter():
        if not isinstance(el.tag, str) or dom.tag_of(el) in dom.SKIP_TAGS or dom.tag_of(el) == "a":
            continue
        text = el.text_content()
        if len(text) > 300:
            continue
        if clean_title(text) in wanted and not dom.in_sidebar(el):
            if found is None or is_inside(el, found):
                found = el
            elif found is not None and not is_inside(el, found):
                break
    return found


_INFO_WORDS = ("发布时间", "发布日期", "发表于", "来源", "时间", "日期", "作者", "编辑", "点击", "浏览")


def guess_info(
    doc: html.HtmlElement, title_el: etree._Element | None, body: etree._Element | None
) -> str | None:
    """The short element right after the heading that carries the date/source (not a sidebar);
    without a heading, the first short element labelled 发布时间/发布日期/发表于 outside sidebars."""
    if title_el is None:
        return labelled_info(doc)
    started = False
    steps = 0
    for el in doc.iter():
        if el is title_el:
            started = True
            continue
        if not started or not isinstance(el.tag, str):
            continue
        if is_inside(el, title_el):
            continue
        steps += 1
        if steps > 80 or (body is not None and el is body):
            break
        if dom.tag_of(el) in dom.SKIP_TAGS:
            continue
        value = normalize_text(dom.text_of(el)).replace("\n", " ")
        if not value or len(value) > 200:
            continue
        if dom.DATE_RE.search(value) or any(w in value for w in _INFO_WORDS[:4]):
            return info_run(el, value)  # `<div>2024-05-13</div><div>08:49</div>` (issue #23)
    return labelled_info(doc)


_LABELLED_DATE = re.compile(r"(?:发布时间|发布日期|发表于|发表时间|更新时间|时间|日期)\s*[:：]?\s*(?:19|20)\d{2}")


def labelled_info(doc: html.HtmlElement) -> str | None:
    body = doc.find("body")
    for el in (body if body is not None else doc).iter("div", "p", "span", "td", "li", "em", "font"):
        text = el.text_content()
        if len(text) > 300 or not _LABELLED_DATE.search(text):
            continue
        if dom.in_sidebar(el) or dom.sidebar_heading(el):
            continue
        value = normalize_text(dom.text_of(el)).replace("\n", " ")
        if value and len(value) <= 200:
            return value
    return None


def image_caption(img: etree._Element) -> tuple[str | None, etree._Element | None]:
    """(caption, element holding it): a figcaption, the next short centred paragraph, or alt.

    The element is returned so the caption is not also counted as body text.
    """
    alt = clean_title(img.get("alt") or img.get("title"))
    if re.search(r"\.(jpe?g|png|gif|bmp)$", alt, re.I) or alt in ("图片", "image"):
        alt = ""
    node = img
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        if dom.tag_of(parent) == "figure":
            cap = parent.find(".//figcaption")
            if cap is not None:
                return (clean_title(cap.text_content()) or alt or None), cap
        node = parent
        if dom.tag_of(node) in ("p", "div", "center", "td"):
            break
    # A caption inside the image's own paragraph: `<p><img><br>会议现场</p>`.
    if node is not img and dom.tag_of(node) in ("p", "div", "center"):
        own = clean_title(dom.text_of(node))
        if own and len(own) <= 80 and (not alt or own == alt) and len(list(node.iter("img"))) == 1:
            return own, node
    nxt = node.getnext()
    if nxt is not None and dom.tag_of(nxt) in ("p", "div", "center", "span", "figcaption"):
        value = clean_title(dom.text_of(nxt))
        style = f"{nxt.get('style') or ''} {nxt.get('align') or ''} {nxt.get('class') or ''}".lower()
        centred = "center" in style or dom.tag_of(nxt) in ("center", "figcaption") or "caption" in style
        if value and len(value) <= 80 and centred and (not alt or value == alt):
            return value, nxt
    return (alt or None), None


ATTACHMENT_LABEL = re.compile(r"^(?:相关)?附件\s*\d*\s*[:：]?$")
_BYLINE = re.compile(r"^[□■]\s*([\u4e00-\u9fff·\s]{2,12})$")


def byline_author(paragraphs: list[str]) -> str | None:
    from archiver.extract.text import normalize_name

    for para in paragraphs:
        match = _BYLINE.match(para.strip())
        if match:
            return normalize_name(match.group(1)) or None
    return None


def attachment_holder(a: etree._Element) -> etree._Element:
    """The link itself, or its paragraph when that says nothing but `附件：<link>`."""
    parent = a.getparent()
    if parent is not None and dom.tag_of(parent) in ("p", "div", "li", "span", "td"):
        rest = dom.text_of(parent).replace(dom.text_of(a), "", 1)
        if len(re.sub(r"[\s:：、,，.。附件\d]", "", rest)) == 0 and len(parent.findall(".//a")) == 1:
            return parent
    return a


_CONT_NUM = re.compile(r"^\[?\s*(\d{1,3})\s*\]?$")


def _article_key(here: str) -> tuple[str, str, list[str]]:
    """(folder, file stem without a page suffix, ``id=`` values) of an article URL."""
    path = here.split("?", 1)[0]
    folder, _, name = path.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    trs_page = TRS_PAGE.match(stem)
    if trs_page:  # called on a continuation page itself
        stem = trs_page.group(1)
    return folder, stem, re.findall(r"(?:id|ID|ArticleID)=(\d+)", here)


def may_have_numbered_continuations(url: str, text: str) -> bool:
    """False when no ``<a href>`` of the page names this article, so ``numbered_continuations``
    would find nothing: the spider then skips parsing the page (most articles have one page)."""
    _folder, stem, ident = _article_key(canonical_url(url))
    for needle in [n for n in [stem, *ident] if n]:
        if needle not in text:
            continue
        link = re.compile(r"<a\b[^>]*?href\s*=\s*[\"']?[^\"'>\s]*" + re.escape(needle), re.IGNORECASE)
        if link.search(text):
            return True
    return False


def numbered_continuations(url: str, doc: html.HtmlElement) -> list[str]:
    """`[1] [2] [3]` / `下一页` links that are variants of this article's own URL: the same path
    with a numeric suffix (`t20230522_123_1.shtml`, `news-view-61578_2.html`) or the same path
    and id with a page parameter (`news_view.php?id=61578&page=2`)."""
    here = canonical_url(url)
    path = here.split("?", 1)[0]
    folder, stem, ident = _article_key(here)
    prefix = f"{folder}/{stem}_"
    needles = [n for n in [stem, *ident] if n]
    found: list[tuple[int, str]] = []
    for a in doc.iter("a"):
        href = a.get("href") or ""
        if not any(n in href for n in needles):
            continue  # cheap: only links naming this article can continue it
        raw = a.text_content()
        if len(raw) > 40:
            continue
        label = raw.strip().replace("\xa0", "").replace("\u3000", "")
        match = _CONT_NUM.match(label)
        if not match and label not in ("下一页", "下页"):
            continue
        link = absolute_link(url, href)
        if not link or link == here:
            continue
        base = link.split("?", 1)[0]
        suffixed = base.startswith(prefix) and base[len(prefix):].split(".", 1)[0].isdigit()
        paged = bool(ident) and base == path and any(f"={i}" in link for i in ident)
        if not (suffixed or paged):
            continue
        number = int(match.group(1)) if match else 10_000
        if all(link != u for _, u in found):
            found.append((number, link))
    found.sort(key=lambda x: x[0])
    # `[1]` is the first page itself (often as `…&page=1`), never a continuation.
    return [u for n, u in found if n != 1]


def script_or_numbered_continuations(url: str, text: str, doc: html.HtmlElement) -> list[str]:
    """A TRS-style paging script's pages (`createPageHTML`), else `[1] [2]`/`下一页` links: the
    TRS family's rule, and the generic path's on sites it does not know (issue #16)."""
    from .pagination import script_page_urls

    urls, _count = script_page_urls(url, text, article=True)
    if urls:
        here = canonical_url(url)
        return [u for u in urls if u != here]
    return numbered_continuations(url, doc)
