"""PHPCMS v9 (PHP), issue #14. UTF-8. Two ways sites run it:

- ``phpcms``: dynamic URLs. Column ``/index.php?m=content&c=index&a=lists&catid=12``, page N
  ``…&page=N``; articles ``/index.php?m=content&c=index&a=show&catid=12&id=…``. The template
  dropped PHPCMS's ``{$pages}`` links for a layui laypage 1.x pager drawn by script:
  ``var totalPage = 3, curPage = 1;`` ``laypage({cont: 'pages', pages: 3, curr: 1, jump: …})``
  whose ``jump`` calls ``turnPage(obj.curr)``, and ``function turnPage(p){ window.location.href =
  '/index.php?…&catid=12&page=' + p; }``; ``<noscript>`` only says ``共20条``.
- ``phpcmsapi`` (``extra.api``): static HTML (``/html/ldjh/``, articles
  ``/html/ldjh/YYYY/MMDD/{id}.html``, PHPCMS's default ``{$categorydir}{$catdir}/{$year}/{$month}{$day}/{$id}.html``
  rule); the column page is an empty list filled by ``fetch('/api.php?op=lists&catid=' + catid
  + '&pageNo=' + n + '&pageSize=' + pageSize)`` (a custom ``api/lists.php`` behind PHPCMS's
  ``api.php?op=`` dispatcher); ``catid`` from ``<meta name="catid">``. Answer:
  ``{"status":1,"total":20,"pageCount":4,"pageNo":1,"pageSize":6,"list":[{"id","title",
  "url":"html/ldjh/…"(relative, no leading slash),"inputtime":"2024-01-19 17:40"}]}``.
"""

from __future__ import annotations

import json
import re

from archiver.replica.chrome import Chrome, esc
from archiver.replica.families.base import Req
from archiver.replica.families.platform import Platform, int_fields
from archiver.replica.model import Article, Response

DIRS = {"main": "ldjh", "zxyw": "zxyw"}
STATIC_LIST_RE = re.compile(r"^/html/(ldjh|zxyw)/(?:index\.html)?$")
STATIC_ART_RE = re.compile(r"^/html/(ldjh|zxyw)/\d{4}/\d{4}/(?P<id>\d+)\.html$")


