"""JEECMS v9 (Java, FreeMarker templates, ``.jhtml`` static URLs), issue #14. UTF-8.

Column ``/ldjh/index.jhtml``, page N ``/ldjh/index_N.jhtml`` (``index_1`` = ``index``). Articles
``/ldjh/{id}.jhtml``; uploads ``/u/cms/www/YYYYMM/…``; hits from ``/content_view.jspx``.

Two templates, as sites really build them on JEECMS:

- ``jeecms``: the v9 ``channel_2`` pager style: every page link is ``<a href="#"
  onclick="location.href=encodeURI('/ldjh/index_2.jhtml');">`` and a ``goPage()`` whose body
  builds ``'/ldjh/index_'+page+'.jhtml'``; no plain href at all; the summary states
  ``共20条 每页10条 共2页 当前 1/2 页`` (the case in issue #14's "Why").
- ``jeecmsapi`` (``extra.api``): the column page is an empty ``<ul>`` that a script fills from
  JEECMS's content API ``/api/content/list.jspx?channelIds=75&first=0&count=6&format=0``,
  called as JSONP (``callback=…``); the channel id comes from a ``data-`` attribute, ``first``
  is an offset; the answer ``{"body":[…],"message":"成功","code":200}`` has no total: the list
  ends with a short page. Record URLs are protocol-relative (``//host/ldjh/1.jhtml``).
- ``jeecmsdyn`` (``extra.dynamic``, gap14): the column served dynamically, ``/ldjh/index.jspx``,
  page N ``?pageNo=N`` (JEECMS's page parameter). The site's pager is script only: ``var pageNo
  = 1, pageCount = 3;`` and ``function toPage(n)`` whose body builds ``'/ldjh/index.jspx?pageNo='
  + n``; its links are ``javascript:toPage(1)``, ``javascript:prevPage()``/``nextPage()`` (which
  call ``toPage(pageNo ± 1)``) and ``javascript:toPage(pageCount)``; the text reads
  ``第1页/共3页``, nothing else states a size.
"""

from __future__ import annotations

import json
import re

from archiver.replica.chrome import Chrome, esc
from archiver.replica.families.base import Req
from archiver.replica.families.platform import Platform, int_fields
from archiver.replica.model import Article, Response

DIRS = {"main": "ldjh", "zxyw": "zxyw"}
_DIR = "|".join(DIRS.values())
LIST_RE = re.compile(rf"^/({_DIR})/(?:index(?:_(\d+))?\.jhtml)?$")
ART_RE = re.compile(rf"^/({_DIR})/(?P<id>\d+)\.jhtml$")
API = "/api/content/list.jspx"
DYN = f"/{DIRS['main']}/index.jspx"  # the main column served dynamically (jeecmsdyn)


