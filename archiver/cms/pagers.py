"""Every common pager form, read generically (issue #14): the pages of a column and its stated size.

Real platforms page columns in many ways, often without one plain link per page:
- anchors (`下一页`, `下页`, `后页`, `›`, `>`, `next`, numbered links; WordPress `/page/2/`);
- `javascript:` anchors and buttons (JEECMS `[@cms_pagination]` prints
  `<input type=button value="下一页" onclick="location.href='index_2.htm'">` and a
  `_gotoPage(n)` function; many sites call `goPage(3)` whose body builds the URL);
- `<select>` jump menus (EmpireCMS: option values are page URLs; others: page numbers and an
  `onchange` building the URL) — never the friend-link selects (友情链接) beside them;
- GET forms with a page field (`跳转到第 N 页`);
- page counts in scripts (`countPage`, `totalPage`, `pageCount`, `maxPage`, laypage `pages:`) and
  text (`共N页`, `共N条 每页M条`, `1/7`, `第1页/共7页`).
Seen page URLs are fitted to a template `prefix + (a·page + b) + suffix` (VSB counts down:
`list/6.htm` is page 2 of 7), else the site's conventions (`index_2`, `list_5_2`, `?page=2`,
`/page/2/`) are used, so that a stated count gives every page. Only same-site URLs are returned.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import html

from . import jsexpr
from .dom import text_of
from .pagination import MAX_LISTING_PAGES, NEXT_WORDS, PAGER_WORDS, TOTAL_PAGES, _pager_context
from .urls import absolute_link, canonical_url

PAGE_FIELDS = ("page", "pageno", "pagenum", "pageindex", "curpage", "currentpage", "cpage", "pn", "p",
               "paged", "pagenumber", "page_no", "pageid")
_SCRIPT_PAGES = re.compile(
    r"\b(?:countPage|totalPages?|pageCount|maxPage|pageTotal|page_count|totalpage|pagecount|allPage|"
    r"pages)[\"']?\s*[:=]\s*[\"']?(\d+)", re.I)
_SCRIPT_ITEMS = re.compile(
    r"\b(?:totalRecords?|totalCount|recordCount|totalNum|totalRows)[\"']?\s*[:=]\s*[\"']?(\d+)", re.I)
_SCRIPT_SIZE = re.compile(
    r"\b(?:pageSize|perPage|page_size|pagesize|rowsPerPage)[\"']?\s*[:=]\s*[\"']?(\d+)", re.I)
_TEXT_PAGES = (
    TOTAL_PAGES,
    re.compile(r"(?:页次|当前页?|第)\s*[:：]?\s*\d+\s*/\s*(\d+)\s*页?"),
    re.compile(r"(?<![\d/.-])\d+\s*/\s*(\d+)\s*页"),
)
_TEXT_ITEMS = re.compile(r"共\s*(?:有\s*)?(\d+)\s*(?:条|篇)")
_TEXT_SIZE = re.compile(r"每页\s*(?:显示\s*)?(\d+)\s*(?:条|篇)|(\d+)\s*条\s*/\s*页")
_CURRENT = re.compile(r"(?:当前第?|第)\s*(\d+)\s*(?:页|/)|页次\s*[:：]?\s*(\d+)\s*/")
_FRIEND_WORDS = ("友情链接", "链接", "网站", "政府", "部门", "市县", "区县", "导航")
_OPTION_PAGE = re.compile(r"^\s*第?\s*(\d{1,6})\s*页?\s*$")
# Where a page number sits in a URL, most specific first: `?page=2`, `/page/2/`, `_2.html`,
# `/2.htm` (VSB), `-2.html` (PHPCMS `list-5-2.html`).
_NUM_SLOTS = (
    re.compile(r"[?&](?:%s)=(\d+)" % "|".join(PAGE_FIELDS), re.I),
    re.compile(r"/page/(\d+)/?$"),
    re.compile(r"_(\d+)\.\w+$"),
    re.compile(r"/(\d+)\.\w+$"),
    re.compile(r"-(\d+)\.\w+$"),
)


@dataclass
class Pages:
    """What a listing page says about its column's other pages and size."""

    urls: list[str] = field(default_factory=list)  # in page order, the current page excluded
    total_pages: int | None = None
    total_items: int | None = None
    per_page: int | None = None
    problems: list[str] = field(default_factory=list)
    guessed: bool = False  # the urls were built from the platforms' conventions alone


