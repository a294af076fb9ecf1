"""EmpireCMS 7.5 (帝国, PHP) with dynamic list pages, issue #14. UTF-8.

Column ``/e/action/ListInfo/?classid=5``; Empire's ``page`` parameter counts from **0**
(``&page=1`` is the second page). The template replaced Empire's link pager by a GET form:
hidden ``classid`` and ``跳转到第 <select name="page">`` whose option values are the 0-based page
numbers (labels 1-based), above the text ``共20条 每页8条 页次：1/3``; no page link anywhere.
A 友情链接 select of offsite URLs sits in the footer. Articles ``/ldjh/YYYY-MM-DD/{id}.html``,
uploads ``/d/file/ldjh/YYYY-MM-DD/…``; info row ``发布时间：… 来源：… 点击：<script
src=/e/public/ViewClick/?classid=5&id=…&addclick=1>``; body ``div#text``.

``empireapi`` (``extra.api``, gap14): the column is the static ``/ldjh/`` page, an empty list that
a "加载更多" script fills by ``$.post("/e/extend/list/index.php", {classid: classid, page: page,
line: line}, fn, "json")``, the kind of ``e/extend`` script integrators add to Empire. It keeps
Empire's habits: ``page`` counts from 0, records carry Empire's field names (``title``,
``titleurl`` root-relative, ``newstime``) and the total is Empire's ``num`` (with ``line`` the
page size: ``num`` is *not* a page size here). A GET gets Empire's ``ErrorUrl`` message page
(HTTP 200 HTML): this API needs a form POST.
"""

from __future__ import annotations

import json
import re

from archiver.replica.chrome import Chrome, esc
from archiver.replica.families.base import Req
from archiver.replica.families.platform import Platform, int_fields
from archiver.replica.model import Article, Response

DIRS = {"main": "ldjh", "zxyw": "zxyw"}
LIST = "/e/action/ListInfo/"
EXTEND = "/e/extend/list/index.php"
ERROR_URL = "<html><head><meta charset=\"utf-8\"><title>信息提示</title></head><body>您来自的链接不存在</body></html>"
ART_RE = re.compile(r"^/(ldjh|zxyw)/(\d{4}-\d{2}-\d{2})/(?P<id>\d+)\.html$")
MAX_OPTIONS = 200


class Empire(Platform):
    article_url = "/{dir}/{a.published:%Y-%m-%d}/{a.num}.html"
    asset_url = "/d/file/{dir}/{a.published:%Y-%m-%d}/{a.num}_{i}.{b.ext}"
    dirs = DIRS
    counter_paths = ("/e/public/ViewClick/",)
    chrome_lines = ["copy", "addr_cn", "icp", "ident", "browser"]
    art_cls, info_cls = "box_content", "info"
    body_open, body_close = '<div id="text">', "</div>"
    id_key = "classid"

    def col_path(self, column: str = "main") -> str:
        if column == "main" and self.spec.extra.get("api"):
            return f"/{DIRS[column]}/"
        return f"{LIST}?classid={self.column_id if column == 'main' else self.column_id + 1}"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if self.spec.extra.get("api"):
            if p == EXTEND:
                return self.extend_list(req, day)
            if p in ("/ldjh/", "/ldjh/index.html"):
                return self.html(self.shell(day))
        elif p in ("/ldjh/", "/ldjh/index.html"):
            return None
        if p in (LIST, LIST.rstrip("/"), LIST + "index.php"):
            try:
                cid, page = int(req.query.get("classid") or 0), int(req.query.get("page") or 0)
            except ValueError:
                return None
            if cid == self.column_id + 1:
                return self.html(self.second_listing(day)) if page == 0 else None
            return self.listing_at(req, page + 1, day) if cid == self.column_id and page >= 0 else None
        return self.route_rest(req, day, ART_RE.match(p))

    def listing(self, req: Req, n: int, day: int) -> str:
        ch = Chrome()
        per, (last, total) = self.spec.per_page, self.stated(req, day)
        pages = list(range(1, min(last, MAX_OPTIONS) + 1)) + ([last] if last > MAX_OPTIONS else [])
        opts = "".join(f'<option value="{k - 1}"{" selected" if k == n else ""}>{k}</option>' for k in pages)
        action = self.host(req) + LIST
        pager = (f'<div class="epages">共{total}条 每页{per}条 页次：{n}/{last}\n'
                 f'<form name="jumppage" method="get" action="{action}">'
                 f'<input type="hidden" name="classid" value="{self.column_id}">'
                 f'跳转到第 <select name="page">{opts}</select> 页 <input type="submit" value="GO"></form></div>')
        items = "".join(f'<li><span>{a.published:%Y-%m-%d}</span><a href="{self.article_path(a)}" target="_blank">'
                        f"{esc(self.listing_title(a))}</a></li>\n"
                        for a in self.store.page(day, n - 1, per))
        inner = f'<ul class="news_list">\n{items}</ul>\n' + pager
        return self.column_page(ch, day, inner)

    # ----- empireapi: $.post "load more" ------------------------------------------------
    def shell(self, day: int) -> str:
        ch = Chrome()
        script = f"""<script type="text/javascript">
var classid = {self.column_id}, page = 0, line = {self.spec.per_page};
function getList() {{
  $.post("{EXTEND}", {{classid: classid, page: page, line: line}}, function (res) {{
    var html = "";
    for (var i = 0; i < res.list.length; i++) {{
      var r = res.list[i];
      html += '<li><span>' + r.newstime.substr(0, 10) + '</span><a href="' + r.titleurl + '" target="_blank">' + r.title + '</a></li>';
    }}
    $("#newslist").append(html);
    if ((page + 1) * line >= res.num) {{ $("#loadmore").hide(); }}
  }}, "json");
}}
$(function () {{
  getList();
  $("#loadmore").click(function () {{ page++; getList(); }});
}});
</script>"""
        return self.column_page(ch, day, '<ul class="news_list" id="newslist"></ul>\n'
                                + self.more_button(ch, "loadmore", "loadmore", "加载更多") + script)

    def extend_list(self, req: Req, day: int) -> Response:
        f = req.form
        if req.method != "POST":
            return self.html(ERROR_URL)
        got = int_fields(f, classid=0, page=0, line=10)
        if got is None:
            return self.html(ERROR_URL)
        cid, page, line = got[0], max(0, got[1]), min(50, max(1, got[2]))
        total = self.store.count(day) if cid == self.column_id else 0
        no, pages, claimed = self.api_window(req, page + 1, line, total)
        rows = [{"id": a.num, "classid": cid, "title": a.title, "titleurl": self.article_path(a),
                 "newstime": f"{a.published:%Y-%m-%d %H:%M:%S}"} for a in self.store.page(day, no - 1, line)] if total else []
        data = {"num": total if claimed == pages else claimed * line, "page": page, "list": rows}
        return Response(body=json.dumps(data, ensure_ascii=False).encode(), content_type="application/json; charset=utf-8",
                        cacheable=False)

    def info_row(self, a: Article, ch: Chrome) -> str:
        src = f"来源：{a.source}" if a.source else "来源：本站原创"
        ch.note(f"发布时间：{a.published:%Y-%m-%d %H:%M:%S}", src, "点击：")
        return (f"发布时间：{a.published:%Y-%m-%d %H:%M:%S}&nbsp;&nbsp;{esc(src)}&nbsp;&nbsp;点击："
                f"<script src=/e/public/ViewClick/?classid={self.column_id}&id={a.num}&addclick=1></script>")
