"""lxml helpers: parsing decoded pages, splitting a container into paragraph lines, metas.

lxml is used directly (no BeautifulSoup) and XPaths are compiled once, because the extractor is
run over whole archives when the rules change.
"""

from __future__ import annotations

import re

from lxml import etree, html

from archiver.extract.text import normalize_text

# Elements that start a new paragraph. `td`/`th` too: legacy county sites lay bodies out in tables.
BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table tbody thead tfoot section article "
    "blockquote center dl dt dd figure figcaption hr pre form header footer nav address main "
    "aside caption".split()
)
# Never text: scripts (counters, font widgets), the style TRS injects into its body, controls.
SKIP_TAGS = frozenset(
    "script style noscript select option button input textarea iframe object embed template "
    "head title map area svg canvas audio video".split()
)
BREAK = "\x00"
_WS_NEWLINE = re.compile(r"[\r\n\t]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_END_TAGS = re.compile(r"</(?:body|html)\s*>", re.I)

# Dates in listing rows and info rows (raw strings are kept as written; parsing is dates.py's job).
DATE_RE = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)?"
)
SHORT_DATE_RE = re.compile(r"(?<!\d)\d{1,2}[-/.月]\d{1,2}日?(?!\d)")

# Sidebars and widgets whose links and dates belong to other articles.
SIDEBAR_WORDS = ("最新文章", "相关文章", "相关信息", "相关阅读", "相关新闻", "热点排行", "热门",
                 "推荐阅读", "点击排行", "最新动态", "最新信息", "图片新闻", "友情链接")
SIDEBAR_ATTR = re.compile(
    r"(?:^|[\s_-])(?:side|sidebar|aside|hot|rank|relat\w*|latest|recommend|"
    r"links?|friend|footer|foot|nav|menu|crumb|bread|share|prev|next)(?:[\s_-]|\d|$)",
    re.I,
)


def clean_title(text: str | None) -> str:
    """One line of normalized text (titles, labels)."""
    return normalize_text(text or "").replace("\n", " ").strip()


def parse_html(text: str) -> html.HtmlElement:
    """Parse a decoded page; tolerate XML declarations, empty input and stray end tags.

    libxml2 (2.14, lxml 6) stops building the tree at a `</body>` or `</html>` in the middle of
    a page, silently dropping every paragraph after it, where browsers keep going; pages glued
    together from templates have such tags. The parser closes both at the end anyway.
    """
    text = _XML_DECL.sub("", text, count=1)
    text = _END_TAGS.sub("", text)
    if not text.strip():
        text = "<html><body></body></html>"
    try:
        return html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return html.document_fromstring("<html><body></body></html>", parser=_PARSER)


# lxml.html's own parser picks each element's class in Python (forms, inputs, labels… have their
# own) every time an element object is created: ~4% of extraction's CPU. Nothing here uses those
# form classes, so every element is a plain HtmlElement, picked in C.
_PARSER = etree.HTMLParser()
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction,
    entity=html.HtmlEntity))


def tag_of(el: etree._Element) -> str | None:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else None


# A data table's cells hold short inline text; a layout table's cells hold paragraphs or tables.
_CELL_BLOCKS = frozenset("p div br table ul ol li h1 h2 h3 h4 h5 h6 img form".split())
_MAX_CELL_LEN = 60


def data_row_text(tr: etree._Element, exclude: frozenset[etree._Element] | set = frozenset()) -> str | None:
    """`日期 时间 内容 地点`: a data table's row as one line, cells in order (issue #16), or None
    for a layout row (legacy county sites lay whole bodies out in tables: cells stay lines)."""
    cells = [c for c in tr if tag_of(c) in ("td", "th")]
    if len(cells) < 2:
        return None
    texts = []
    for cell in cells:
        if cell in exclude or any(tag_of(d) in _CELL_BLOCKS or d in exclude for d in cell.iterdescendants()):
            return None
        text = " ".join("".join(cell.itertext()).split())
        if len(text) > _MAX_CELL_LEN:
            return None
        if text:
            texts.append(text)
    table = tr.getparent()
    if table is not None and tag_of(table) in ("tbody", "thead", "tfoot"):
        table = table.getparent()
    rows = sum(1 for _ in table.iter("tr")) if table is not None else 0
    return " ".join(texts) if len(texts) >= 2 and rows >= 2 else None


def _walk(el: etree._Element, out: list[str], exclude: frozenset[etree._Element] | set) -> None:
    # Run on every element of every body: tag_of inlined, the regex only where it changes something.
    tag = el.tag
    tag = tag.lower() if isinstance(tag, str) else None
    if tag is None or tag in SKIP_TAGS or el in exclude:
        if tag in BLOCK_TAGS:
            out.append(BREAK)
        return
    if tag == "tr" and (row := data_row_text(el, exclude)) is not None:
        out.extend((BREAK, row, BREAK))
        return
    block = tag in BLOCK_TAGS
    if block:
        out.append(BREAK)
    if text := el.text:
        out.append(_WS_NEWLINE.sub(" ", text) if _has_ws_newline(text) else text)
    for child in el:
        _walk(child, out, exclude)
        if tail := child.tail:
            out.append(_WS_NEWLINE.sub(" ", tail) if _has_ws_newline(tail) else tail)
    if block:
        out.append(BREAK)


def _has_ws_newline(text: str) -> bool:
    return "\n" in text or "\r" in text or "\t" in text