def find_pages(url: str, text: str, doc: html.HtmlElement, *, entries: int = 0, expand: bool = True,
               guess: bool = True) -> Pages:
    """Pages 2…N of the column from every pager form on the page, and what it states of its size.

    `expand=False`: only the pages seen (another rule numbers them); `guess=False`: no URL from
    conventions alone (the count may be a list API's, whose pages are asked otherwise).
    """
    code = jsexpr.inline_scripts(doc)
    page = jsexpr.page_vars(doc)
    env = {**page, **jsexpr.script_vars(code, page)}
    funcs = jsexpr.functions(code)
    out = Pages()
    body = doc.find("body")
    body_text = text_of(body) if body is not None else ""
    _sizes(out, body_text, code, entries)
    current = _current_page(url, body_text)  # None: a later page whose number is not stated
    seen: list[tuple[int | None, str]] = []  # (page number if known, absolute URL)
    offsite = 0
    for number, raw in [*_anchor_pages(doc), *_handler_pages(doc, env, funcs), *_select_pages(doc, env)]:
        link = absolute_link(url, raw)
        if link is None:
            offsite += _is_offsite(url, raw)
            continue
        seen.append((number, link))
    templates = [(t, 0) for t in jsexpr.page_templates(code, env)]
    templates += _form_templates(url, doc)
    if offsite:
        out.problems.append(f"pager names {offsite} page(s) on another site: not followed")
    out.urls = _expand(url, out, current, seen, templates if expand else None, text, guess)
    return out


def _sizes(out: Pages, body_text: str, code: str, entries: int) -> None:
    pages = [int(m) for rx in _TEXT_PAGES for m in rx.findall(body_text)]
    pages += [int(m) for m in _SCRIPT_PAGES.findall(code)]
    items = [int(m) for m in _TEXT_ITEMS.findall(body_text)] + [int(m) for m in _SCRIPT_ITEMS.findall(code)]
    sizes = [int(a or b) for a, b in _TEXT_SIZE.findall(body_text)]
    sizes += [int(m) for m in _SCRIPT_SIZE.findall(code)]
    out.total_items = max(items) if items else None
    out.per_page = sizes[0] if sizes and sizes[0] > 0 else None
    out.total_pages = max(pages) if pages else None
    if out.total_pages is None and out.total_items and (out.per_page or entries):
        out.total_pages = math.ceil(out.total_items / (out.per_page or entries))


def _current_page(url: str, body_text: str) -> int | None:
    match = _CURRENT.search(body_text)
    if match:
        return int(match.group(1) or match.group(2))
    # A URL without a page number is the column's first page; `index_3.html` is some later one.
    return None if any(slot.search(url) for slot in _NUM_SLOTS) else 1


def _is_offsite(base: str, raw: str | None) -> bool:
    if not raw or not raw.lower().startswith(("http:", "https:", "//")):
        return False
    return absolute_link(base, raw) is None


def _label(el: html.HtmlElement) -> str:
    label = (el.get("value") if el.tag in ("input", "button") and el.get("value") else el.text_content()) or ""
    return re.sub(r"\s+", "", label).strip("[]【】")


def _page_of_label(label: str, current: int | None = None) -> int | None | str:
    if label.isdigit() and len(label) <= 6:
        return int(label)
    low = label.lower()
    if any(low.startswith(w) for w in ("下一页", "下页", "后页", "next")) or label in NEXT_WORDS:
        return "next"
    if label.startswith(("尾页", "末页", "最后一页", "最后页")) or label in (">|", "»|", "last", "Last"):
        return "last"
    if label.startswith(("上一页", "上页", "前页")) or low in ("<", "‹", "prev", "previous"):
        return "prev"
    if any(label.startswith(w) for w in PAGER_WORDS) or label in ("«", "<<"):
        return "other"
    return None


def _anchor_pages(doc: html.HtmlElement) -> list[tuple[int | None, str]]:
    """Plain pager anchors with their page number when the label gives it (`2`, `下一页`)."""
    out: list[tuple[int | None, str]] = []
    verdict: dict[object, bool] = {}
    for a in doc.iter("a"):
        href = a.get("href")
        if not href or href.strip().lower().startswith("javascript:"):
            continue
        kind = _page_of_label(_label(a))
        if kind is None:
            cls = (a.get("class") or "").lower()
            if "next" not in cls:
                continue
            kind = "next"
        parent = a.getparent()
        if parent not in verdict:
            verdict[parent] = _pager_context(a) or "next" in (a.get("class") or "").lower()
        if verdict[parent]:
            out.append((_number(kind), href))
    return out


