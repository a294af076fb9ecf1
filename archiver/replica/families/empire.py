"""EmpireCMS 7.5 (帝国, PHP) with dynamic list pages, issue #14. UTF-8.

Column ``/e/action/ListInfo/?classid=5``; Empire's ``page`` parameter counts from **0**
(``&page=1`` is the second page). The template replaced Empire's link pager by a GET form:
hidden ``classid`` and ``跳转到第 <select name="page">`` whose option values are the 0-based page
numbers (labels 1-based), above the text ``共20条 每页8条 页次：1/3``; no page link anywhere.
A 友情链接 select of offsite URLs sits in the footer. Articles ``/ldjh/YYYY-MM-DD/{id}.html``,
uploads ``/d/file/ldjh/YYYY-MM-DD/…``; info row ``发布时间：… 来源：… 点击：<script
src=/e/public/ViewClick/?classid=5&id=…&addclick=1>``; body ``div#text``.
"""

from __future__ import annotations

import re

from archiver.replica.chrome import Chrome, esc
from archiver.replica.families.base import Req
from archiver.replica.families.platform import Platform
from archiver.replica.model import Article, Block, Response

DIRS = {"main": "ldjh", "zxyw": "zxyw"}
LIST = "/e/action/ListInfo/"
ART_RE = re.compile(r"^/(ldjh|zxyw)/(\d{4}-\d{2}-\d{2})/(\d+)\.html$")
MAX_OPTIONS = 200


class Empire(Platform):
    name = "empire"
    counter_paths = ("/e/public/ViewClick/",)
    chrome_lines = ["copy", "addr_cn", "icp", "ident", "browser"]
    art_cls, info_cls = "box_content", "info"
    body_open, body_close = '<div id="text">', "</div>"

    @property
    def classid(self) -> int:
        return self.spec.extra["classid"]

    def col_path(self, column: str = "main") -> str:
        return f"{LIST}?classid={self.classid if column == 'main' else self.classid + 1}"

    def article_path(self, a: Article, page: int = 0) -> str:
        return f"/{DIRS[a.column]}/{a.published:%Y-%m-%d}/{a.num}.html"

    def asset_path(self, a: Article, i: int, b: Block) -> str:
        return f"/d/file/{DIRS[a.column]}/{a.published:%Y-%m-%d}/{a.num}_{i}.{b.ext}"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if p in (LIST, LIST.rstrip("/"), LIST + "index.php"):
            try:
                cid, page = int(req.query.get("classid") or 0), int(req.query.get("page") or 0)
            except ValueError:
                return None
            if cid == self.classid + 1:
                return self.html(self.second_listing(day)) if page == 0 else None
            n = self.real_page(req, page + 1, day) if cid == self.classid and page >= 0 else None
            return self.html(self.listing(req, n, day)) if n else None
        m = ART_RE.match(p)
        if m:
            return self.article_by_id(int(m.group(3)), p, day)
        return self.route_common(req, day) or self.serve_asset(req, day)

    def listing(self, req: Req, n: int, day: int) -> str:
        ch = Chrome()
        per, (last, total) = self.spec.per_page, self.stated(req, day)
        pages = list(range(1, min(last, MAX_OPTIONS) + 1)) + ([last] if last > MAX_OPTIONS else [])
        opts = "".join(f'<option value="{k - 1}"{" selected" if k == n else ""}>{k}</option>' for k in pages)
        action = self.host(req) + LIST
        pager = (f'<div class="epages">共{total}条 每页{per}条 页次：{n}/{last}\n'
                 f'<form name="jumppage" method="get" action="{action}">'
                 f'<input type="hidden" name="classid" value="{self.classid}">'
                 f'跳转到第 <select name="page">{opts}</select> 页 <input type="submit" value="GO"></form></div>')
        items = "".join(f'<li><span>{a.published:%Y-%m-%d}</span><a href="{self.article_path(a)}" target="_blank">'
                        f"{esc(self.listing_title(a))}</a></li>\n"
                        for a in self.store.page(day, n - 1, per))
        inner = self.crumb(ch, "main", False) + f'<ul class="news_list">\n{items}</ul>\n' + pager
        return self.frame(f"{self.spec.column_name} - {self.spec.name}", ch, day, inner)

    def info_row(self, a: Article, ch: Chrome) -> str:
        src = f"来源：{a.source}" if a.source else "来源：本站原创"
        ch.t(f"发布时间：{a.published:%Y-%m-%d %H:%M:%S}")
        ch.t(src)
        ch.t("点击：")
        return (f"发布时间：{a.published:%Y-%m-%d %H:%M:%S}&nbsp;&nbsp;{esc(src)}&nbsp;&nbsp;点击："
                f"<script src=/e/public/ViewClick/?classid={self.classid}&id={a.num}&addclick=1></script>")
