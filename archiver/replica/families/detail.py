"""``/content/detail/{24 hex}.html`` county sites (安徽 type, see docs/REPLICA-SPEC.md §6). UTF-8.

Column ``/content/column/6790941?pageIndex=N``; info row
``2021-12-29 16:00:51 编辑: 杨玉娟 审核人:叶玲玲 阅读次数:<span id="hits"></span>`` (filled by an
XHR to ``/content/hits``); ``[责任编辑: …]`` under the body; footer with 政府网站标识码 and
皖公网安备. One article glues its date to the title (``…上的讲话2022年06月23日``).
"""

from __future__ import annotations

import hashlib
import re

from archiver.replica import corpus
from archiver.replica.chrome import (Chrome, attr, calendar_box, esc, hot, latest, meta_tags, share, side_list,
                                     site_metas)
from archiver.replica.families.base import Family, Req
from archiver.replica.model import Article, Block, Response

COLUMN = "6790941"
ART_RE = re.compile(r"^/content/detail/([0-9a-f]{24})\.html$")


def hex_id(num: int) -> str:
    return hashlib.sha1(f"detail:{num}".encode()).hexdigest()[:16] + f"{num:08x}"


class Detail(Family):
    chrome_lines = ["copy", "addr", "icp", "ident", "online"]
    listing_width = 25
    counter_paths = ("/content/hits",)
    listing_row = ('<li><a href="{href}" target="_blank" title="{title}">{shown}</a>'
                   '<span class="right date">{a.published:%Y-%m-%d}</span></li>\n')

    def article_path(self, a: Article, page: int = 0) -> str:
        return f"/content/detail/{hex_id(a.num)}.html"

    def asset_path(self, a: Article, i: int, b: Block) -> str:
        return f"/group6/M00/{a.num % 97:02X}/{a.num}_{i}.{b.ext}"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if p in ("/", "/index.html"):
            return self.html(self.home(day))
        if p == f"/content/column/{COLUMN}":
            try:
                n = int(req.query.get("pageIndex") or 1)
            except ValueError:
                return None
            if not 1 <= n <= self.store.pages(day, self.spec.per_page):
                return None
            return self.html(self.listing(n, day))
        m = ART_RE.match(p)
        if m:
            num = int(m.group(1)[16:], 16)
            if hex_id(num) != m.group(1):
                return None
            return self.article_page(self.store.by_num(num, day), 0, day)
        return self.serve_asset(req, day)

    def head(self, title: str) -> str:
        return ('<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
                f"{meta_tags(site_metas(self.spec))}<title>{esc(title)}</title>\n</head>\n<body>\n")

    def top(self, ch: Chrome) -> str:
        nav = "".join(f'<a href="{h}">{ch.t(t)}</a>' for h, t in
                      [("/", "首页"), (f"/content/column/{COLUMN}?pageIndex=1", "领导讲话"),
                       ("/content/column/6790942?pageIndex=1", "政协动态"), ("/content/column/6790943?pageIndex=1", "委员风采")])
        return (f'<div class="header"><img src="/images/logo.png" alt=""><span class="date" id="today"></span></div>'
                f'<div class="nav">{nav}</div>\n')

    def listing(self, n: int, day: int) -> str:
        ch = Chrome()
        items, last = self.listing_rows(n, day)
        links = []
        if n > 1:
            links.append(f'<a href="?pageIndex=1">首页</a> <a href="?pageIndex={n - 1}">上一页</a>')
        if n < last:
            links.append(f'<a href="?pageIndex={n + 1}">下一页</a> <a href="?pageIndex={last}">尾页</a>')
        ch.t(f"你当前的位置: 首页> {self.spec.column_name}")
        return (self.head(f"{self.spec.column_name}_{self.spec.name}") + self.top(ch)
                + f'<div class="main"><div class="wz">{ch.t("你当前的位置:")} <a href="/">首页</a>&gt; '
                  f"{esc(self.spec.column_name)}</div>\n<ul class=\"doc_list\">\n{items}</ul>\n"
                + f'<div class="pagination">{" ".join(links)} <span>共{last}页</span> <span>第{n}页</span></div>'
                + f'<div class="side">{calendar_box(ch, day)}</div></div>\n' + self.foot(ch, day))

    def render_article(self, a: Article, page: int, day: int, ch: Chrome) -> str:
        def para(b: Block) -> str:
            if b.text.startswith("——") or (len(b.text) <= 4 and not b.text.endswith("。")):
                return f'<p style="text-align: center;">{esc(b.text)}</p>'
            return f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{esc(b.text)}</p>"

        out = self.blocks_html(a, para, lambda src, b: f'<p style="text-align: center;"><img src="{src}" '
                               f'title="{attr(b.text)}"></p><p style="text-align: center;">{esc(b.text)}</p>')
        atts = "".join(f'<p>{ch.t("附件下载：")}<a href="{self.asset_path(a, i, b)}">{esc(b.text)}</a></p>'
                       for i, b in a.attachments)
        reviewer = corpus.REVIEWERS[a.num % len(corpus.REVIEWERS)]
        ch.t(f"{a.published:%Y-%m-%d %H:%M:%S} 编辑: {a.editor or ''} 审核人:{reviewer} 阅读次数:")
        editor_label = f"编辑: {a.editor}" if a.editor else "编辑:"
        info = (f'<span>{ch.t(f"{a.published:%Y-%m-%d %H:%M:%S}")}</span> <span>{ch.t(editor_label)}</span> '
                f'<span>{ch.t(f"审核人:{reviewer}")}</span> <span>阅读次数:<span id="hits"></span></span>'
                f'<script>$.getJSON("/content/hits?id={hex_id(a.num)}",function(d){{$("#hits").text(d.hits)}});</script>')
        title = esc(a.title)
        if "glued" in a.flags:
            title += f'<span class="time">{a.published:%Y年%m月%d日}</span>'
            ch.t(f"{a.published:%Y年%m月%d日}")
        editor = f'<div class="zrbj">{ch.t(f"[责任编辑: {a.editor}]")}</div>' if a.editor else ""
        ch.t(f"你当前的位置: 首页> {self.spec.column_name} > 正文")
        pn = self.prev_next(a, day, ch, "p")
        tools = self.print_close(ch, lead=ch.t("【字体：大 中 小】") + " ")
        return (self.head(f"{a.title}_{self.spec.column_name}_{self.spec.name}") + self.top(ch)
                + f'<div class="main"><div class="wz">{ch.t("你当前的位置:")} <a href="/">{ch.t("首页")}</a>&gt; '
                  f'<a href="/content/column/{COLUMN}?pageIndex=1">{ch.t(self.spec.column_name)}</a> &gt; {ch.t("正文")}</div>\n'
                + f'<div class="con"><h1 class="title">{title}</h1>\n<div class="info">{info}</div>\n'
                + '<div class="j-fontContent newscontent" id="zoom">' + "\n".join(out) + f"</div>\n{atts}{editor}"
                + f'{tools}{share(ch)}<div class="sxp">{pn}</div></div>\n<div class="side">'
                + side_list(ch, "热点排行", hot(self.store, day), self.article_path, datefmt="%Y-%m-%d")
                + side_list(ch, "最新文章", latest(self.store, day), self.article_path, datefmt="%m-%d")
                + "</div></div>\n" + self.foot(ch, day))