# "The page after (before) the current one" and "the last page", resolved once those are known.
_NEXT, _LAST, _PREV = -1, -2, -3


def _number(kind: int | str | None) -> int | None:
    if isinstance(kind, int):
        return kind
    return {"next": _NEXT, "last": _LAST, "prev": _PREV}.get(kind or "")


def _handler_pages(doc: html.HtmlElement, env: dict[str, str], funcs) -> list[tuple[int | None, str]]:
    """`javascript:` anchors and buttons whose handler sets the location or calls a page function."""
    out: list[tuple[int | None, str]] = []
    for el in doc.iter("a", "input", "button", "span", "li", "div", "font"):
        href = (el.get("href") or "").strip()
        code = el.get("onclick") or ""
        if href.lower().startswith("javascript:"):
            code = f"{code};{href[11:]}"
        if not code.strip(";"):
            continue
        kind = _page_of_label(_label(el))
        # Only pager controls: a nav button's `location.href='/'` is not a page of the column.
        if kind is None and not _pager_context(el):
            continue
        for target in jsexpr.handler_targets(code, env, funcs)[:3]:
            number = _number(kind)
            out.append((_arg_number(code) if number is None else number, target))
    return out


def _arg_number(code: str) -> int | None:
    match = re.search(r"\(\s*['\"]?(\d{1,6})['\"]?\s*[,)]", code)
    return int(match.group(1)) if match else None


def _select_pages(doc: html.HtmlElement, env: dict[str, str]) -> list[tuple[int | None, str]]:
    """Jump menus whose options are pages (`2`, `第2页`); friend-link menus are skipped."""
    out: list[tuple[int | None, str]] = []
    for select in doc.iter("select"):
        options = [(label, value if value is not None else label)
                   for o in select.iter("option")
                   for label, value in [(o.text_content().strip(), o.get("value"))]]
        numbered = [(int(m.group(1)), value) for label, value in options if (m := _OPTION_PAGE.match(label))]
        if len(numbered) < 2 or len(numbered) < len(options) - 1 or _is_friend_menu(select):
            continue
        handler = select.get("onchange") or ""
        for number, value in numbered[:MAX_LISTING_PAGES]:
            if re.fullmatch(r"\d+", value.strip()):
                targets = list(jsexpr.location_targets(handler, {**env, jsexpr.OPTION: value.strip()}))
                if targets:
                    out.append((number, targets[0]))
            elif value.strip():
                out.append((number, value.strip()))
    return out


def _is_friend_menu(select: html.HtmlElement) -> bool:
    around = text_of(select.getparent()) if select.getparent() is not None else ""
    label = " ".join(filter(None, [select.get("name"), select.get("id"), select.get("class"), around[:60]]))
    return any(w in label for w in _FRIEND_WORDS)