class Jeecms(Platform):
    article_url = "/{dir}/{a.num}.jhtml"
    asset_url = "/u/cms/www/{a.published:%Y%m}/{a.num}_{i}.{b.ext}"
    dirs = DIRS
    listing_width = 28
    counter_paths = ("/content_view.jspx",)
    art_cls, info_cls = "article-content", "msgbar"
    body_open, body_close = '<div class="content" id="text">', "</div>"
    id_key = "channel"

    def col_path(self, column: str = "main") -> str:
        if column == "main" and self.spec.extra.get("dynamic"):
            return DYN
        return f"/{DIRS[column]}/index.jhtml"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if p == API:
            return self.api(req, day)
        dynamic = self.spec.extra.get("dynamic")
        if p == DYN and dynamic:
            try:
                n = self.real_page(req, int(req.query.get("pageNo") or 1), day)
            except ValueError:
                return None
            return self.html(self.dyn_listing(req, n, day)) if n else None
        m = LIST_RE.match(p)
        if m and dynamic and m.group(1) == DIRS["main"]:
            return None
        if m and m.group(1) == DIRS["zxyw"]:
            return self.html(self.second_listing(day)) if (m.group(2) or "1") == "1" else None
        if m:
            n = self.real_page(req, int(m.group(2) or 1), day)
            if n is None:
                return None
            return self.html(self.shell(day) if self.spec.extra.get("api") else self.listing(req, n, day))
        return self.route_rest(req, day, ART_RE.match(p))

    # ----- static pager (jeecms) --------------------------------------------------------
    def listing(self, req: Req, n: int, day: int) -> str:
        ch = Chrome()
        per, (last, total) = self.spec.per_page, self.stated(req, day)
        stem = f"{self.host(req)}/{DIRS['main']}/index"

        def link(k: int, text: str, cls: str = "Num") -> str:
            target = f"{stem}_{k}.jhtml" if k > 1 else f"{stem}.jhtml"
            return f'<a href="#" class="{cls}" onclick="location.href=encodeURI(\'{target}\');">{text}</a>&nbsp;'

        shown = sorted({1, last} | set(range(max(1, n - 2), min(last, n + 2) + 1)))
        nums = "".join(link(k, str(k), "Num on" if k == n else "Num") for k in shown)
        nxt = link(n + 1, "下一页", "next-page") if n < last else ""
        prev = link(n - 1, "上一页", "prev-page") if n > 1 else ""
        pager = (f'<div class="pagebar"><span class="total">共{total}条 每页{per}条 共{last}页 当前 {n}/{last} 页</span>'
                 f"{prev}{nums}{nxt}\n<script type=\"text/javascript\">\n\tfunction goPage(){{\n"
                 '\t\tvar page=$("#pageNo").val();\n\t\tif(page!=""){\n'
                 f"\t\t\tlocation.href=encodeURI('{stem}_'+page+'.jhtml');\n\t\t}}\n\t}}\n</script>\n"
                 '<input id="pageNo" size="2"/><input type="button" value="go" onclick="goPage()" /></div>')
        inner = (f'<ul class="list">\n{self.items(day, n, "%Y-%m-%d")}</ul>\n'
                 + pager)
        return self.column_page(ch, day, inner)

    # ----- dynamic pager (jeecmsdyn) ---------------------------------------------------
    def dyn_listing(self, req: Req, n: int, day: int) -> str:
        ch = Chrome()
        last, _ = self.stated(req, day)
        links = [("首页", "toPage(1)"), ("上一页", "prevPage()"), ("下一页", "nextPage()"), ("尾页", "toPage(pageCount)")]
        pager = (f'<div class="page">{ch.t(f"第{n}页/共{last}页")} '
                 + " ".join(f'<a href="javascript:{js}">{ch.t(text)}</a>' for text, js in links)
                 + f"""</div>
<script type="text/javascript">
var pageNo = {n}, pageCount = {last};
function toPage(n) {{
  if (n < 1 || n > pageCount) {{ return; }}
  location.href = '{self.host(req)}{DYN}?pageNo=' + n;
}}
function prevPage() {{ toPage(pageNo - 1); }}
function nextPage() {{ toPage(pageNo + 1); }}
</script>""")
        inner = f'<ul class="list">\n{self.items(day, n, "%Y-%m-%d")}</ul>\n' + pager
        return self.column_page(ch, day, inner)

    # ----- API list (jeecmsapi) ---------------------------------------------------------
    def shell(self, day: int) -> str:
        ch = Chrome()
        ch_id, per = self.column_id, self.spec.per_page
        script = f"""<script type="text/javascript">
var listParams = {{count: {per}, format: 0, orderBy: 4}};
var first = 0;
function loadList() {{
  $.ajax({{
    url: "{API}",
    type: "get",
    dataType: "jsonp",
    jsonp: "callback",
    data: $.extend({{channelIds: $("#newsList").data("channel-ids"), first: first}}, listParams),
    success: function (res) {{
      var html = "";
      $.each(res.body, function (i, item) {{
        html += '<li><a href="' + item.url + '" target="_blank">' + item.title + '</a><span>' + item.releaseDate.substring(0, 10) + '</span></li>';
      }});
      $("#newsList").append(html);
      if (res.body.length < listParams.count) {{ $("#more").hide(); }}
    }}
  }});
}}
$(function () {{ loadList(); $("#more").click(function () {{ first += listParams.count; loadList(); }}); }});
</script>"""
        return self.column_page(ch, day, f'<ul class="list" id="newsList" data-channel-ids="{ch_id}"></ul>\n'
                                + self.more_button(ch, "more", "more", "加载更多", "javascript:void(0);") + script)

    def api(self, req: Req, day: int) -> Response:
        q = {**req.form, **req.query}
        got = int_fields(q, first=0, count=10)
        if got is None:
            return Response(body=b'{"body":"","message":"param error","code":202}',
                            content_type="application/json;charset=UTF-8", cacheable=False)
        first, count = max(0, got[0]), min(100, max(1, got[1]))
        total = self.store.count(day)
        if str(q.get("channelIds", "")) != str(self.column_id):
            rows = []
        else:
            if "repeat_pages" in req.options and first >= total:
                first = max(0, total - count)  # past the end: the last records again
            rows = [{"id": a.num, "title": a.title, "shortTitle": self.listing_title(a),
                     "url": f"//{req.host}{self.article_path(a)}",
                     "releaseDate": f"{a.published:%Y-%m-%d %H:%M:%S}", "channelName": self.spec.column_name}
                    for a in (self.store.at(day, p) for p in range(first, min(total, first + count)))]
        text = json.dumps({"body": rows, "message": "成功", "code": 200}, ensure_ascii=False)
        cb = q.get("callback")
        if cb and re.fullmatch(r"[\w.$]+", cb):
            return Response(body=f"{cb}({text});".encode(), content_type="application/javascript;charset=UTF-8")
        return Response(body=text.encode(), content_type="application/json;charset=UTF-8")

    # ----- article ----------------------------------------------------------------------
    def info_row(self, a: Article, ch: Chrome) -> str:
        src = f"来源：{a.source}" if a.source else "来源：本站"
        ch.note(f"发布时间：{a.published:%Y-%m-%d %H:%M:%S}", src, "浏览次数：")
        return (f'<span>{ch.t(f"发布时间：{a.published:%Y-%m-%d %H:%M:%S}")}</span>&nbsp;<span>{ch.t(src)}</span>'
                f'&nbsp;<span>{ch.t("浏览次数：")}<span id="views"></span></span>'
                f'<script>$.getJSON("/content_view.jspx",{{contentId:{a.num}}},function(d){{$("#views").text(d.hits)}});'
                "</script>")

    def paragraph(self, text: str) -> str:
        if text.startswith(("（", "——")) or len(text) < 16:
            return f'<p style="text-align: center;">{esc(text)}</p>'
        return f'<p style="text-indent: 2em;">{esc(text)}</p>'