def element_lines(el: etree._Element, exclude: frozenset[etree._Element] | set = frozenset()) -> list[str]:
    """Raw text lines of a container, split at block elements and <br>s (not normalized).

    Elements in `exclude` (image captions, attachment links: fields of their own) are skipped.
    """
    out: list[str] = []
    _walk(el, out, exclude)
    return [line for line in "".join(out).split(BREAK) if line.strip()]


def text_of(el: etree._Element | None) -> str:
    """All visible text of an element, without scripts/styles, block breaks as spaces."""
    if el is None:
        return ""
    return " ".join(line.strip() for line in element_lines(el))


def meta_content(doc: html.HtmlElement, *names: str) -> str | None:
    """The first non-empty <meta name=…> among `names` (case-insensitive names)."""
    wanted = [n.lower() for n in names]
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("http-equiv") or "").lower()
        if name in wanted and name not in found:
            content = (meta.get("content") or "").strip()
            if content:
                found[name] = content
    for name in wanted:
        if name in found:
            return found[name]
    return None


def attr_words(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def in_sidebar(el: etree._Element, stop: etree._Element | None = None) -> bool:
    """True when `el` sits in a sidebar/related list/header/footer (by class/id or heading)."""
    node = el
    while node is not None and node is not stop:
        # Not `header`: an HTML5 <article><header><h1> holds the article's own heading.
        if tag_of(node) in ("aside", "nav", "footer"):
            return True
        if SIDEBAR_ATTR.search(attr_words(node)):
            return True
        node = node.getparent()
    return False


def head_text(el: etree._Element, limit: int = 24) -> str:
    """The first characters of an element's text, without materializing all of it."""
    out, size = [], 0
    for piece in el.itertext():
        piece = piece.strip()
        if piece:
            out.append(piece)
            size += len(piece)
            if size >= limit:
                break
    return "".join(out)[:limit]


def sidebar_heading(el: etree._Element, depth: int = 3) -> bool:
    """True when a container of `el` is introduced by a 最新文章/相关文章-type heading."""
    node = el
    for _ in range(depth):
        parent = node.getparent()
        if parent is None:
            return False
        prev = node.getprevious()
        hops = 0
        while prev is not None and hops < 2:
            if tag_of(prev) is not None:
                words = head_text(prev)
                if any(w in words for w in SIDEBAR_WORDS):
                    return True
                hops += 1
            prev = prev.getprevious()
        node = parent
    return False


_CANDIDATE_TAGS = ("div", "td", "article", "section", "main", "span", "font", "center")


def densest_block(
    doc: html.HtmlElement, candidates: list[tuple[etree._Element, float]] | None = None
) -> etree._Element | None:
    """The container holding the most paragraph text, link text discounted (readability-style).

    Each text-bearing block adds its length to its parent and half to its grandparent; sidebars,
    headers and footers score nothing, so 最新文章 lists with their own dates are never chosen.
    """
    body = doc.find("body")
    if body is None:
        body = doc
    scores: dict[etree._Element, float] = {}
    for el in body.iter("p", "div", "td", "span", "font", "li", "br", "tr"):
        if tag_of(el) == "tr":
            # A data table's rows count for the table (a body that is only a table, issue #16).
            row = data_row_text(el)
            table = el.getparent()
            if table is not None and tag_of(table) in ("tbody", "thead", "tfoot"):
                table = table.getparent()
            if not row or table is None:
                continue
            holder, length = table, len(row)
        elif tag_of(el) == "br":
            parent = el.getparent()
            text = (el.tail or "").strip()
            if parent is None or len(text) < 20:
                continue
            holder, length = parent, len(text)
        else:
            own = "".join(t for t in [el.text or ""] + [c.tail or "" for c in el]).strip()
            if len(own) < 20:
                continue
            holder, length = el.getparent(), len(own)
            if tag_of(el) in _CANDIDATE_TAGS and tag_of(el) != "span":
                scores[el] = scores.get(el, 0.0) + length
        if holder is None:
            continue
        scores[holder] = scores.get(holder, 0.0) + length
        grand = holder.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + length / 2
    best, best_score = None, 0.0
    for el, score in scores.items():
        if tag_of(el) not in _CANDIDATE_TAGS and tag_of(el) not in ("p", "table"):
            continue
        if in_sidebar(el):
            continue
        links = sum(len((a.text_content() or "").strip()) for a in el.iter("a"))
        total = len(el.text_content() or "") or 1
        score = score * (1 - min(links / total, 1.0))
        if candidates is not None and score > 0:  # `extract --explain` lists them (issue #16)
            candidates.append((el, score))
        if score > best_score:
            best, best_score = el, score
    if best is not None and tag_of(best) == "p":
        best = best.getparent()
    return best


def image_block(doc: html.HtmlElement) -> etree._Element | None:
    """For a page without text (a scanned speech, issue #16): the container holding the most
    images outside sidebars, headers and logos, so the images are kept and the body is empty."""
    body = doc.find("body")
    counts: dict[etree._Element, int] = {}
    for img in (body if body is not None else doc).iter("img"):
        holder = img.getparent()
        while holder is not None and tag_of(holder) in ("a", "p", "span", "font", "center", "strong", "b"):
            holder = holder.getparent()
        if holder is None or in_sidebar(img) or re.search(r"logo|banner|top|head", attr_words(holder), re.I):
            continue
        counts[holder] = counts.get(holder, 0) + 1
    return max(counts, key=lambda el: counts[el]) if counts else None
