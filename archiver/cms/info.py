"""The article's own info row where real pages split or hide it (issues #16 and #23).

- A date and its time in neighbouring elements (`<div class="date">2024-05-13</div>
  <div class="time">08:49</div><div>来源：…</div>`): the row is the run of short siblings.
- No heading found and no label: the page's own date is the short dated element (a classed
  `span.date`) that agrees with the date in the URL, else the one nearest before the body;
  sidebars using the same markup, even before the article in the DOM, never count.
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree, html

from archiver.extract.text import normalize_text

from . import dom

__all__ = ["info_run", "nearest_dated_element"]

_TIME_ONLY = re.compile(r"^\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?$")
_INFO_LABEL = re.compile(r"(?:来源|來源|出处|作者|编辑|編輯|责任编辑|发布|时间|日期|点击|浏览|阅读)\s*[:：]")
_RUN_MAX = 4  # siblings joined to an info element
_SIBLING_MAX_LEN = 60
_HAS_TIME = re.compile(r"\d{1,2}\s*[:：]\s*\d{2}")


def _line(el: etree._Element) -> str:
    return normalize_text(dom.text_of(el)).replace("\n", " ")


def info_run(el: etree._Element, value: str) -> str:
    """`value` (the text of `el`, a short date-bearing element) joined with the short siblings
    that continue it: a time on its own, labelled source/author elements."""
    parts = [value]
    node = el.getnext()
    while node is not None and len(parts) <= _RUN_MAX:
        if not isinstance(node.tag, str) or dom.tag_of(node) in dom.SKIP_TAGS:
            node = node.getnext()
            continue
        text = _line(node)
        if not text:
            node = node.getnext()
            continue
        timed = _TIME_ONLY.match(text) and not _HAS_TIME.search(" ".join(parts))
        if len(text) > _SIBLING_MAX_LEN or not (timed or _INFO_LABEL.search(text)):
            break
        parts.append(text)
        node = node.getnext()
    return " ".join(parts)


def _day_of(text: str) -> date | None:
    m = re.search(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def nearest_dated_element(
    doc: html.HtmlElement, body: etree._Element | None, url_day: date | None
) -> str | None:
    """The info text of the page's own date element when no heading or label points to it."""
    root = doc.find("body")
    found: list[tuple[etree._Element, str]] = []
    before_body: tuple[etree._Element, str] | None = None
    for el in (root if root is not None else doc).iter("span", "em", "i", "p", "div", "td", "li", "font", "time"):
        if body is not None and (el is body or any(a is body for a in el.iterancestors())):
            break  # after the body starts, dates belong to the text or to what follows it
        value = _line(el)
        if not value or len(value) > 80 or not dom.DATE_RE.search(value):
            continue
        if dom.in_sidebar(el) or dom.sidebar_heading(el) or el.find(".//a") is not None:
            continue
        if dom.tag_of(el.getparent()) == "li" or el.getparent().find("a") is not None:
            continue  # a list row's date: the row's link is another article
        found.append((el, value))
        before_body = (el, value)
    for el, value in found:
        if url_day is not None and _day_of(value) == url_day:
            return info_run(el, value)
    return info_run(*before_body) if before_body is not None else None
