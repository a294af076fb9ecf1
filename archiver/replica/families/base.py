"""What every family shares: the request object, asset serving, page encoding, gold helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from archiver.replica import assets, corpus, files
from archiver.replica.chrome import NOT_FOUND_HTML, Chrome, attr, esc, footer
from archiver.replica.model import Article, Block, Response
from archiver.replica.sites import SiteSpec
from archiver.replica.store import SiteStore


@dataclass
class Req:
    method: str
    path: str  # without query, session suffix removed
    query: dict[str, str] = field(default_factory=dict)
    raw_query: str = ""
    body: bytes = b""
    form: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict] = field(default_factory=dict)  # site options from faults.py
    host: str = ""  # the Host header (for absolute and protocol-relative URLs in API answers)


class Family:
    """Base class: a family renders one site; subclasses implement the URL scheme and markup."""

    listing_width = 0  # listing link texts longer than this are cut with "..." (0: never)
    counter_paths: tuple[str, ...] = ()  # JS hit counters: answered by the server, never cached
    chrome_lines: list[str] = []  # the footer's lines (chrome.footer), for the default ``foot``
    asset_re = re.compile(r"(\d+)_(\d+)\.(jpg|png|pdf|doc|docx|wps|xls)$")

    def __init__(self, spec: SiteSpec, store: SiteStore) -> None:
        self.spec = spec
        self.store = store

    @property
    def name(self) -> str:
        """The platform's name: the site's ``family``, the key that chose this class (FAMILY_CLASSES)."""
        return self.spec.family

    # ----- to implement -----------------------------------------------------------------
    def route(self, req: Req, day: int) -> Response | None:
        raise NotImplementedError

    # The URL scheme, as data where it is a plain pattern: ``str.format`` templates with the
    # fields ``a`` (the Article), ``dir`` (``dirs[a.column]``) and, for assets, ``i`` (index among
    # the article's assets of that kind), ``b`` (the Block), ``folder`` (``folders[b.kind]``). A
    # scheme that computes (hex ids, page suffixes, query strings) overrides the method instead.
    article_url = ""
    asset_url = ""
    dirs: dict[str, object] = {}
    folders: dict[str, str] = {}

    def article_path(self, a: Article, page: int = 0) -> str:
        if not self.article_url:
            raise NotImplementedError
        return self.article_url.format(a=a, dir=self.dirs.get(a.column))

    def asset_path(self, a: Article, i: int, b: Block) -> str:
        if not self.asset_url:
            raise NotImplementedError
        return self.asset_url.format(a=a, i=i, b=b, dir=self.dirs.get(a.column), folder=self.folders.get(b.kind))

    def render_article(self, a: Article, page: int, day: int, ch: Chrome) -> str:
        raise NotImplementedError

    def aliases(self, a: Article) -> list[str]:
        """Other paths that serve the same article page (e.g. static aliases)."""
        return []

    def listing_title(self, a: Article) -> str:
        """The link text the column listing shows for ``a``."""
        return corpus.truncate_title(a.title, self.listing_width) if self.listing_width else a.title

    def column_name(self, a: Article) -> str:
        return self.spec.column_name

    def precision(self, a: Article) -> str:
        return a.precision or self.spec.precision

    # ----- shared -----------------------------------------------------------------------
    def html(self, text: str, *, status: int = 200, header_charset: bool = True,
             last_modified: datetime | None = None) -> Response:
        body = text.encode(self.spec.charset, errors="xmlcharrefreplace")
        ctype = f"text/html; charset={self.spec.declared}" if header_charset else "text/html"
        return Response(status=status, body=body, content_type=ctype, last_modified=last_modified)

    def not_found(self) -> Response:
        return Response(status=404, body=NOT_FOUND_HTML.encode("utf-8"), cacheable=False)

    def asset_blocks(self, a: Article) -> list[tuple[int, Block]]:
        """(per-kind index, block) for images and attachments, in body order."""
        out, counts = [], {"img": 0, "att": 0}
        for b in a.blocks:
            if b.kind in counts:
                out.append((counts[b.kind], b))
                counts[b.kind] += 1
        return out

    def serve_asset(self, req: Req, day: int) -> Response | None:
        m = self.asset_re.search(req.path)
        if not m:
            return None
        a = self.store.by_num(int(m.group(1)), day)
        if a is None or self.store.status(a, day) != "live":
            return None
        for i, b in self.asset_blocks(a):
            if self.asset_path(a, i, b) == req.path:
                made = files.content(a, i, b, revised="revised_files" in req.options)  # issue #19
                if made is not None:
                    data, ctype, headers = made
                    return Response(body=data, content_type=ctype, headers=headers, last_modified=a.published)
                if b.kind == "img":
                    data = assets.image(b.ext)
                elif b.ext == "pdf":
                    data = assets.pdf(f"cppcc-archiver replica attachment {a.site}/{a.num}/{i}")
                else:
                    data = assets.doc(b.text)
                return Response(body=data, content_type=assets.CONTENT_TYPES[b.ext],
                                last_modified=a.published)
        return None

    def article_page(self, a: Article | None, page: int, day: int) -> Response | None:
        if a is None or not 0 <= page < a.pages or self.store.status(a, day) != "live":
            return None
        return self.html(self.render_article(a, page, day, Chrome()))

    def article_by_id(self, num: int, path: str, day: int) -> Response | None:
        """The article with URL id ``num`` if ``path`` is its own URL (else None: 404)."""
        a = self.store.by_num(num, day)
        return self.article_page(a, 0, day) if a and self.article_path(a) == path else None

    def foot(self, ch: Chrome, day: int) -> str:
        return footer(ch, self.spec, day, lines=self.chrome_lines) + "</body>\n</html>"

    def home(self, day: int) -> str:
        """The family's own front page: its frame with nothing inside (``head``, ``top`` and
        ``foot`` are the subclass's; families whose front page has more override this)."""
        ch = Chrome()
        return self.head(self.spec.name) + self.top(ch) + self.foot(ch, day)

    def static_listing(self, number: str | None, day: int, *args: object) -> Response | None:
        """``listing(n, day, *args)`` for the page a static pager URL names (no number: page 1);
        None (404) past the last page and for an explicit page 1, whose only URL has no number."""
        n = int(number or 1)
        if number == "1" or n > self.store.pages(day, self.spec.per_page):
            return None
        return self.html(self.listing(n, day, *args))

    # A listing row, as data like ``article_url``: a ``str.format`` template with the fields ``a``
    # (the Article), ``href`` (``listing_href(a)``), ``title`` (the full title, escaped for an
    # attribute) and ``shown`` (``listing_title(a)``, escaped), for ``listing_rows``.
    listing_row = ""

    def listing_href(self, a: Article) -> str:
        return self.article_path(a)

    def listing_rows(self, n: int, day: int) -> tuple[str, int]:
        """Listing page ``n``'s rows (``listing_row`` each, joined) and the column's page count."""
        per = self.spec.per_page
        rows = "".join(self.listing_row.format(a=a, href=self.listing_href(a), title=attr(a.title),
                                               shown=esc(self.listing_title(a)))
                       for a in self.store.page(day, n - 1, per))
        return rows, self.store.pages(day, per)

    def prev_next(self, a: Article, day: int, ch: Chrome, tag: str) -> str:
        """The 上一篇/下一篇 links, one ``<tag>`` each (``没有了`` at either end of the column)."""
        out = ""
        for label, o in zip(("上一篇：", "下一篇："), self.store.neighbours(a, day)):
            ch.t(label + (o.title if o else "没有了"))
            out += (f'<{tag}>{ch.t(label)}<a href="{self.article_path(o)}">{esc(o.title)}</a></{tag}>' if o
                    else f"<{tag}>{ch.t(label)}{ch.t('没有了')}</{tag}>")
        return out

    @staticmethod
    def print_close(ch: Chrome, cls: str = "tools", lead: str = "", sep: str = " ") -> str:
        """The 【打印本页】【关闭窗口】 box (``lead``: what the template shows before them)."""
        return (f'<div class="{cls}">{lead}<a href="javascript:window.print()">{ch.t("【打印本页】")}</a>{sep}'
                f'<a href="javascript:window.close()">{ch.t("【关闭窗口】")}</a></div>')

    def boilerplate(self, a: Article, day: int) -> list[str]:
        ch = Chrome()
        for page in range(a.pages):
            self.render_article(a, page, day, ch)
        body = "\n".join(a.paragraphs)
        # The page's own title can show up in its sidebars; it is not chrome of *this* page.
        return [t for t in ch.texts if t not in body and t != a.title]

    def blocks_html(self, a: Article, para, img, *, page: int | None = None,
                    kinds: tuple[str, ...] = ("p",)) -> list[str]:
        """The body's blocks as markup, in order: ``para(block)`` for each block of ``kinds``,
        ``img(src, block)`` for each image (numbered in body order, as ``asset_path`` wants);
        other blocks (attachments) are left to the template. ``page``: only that page's blocks."""
        blocks = a.blocks if page is None else self.paragraphs_on(a, page)
        n_img = 0 if page is None else a.assets_before(page, "img")
        out = []
        for b in blocks:
            if b.kind in kinds:
                out.append(para(b))
            elif b.kind == "img":
                out.append(img(self.asset_path(a, n_img, b), b))
                n_img += 1
        return out

    def paragraphs_on(self, a: Article, page: int) -> list[Block]:
        return a.page_blocks()[page]