class Phpcms(Platform):
    asset_url = "/uploadfile/{a.published:%Y/%m%d}/{a.num}_{i}.{b.ext}"
    listing_width = 32
    chrome_lines = ["copy_cn", "addr_cn", "icp", "ident", "noreprint"]
    art_cls, info_cls = "article", "source"
    body_open, body_close = '<div class="content" id="Article">', "</div>"
    id_key = "catid"

    @property
    def api_mode(self) -> bool:
        return bool(self.spec.extra.get("api"))

    def catid(self, column: str = "main") -> int:
        return self.column_id + (0 if column == "main" else 1)

    def col_path(self, column: str = "main") -> str:
        if self.api_mode:
            return f"/html/{DIRS[column]}/"
        return f"/index.php?m=content&c=index&a=lists&catid={self.catid(column)}"

    def article_path(self, a: Article, page: int = 0) -> str:
        if self.api_mode:
            return f"/html/{DIRS[a.column]}/{a.published:%Y/%m%d}/{a.num}.html"
        return f"/index.php?m=content&c=index&a=show&catid={self.catid(a.column)}&id={a.num}"

    def route(self, req: Req, day: int) -> Response | None:
        p, q = req.path, req.query
        if p == "/api.php" and q.get("op") == "lists":
            return self.api(req, day)
        if p == "/api.php" and q.get("op") == "count":  # PHPCMS's hit counter (never cached)
            return Response(body=b"$('#hits').html('1024');", content_type="application/javascript",
                            cacheable=False)
        if p == "/index.php" and q.get("m") == "content" and q.get("c") == "index" and not self.api_mode:
            try:
                catid, n, num = int(q.get("catid") or 0), int(q.get("page") or 1), int(q.get("id") or 0)
            except ValueError:
                return None
            if q.get("a") == "lists" and catid == self.catid("zxyw"):
                return self.html(self.second_listing(day)) if n == 1 else None
            if q.get("a") == "lists" and catid == self.catid():
                return self.listing_at(req, n, day)
            if q.get("a") == "show":
                return self.article_by_id(num, f"{p}?{req.raw_query}", day)
            return None
        m = STATIC_LIST_RE.match(p)
        if m and self.api_mode:
            return self.html(self.second_listing(day) if m.group(1) == "zxyw" else self.shell(day))
        return self.route_rest(req, day, STATIC_ART_RE.match(p) if self.api_mode else None)

    # ----- phpcms: laypage pager --------------------------------------------------------
    def listing(self, req: Req, n: int, day: int) -> str:
        ch = Chrome()
        last, total = self.stated(req, day)
        base = self.host(req) + f"/index.php?m=content&c=index&a=lists&catid={self.catid()}&page="
        script = f"""<script type="text/javascript">
var totalPage = {last}, curPage = {n};
function turnPage(p) {{
  window.location.href = '{base}' + p;
}}
laypage({{
  cont: 'pages',
  pages: {last},
  curr: {n},
  skin: '#b70000',
  jump: function (obj, first) {{
    if (!first) {{ turnPage(obj.curr); }}
  }}
}});
</script>"""
        inner = (f'<ul class="list lh24 f14">\n{self.items(day, n)}</ul>\n'
                 + f'<div id="pages" class="text-c"></div><noscript>共{total}条</noscript>\n'
                 + '<script src="/statics/js/laypage/laypage.js"></script>\n' + script)
        return self.column_page(ch, day, inner)

    # ----- phpcmsapi: fetch shell -------------------------------------------------------
    def shell(self, day: int) -> str:
        ch = Chrome()
        script = f"""<script type="text/javascript">
var catid = document.querySelector('meta[name="catid"]').getAttribute('content');
var pageSize = {self.spec.per_page};
function loadPage(n) {{
  fetch('/api.php?op=lists&catid=' + catid + '&pageNo=' + n + '&pageSize=' + pageSize)
    .then(function (r) {{ return r.json(); }})
    .then(function (res) {{
      var html = '';
      res.list.forEach(function (item) {{
        html += '<li><span class="rt">' + item.inputtime.substr(0, 10) + '</span><a href="/' + item.url + '">' + item.title + '</a></li>';
      }});
      document.getElementById('list').innerHTML = html;
      drawPager(res.pageNo, res.pageCount, loadPage);
    }});
}}
loadPage(1);
</script>"""
        meta = f'<meta name="catid" content="{self.catid()}">\n'
        inner = ('<ul class="list lh24 f14" id="list"></ul>\n'
                 + f'<div id="pages" class="text-c"></div>\n{script}')
        return self.column_page(ch, day, inner, meta)

    def api(self, req: Req, day: int) -> Response:
        got = int_fields(req.query, pageNo=1, pageSize=10, catid=0)
        if got is None:
            return Response(body=b'{"status":0,"msg":"\\u53c2\\u6570\\u9519\\u8bef"}', content_type="application/json")
        no, size, catid = max(1, got[0]), min(50, max(1, got[1])), got[2]
        total = self.store.count(day) if catid == self.catid() else 0
        no, pages, claimed = self.api_window(req, no, size, total)
        rows = [{"id": a.num, "title": a.title, "url": self.article_path(a).lstrip("/"),
                 "inputtime": f"{a.published:%Y-%m-%d %H:%M}"} for a in self.store.page(day, no - 1, size)] if total else []
        data = {"status": 1, "total": total if claimed == pages else claimed * size, "pageCount": claimed,
                "pageNo": no, "pageSize": size, "list": rows}
        return Response(body=json.dumps(data, ensure_ascii=False).encode(), content_type="application/json")

    # ----- article ----------------------------------------------------------------------
    def info_row(self, a: Article, ch: Chrome) -> str:
        src = f"来源：{a.source}" if a.source else ""
        ch.note(f"{a.published:%Y-%m-%d %H:%M}", src, "点击：")
        return (f'{a.published:%Y-%m-%d %H:%M}&nbsp;&nbsp;&nbsp;{esc(src)}&nbsp;&nbsp;&nbsp;点击：<span id="hits"></span>'
                f'<script src="/api.php?op=count&id={a.num}&modelid=1"></script>')
