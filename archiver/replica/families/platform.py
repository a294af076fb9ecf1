"""What the issue #14 platforms share: the page frame, the 政协要闻 column, the article page
skeleton and the bad-input site options (see docs/REPLICA-PLATFORMS.md).

Each platform module (jeecms, dede, empire, wp, phpcms) keeps its own URL rules, pager, list API,
info row and body container; this base only assembles them. Site options read here (faults.py):
``huge_pager`` (the pager claims 100,000 pages), ``repeat_pages`` (listing pages past the last
answer the last page again), ``offsite_pager`` (page URLs built by scripts point at another host).
"""

from __future__ import annotations

import re

from archiver.replica.chrome import (Chrome, attr, calendar_box, esc, footer, hot, latest, meta_tags, side_list,
                                     site_metas)
from archiver.replica.families.base import Family, Req
from archiver.replica.model import Article, Response

HUGE = 100000
OFFSITE = "http://www.zxcloud.cn"  # the host an ``offsite_pager`` page function builds URLs for
FRIENDS = [("中国政协网", "http://www.cppcc.gov.cn/"), ("人民政协网", "http://www.rmzxb.com.cn/"),
           ("省政协", "http://www.sxzx.gov.cn/"), ("市人民政府", "http://www.gov.cn/"),
           ("市人大常委会", "http://www.npc.gov.cn/")]


def int_fields(fields: dict, **defaults: int) -> list[int] | None:
    """A list API request's ``fields`` as ints, in the order named (absent or empty: the default);
    None when one is not a whole number (each API answers that in its own way)."""
    try:
        return [int(fields.get(name) or default) for name, default in defaults.items()]
    except ValueError:
        return None