def _form_templates(url: str, doc: html.HtmlElement) -> list[tuple[str, int]]:
    """GET forms with a page field (`跳转到第 N 页`): action + the form's fields + page=PAGE."""
    out: list[str] = []
    for form in doc.iter("form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        fields: list[tuple[str, str]] = []
        paged, offset = False, 0
        for inp in form.iter("input", "select"):
            name = inp.get("name")
            if not name or (inp.get("type") or "").lower() in ("submit", "button", "image", "reset"):
                continue
            if name.lower() in PAGE_FIELDS:
                fields.append((name, jsexpr.PAGE))
                paged = True
                offset = _option_offset(inp)
            else:
                fields.append((name, inp.get("value") or ""))
        if not paged:
            continue
        action = absolute_link(url, form.get("action") or url)
        if action is None:
            continue
        parts = urlsplit(action)
        kept = [(k, v) for k, v in parse_qsl(parts.query) if k not in dict(fields)]
        query = urlencode(kept + fields, safe="/").replace(urlencode({"x": jsexpr.PAGE})[2:], jsexpr.PAGE)
        out.append((urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")), offset))
    return out


def _option_offset(field: html.HtmlElement) -> int:
    """A page `<select>` whose option values are the labels minus one (EmpireCMS counts from 0)."""
    if field.tag != "select":
        return 0
    for option in field.iter("option"):
        label, value = option.text_content().strip(), (option.get("value") or "").strip()
        if label.isdigit() and value.lstrip("-").isdigit():
            return int(value) - int(label)
    return 0


def _expand(url: str, out: Pages, current: int | None, seen: list[tuple[int | None, str]],
            templates: list[tuple[str, int]] | None, text: str, guess: bool) -> list[str]:
    here = canonical_url(url)
    total = out.total_pages
    after = {_NEXT: current + 1 if current else None, _LAST: total, _PREV: current - 1 if current else None}
    # 上一页 on page 1 and 下一页 on the last (`toPage(pageNo ± 1)`, which the page function
    # refuses) are no page at all.
    resolved = [(after.get(n, n) if n is not None else None, link) for n, link in seen
                if n not in (_NEXT, _PREV) or after[n] is None or 1 <= after[n] <= (total or after[n])]
    found: dict[str, None] = {}
    template = None
    if templates is not None:
        template = _fit(resolved) or _from_templates(url, templates)
        if template is None and guess and total and total > 1 and not resolved:
            template = _convention(url, text)
            out.guessed = True
    # The current page under another name (`list_5_1.html` for `list_5.html`) is not asked again,
    # nor page 1 from a later page: a walk starts at the column's first page.
    resolved = [(n, link) for n, link in resolved if n is None or n not in (current, 1)]
    by_number: dict[int, str] = {}
    for n, link in resolved:
        if n is not None:
            by_number.setdefault(n, link)
    if template and total and total > 1:
        if total > MAX_LISTING_PAGES:
            out.problems.append(f"pager claims {total} pages: at most {MAX_LISTING_PAGES} are generated")
        offsite = 0
        for n in range(2, min(total, MAX_LISTING_PAGES) + 1):
            built = template(n)
            link = by_number.get(n) or absolute_link(url, built)
            if link:
                found.setdefault(link)
            else:
                offsite += _is_offsite(url, built)
        if offsite:
            out.problems.append(f"pager builds {offsite} page URL(s) on another site: not followed")
    for n, link in sorted(resolved, key=lambda p: (p[0] is None, p[0] or 0)):
        if urlsplit(link).path not in ("", "/") and not (n is None and is_first_page(link)):
            found.setdefault(link)
    found.pop(here, None)
    return list(found)


def is_first_page(link: str) -> bool:
    """`list.php?id=12&page=1`: page 1 under another name (首页 on page 2), never asked again —
    unless a label numbers it otherwise (EmpireCMS counts from 0: `page=1` is page 2)."""
    match = _NUM_SLOTS[0].search(link)
    return bool(match) and match.group(1) == "1"


def _fit(pairs: list[tuple[int | None, str]]):
    """`prefix + (a·n + b) + suffix` (a = ±1) best agreeing with the page URLs whose number is
    known. Page 1 seeds nothing: platforms name it apart (`index.html`, `12.html`, `list.htm`)."""
    numbered = [(n, link) for n, link in pairs if n is not None and n > 1]
    best, best_votes = None, -1
    for n1, u1 in numbered:
        for slot in _NUM_SLOTS:
            match = slot.search(u1)
            if not match:
                continue
            prefix, suffix, k1 = u1[: match.start(1)], u1[match.end(1):], int(match.group(1))
            for a in (1, -1):
                b = k1 - a * n1
                votes = sum(1 for n2, u2 in numbered if n2 != n1 and u2 == f"{prefix}{a * n2 + b}{suffix}")
                if votes > best_votes:
                    best, best_votes = (prefix, suffix, a, b), votes
            break  # the most specific slot of this URL only
    if best is None:
        return None
    prefix, suffix, a, b = best
    return lambda n: f"{prefix}{a * n + b}{suffix}" if a * n + b > 0 else None


def _from_templates(url: str, templates: list[tuple[str, int]]):
    for template, offset in templates:
        if template.count(jsexpr.PAGE) == 1:
            return lambda n, t=template, o=offset: t.replace(jsexpr.PAGE, str(n + o))
    return None


def _convention(url: str, text: str):
    """The platforms' usual page URLs when a count is stated but no page URL is seen."""
    parts = urlsplit(url)
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        name = next((k for k, _ in pairs if k.lower() in PAGE_FIELDS), "page")
        pairs = [(k, v) for k, v in pairs if k != name]
        base = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), ""))
        return lambda n: f"{base}&{name}={n}"
    path = parts.path
    root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    if path.endswith("/"):
        if "wp-content" in text:
            return lambda n: f"{root}{path}page/{n}/"
        return lambda n: f"{root}{path}index_{n}.html"
    stem, dot, ext = path.rpartition(".")
    if not dot:
        return lambda n: f"{root}{path}/page/{n}/"
    return lambda n: f"{root}{stem}_{n}.{ext}"
