"""Date-path newspaper CMS (重庆政协 type, see docs/REPLICA-SPEC.md §4). UTF-8.

Column ``/cqzx_content/node_115.htm``, ``node_115_2.htm`` …; articles
``/cqzx_content/YYYY-MM/DD/content_N.htm``; info ``2023年09月06日 09:47 来源:重庆政协报``; the body
ends with ``编辑:张玉兰`` and may carry bylines ``□名字`` and ``(下转第2版)``/``(上接第1版)``.
"""

from __future__ import annotations

import re

from archiver.replica.chrome import Chrome, calendar_box, esc, hot, latest, share, side_list
from archiver.replica.families.base import Family, Req
from archiver.replica.model import Article, Block, Response

NODE = "115"
ART_RE = re.compile(r"^/cqzx_content/(\d{4}-\d{2})/(\d{2})/content_(\d+)\.htm$")
LIST_RE = re.compile(rf"^/cqzx_content/node_{NODE}(?:_(\d+))?\.htm$")


class DatePath(Family):
    chrome_lines = ["copy", "icp", "ident", "copyright", "noreprint"]
    article_url = "/cqzx_content/{a.published:%Y-%m}/{a.published:%d}/content_{a.num}.htm"
    asset_url = "/cqzx_content/{folder}/{a.published:%Y-%m}/{a.published:%d}/{a.num}_{i}.{b.ext}"
    folders = {"img": "images", "att": "attachement"}
    listing_width = 30
    listing_row = ('<li><a href="{href}" target="_blank" title="{title}">{shown}</a>'
                   '<span class="date">{a.published:%Y-%m-%d}</span></li>\n')

    def listing_href(self, a: Article) -> str:
        return self.article_path(a).removeprefix("/cqzx_content/")  # relative to the node page

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if p in ("/", "/index.htm", "/index.html"):
            return self.html(self.home(day))
        m = LIST_RE.match(p)
        if m:
            return self.static_listing(m.group(1), day)
        m = ART_RE.match(p)
        if m:
            return self.article_by_id(int(m.group(3)), p, day)
        return self.serve_asset(req, day)

    def head(self, title: str) -> str:
        return ('<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{esc(title)}</title>\n"
                '<link rel="stylesheet" href="/images/style.css">\n</head>\n<body>\n')

    def top(self, ch: Chrome) -> str:
        sponsor = f"中国人民政治协商会议{self.spec.name.removesuffix('政协')}委员会主办"
        nav = "".join(f'<li><a href="{h}">{ch.t(t)}</a></li>' for h, t in
                      [("/", "首页"), ("/cqzx_content/node_112.htm", "要闻"), (f"/cqzx_content/node_{NODE}.htm", "领导讲话"),
                       ("/cqzx_content/node_118.htm", "协商议政"), ("/cqzx_content/node_121.htm", "重庆政协报")])
        return (f'<div class="header"><div class="logo"><img src="/images/logo.png" alt=""></div>'
                f'<div class="zb">{ch.t(sponsor)}</div></div>\n<ul class="nav">{nav}</ul>\n')

    def side(self, ch: Chrome, day: int) -> str:
        return ('<div class="side">' + side_list(ch, "最新文章", latest(self.store, day), self.article_path,
                                                datefmt="%Y-%m-%d")
                + side_list(ch, "热点排行", hot(self.store, day), self.article_path, datefmt="%m-%d")
                + calendar_box(ch, day) + "</div>\n")

    def home(self, day: int) -> str:
        ch = Chrome()
        return (self.head(self.spec.name) + self.top(ch) + self.side(ch, day) + self.foot(ch, day))

    def listing(self, n: int, day: int) -> str:
        ch = Chrome()
        items, last = self.listing_rows(n, day)

        def href(k: int) -> str:
            return f"node_{NODE}.htm" if k == 1 else f"node_{NODE}_{k}.htm"

        nums = " ".join(f'<span class="current">{k}</span>' if k == n else f'<a href="{href(k)}">{k}</a>'
                        for k in range(1, last + 1))
        nxt = f' <a href="{href(n + 1)}">下一页</a>' if n < last else ""
        prv = f'<a href="{href(n - 1)}">上一页</a> ' if n > 1 else ""
        return (self.head(f"{self.spec.column_name}_{self.spec.name}") + self.top(ch)
                + f'<div class="main"><div class="crumb">{ch.t("当前位置：")}<a href="/">首页</a> &gt; '
                  f"{esc(self.spec.column_name)}</div>\n"
                + f'<ul class="list">\n{items}</ul>\n<div id="displaypagenum"><center>{prv}{nums}{nxt}</center></div>'
                + "</div>\n" + self.side(ch, day) + self.foot(ch, day))

    def render_article(self, a: Article, page: int, day: int, ch: Chrome) -> str:
        def para(b: Block) -> str:
            style = ' style="text-align:center"' if b.kind == "mark" or b.text.startswith("□") else ""
            return f"<p{style}>{esc(b.text)}</p>"

        out = self.blocks_html(a, para, lambda src, b: (
            f'<p style="text-align:center"><img src="{src}" alt=""></p>'
            f'<p class="pic_txt" style="text-align:center">{esc(b.text)}</p>'), kinds=("p", "mark"))
        for b in a.blocks:
            if b.kind == "mark":
                ch.t(b.text)
        editor = f'<p class="editor">{ch.t(f"编辑:{a.editor}")}</p>' if a.editor else ""
        atts = "".join(f'<p>{ch.t("附件：")}<a href="{self.asset_path(a, i, b)}">{esc(b.text)}</a></p>'
                       for i, b in a.attachments)
        info = f"{a.published:%Y年%m月%d日 %H:%M} 来源:{a.source or ''}"
        ch.t(f"当前位置：首页 > {self.spec.column_name} > 正文")
        prev, nxt = self.store.neighbours(a, day)
        pn = "".join(f'<p>{ch.t(label)}<a href="{self.article_path(o)}">{ch.t(o.title)}</a></p>'
                     for label, o in (("上一篇：", prev), ("下一篇：", nxt)) if o is not None)
        for label, o in (("上一篇：", prev), ("下一篇：", nxt)):
            if o is not None:
                ch.t(label + o.title)
        return (self.head(f"{a.title} - {self.spec.column_name} - {self.spec.name}") + self.top(ch)
                + f'<div class="main"><div class="crumb">{ch.t("当前位置：")}<a href="/">{ch.t("首页")}</a> &gt; '
                  f'<a href="/cqzx_content/node_{NODE}.htm">{ch.t(self.spec.column_name)}</a> &gt; {ch.t("正文")}</div>\n'
                + f'<div class="detail"><h1>{esc(a.title)}</h1>\n<div class="info">{ch.t(info)}</div>\n'
                + '<div class="content" id="ozoom"><!--enpcontent-->' + "\n".join(out) + editor
                + "<!--/enpcontent--></div>\n" + atts + share(ch)
                + f'<div class="sxp">{pn}</div></div></div>\n' + self.side(ch, day) + self.foot(ch, day))