class Platform(Family):
    second_name = "政协要闻"
    chrome_lines = ["copy_cn", "addr_cn", "icp", "ident"]
    art_cls, info_cls = "article", "info"
    body_open, body_close = '<div class="content" id="zoom">', "</div>"
    title_sep = " - "  # between the column's and the site's name in the column page's <title>
    id_key = ""  # the ``extra`` key of the site's column id, in the platform's own term (Dede's ``tid``)

    # ----- to implement -----------------------------------------------------------------
    def col_path(self, column: str = "main") -> str:
        raise NotImplementedError

    def info_row(self, a: Article, ch: Chrome) -> str:
        raise NotImplementedError

    # ----- helpers ----------------------------------------------------------------------
    @property
    def column_id(self) -> int:
        """The speech column's id in the platform's own numbering (``extra[id_key]``)."""
        return self.spec.extra[self.id_key]

    def column_name(self, a: Article) -> str:
        return self.spec.column_name if a.column == "main" else self.second_name

    def last_page(self, day: int) -> int:
        return self.store.pages(day, self.spec.per_page)

    def claimed(self, req: Req, day: int) -> int:
        """The page count the pager states (``huge_pager``: 100,000 whatever the truth)."""
        return HUGE if "huge_pager" in req.options else self.last_page(day)

    def real_page(self, req: Req, n: int, day: int) -> int | None:
        """The listing page to show for a requested page number (None: 404)."""
        last = self.last_page(day)
        if 1 <= n <= last:
            return n
        if n > last and "repeat_pages" in req.options and n <= HUGE:
            return last
        return None

    def stated(self, req: Req, day: int) -> tuple[int, int]:
        """(pages, items) the pager states: the truth, or 100,000 pages under ``huge_pager``."""
        last = self.claimed(req, day)
        return last, self.store.count(day) if last == self.last_page(day) else last * self.spec.per_page

    def api_window(self, req: Req, page: int, size: int, total: int) -> tuple[int, int, int]:
        """(page to serve, real page count, stated page count) of a list API request."""
        pages = -(-total // size)
        if page > pages and "repeat_pages" in req.options:
            page = pages  # past the end: the last page again
        return page, pages, HUGE if "huge_pager" in req.options else pages

    def host(self, req: Req) -> str:
        return OFFSITE if "offsite_pager" in req.options else ""

    def items(self, day: int, n: int, fmt: str = "%Y-%m-%d") -> str:
        return "".join(f'<li><a href="{self.article_path(a)}" target="_blank" title="{attr(a.title)}">'
                       f'{esc(self.listing_title(a))}</a><span class="date">{a.published.strftime(fmt)}</span></li>\n'
                       for a in self.store.page(day, n - 1, self.spec.per_page))

    def friend_select(self) -> str:
        opts = "".join(f'<option value="{u}">{esc(t)}</option>' for t, u in FRIENDS)
        return ('<div class="yqlj"><select name="yqlj" onchange="if(this.value!=\'\')window.open(this.value)">'
                f'<option value="">--友情链接--</option>{opts}</select></div>')

    # ----- page frame -------------------------------------------------------------------
    def head(self, title: str, extra: str = "") -> str:
        sp = self.spec
        return ('<!DOCTYPE html>\n<html>\n<head>\n'
                f'<meta http-equiv="Content-Type" content="text/html; charset={sp.declared}">\n'
                f'{meta_tags(site_metas(sp))}{extra}<title>{esc(title)}</title>\n'
                '<script src="/js/jquery.min.js"></script>\n</head>\n<body>\n')

    def top(self, ch: Chrome) -> str:
        nav = "".join(f'<li><a href="{h}">{ch.t(t)}</a></li>' for h, t in
                      [("/", "首页"), (self.col_path("zxyw"), self.second_name),
                       (self.col_path(), self.spec.column_name)])
        return (f'<div class="header"><img src="/images/logo.png" alt="{attr(self.spec.name)}"></div>'
                f'<div class="nav"><ul>{nav}</ul></div>\n')

    def crumb(self, ch: Chrome, column: str, article: bool) -> str:
        name = self.spec.column_name if column == "main" else self.second_name
        ch.t(f"当前位置：首页 > {name}" + (" > 正文" if article else ""))
        return (f'<div class="position">{ch.t("当前位置：")}<a href="/">{ch.t("首页")}</a> &gt; '
                f'<a href="{self.col_path(column)}">{ch.t(name)}</a>{" &gt; " + ch.t("正文") if article else ""}</div>\n')

    def foot(self, ch: Chrome, day: int) -> str:
        return self.friend_select() + footer(ch, self.spec, day, lines=self.chrome_lines) + "\n</body>\n</html>"

    def frame(self, title: str, ch: Chrome, day: int, inner: str, extra_head: str = "") -> str:
        return (self.head(title, extra_head) + self.top(ch) + '<div class="main">' + inner
                + f'<div class="side">{calendar_box(ch, day)}</div></div>\n' + self.foot(ch, day))

    def column_page(self, ch: Chrome, day: int, inner: str, extra_head: str = "") -> str:
        """A page of the speech column: its title, its crumb, then ``inner`` (list, pager, script)."""
        return self.frame(f"{self.spec.column_name}{self.title_sep}{self.spec.name}", ch, day,
                          self.crumb(ch, "main", False) + inner, extra_head)

    @staticmethod
    def more_button(ch: Chrome, cls: str, button_id: str, label: str, href: str = "javascript:;") -> str:
        """The 加载更多 link under a list a script fills (the script finds it by ``button_id``)."""
        return f'<div class="{cls}"><a href="{href}" id="{button_id}">{ch.t(label)}</a></div>\n'

    def second_listing(self, day: int) -> str:
        """政协要闻: one page of plain links (its cross-posted copy must not be archived twice)."""
        ch = Chrome()
        items = "".join(f'<li><a href="{self.article_path(a)}">{esc(a.title)}</a>'
                        f'<span class="date">{a.published:%Y-%m-%d}</span></li>' for a in self.store.secondary)
        return self.frame(f"{self.second_name}_{self.spec.name}", ch, day,
                          self.crumb(ch, "zxyw", False) + f'<ul class="list">{items}</ul>')

    # ----- article ----------------------------------------------------------------------
    def paragraph(self, text: str) -> str:
        center = text.startswith(("（", "(", "——")) or len(text) < 16
        return f'<p style="text-align: center;">{esc(text)}</p>' if center else f"<p>　　{esc(text)}</p>"

    def body(self, a: Article) -> str:
        out = self.blocks_html(a, lambda b: self.paragraph(b.text), lambda src, b: (
            f'<p style="text-align: center;"><img src="{src}" alt="{attr(b.text)}"></p>'
            f'<p style="text-align: center;">{esc(b.text)}</p>'))
        return self.body_open + "\n".join(out) + self.body_close

    def render_article(self, a: Article, page: int, day: int, ch: Chrome) -> str:
        atts = "".join(f'<p class="fj">{ch.t("附件：")}<a href="{self.asset_path(a, i, b)}">{esc(b.text)}</a></p>'
                       for i, b in a.attachments)
        pn = self.prev_next(a, day, ch, "li")
        tools = self.print_close(ch)
        inner = (self.crumb(ch, a.column, True)
                 + f'<div class="{self.art_cls}"><h1>{esc(a.title)}</h1>\n'
                 + f'<div class="{self.info_cls}">{self.info_row(a, ch)}</div>\n{self.body(a)}\n{atts}</div>\n'
                 + f'{tools}<ul class="prevnext">{pn}</ul>\n'
                 + side_list(ch, "最新文章", latest(self.store, day, 5), self.article_path, datefmt="%m-%d")
                 + side_list(ch, "热门文章", hot(self.store, day, 5), self.article_path, datefmt="%Y-%m-%d"))
        return self.frame(f"{a.title}_{self.spec.name}", ch, day, inner)

    def listing_at(self, req: Req, number: int, day: int) -> Response | None:
        """``listing(req, n, day)`` for requested page ``number`` (see ``real_page``; None: 404)."""
        n = self.real_page(req, number, day)
        return self.html(self.listing(req, n, day)) if n else None

    def route_rest(self, req: Req, day: int, art: re.Match | None) -> Response | None:
        """An article (``art``: the match of its URL, group ``id`` its number; the URL must be the
        article's own), else the paths every platform module gives, else an asset."""
        if art:
            return self.article_by_id(int(art.group("id")), req.path, day)
        return self.route_common(req, day) or self.serve_asset(req, day)

    def route_common(self, req: Req, day: int) -> Response | None:
        """Home page and the 政协要闻 column (paths every platform module gives)."""
        if req.path in ("/", "/index.html", "/index.php", "/index.jhtml"):
            return self.html(self.home(day))
        if req.path == self.col_path("zxyw").split("?")[0] and "?" not in self.col_path("zxyw"):
            return self.html(self.second_listing(day))
        return None
