"""DedeCMS 5.7 (织梦, PHP) with static HTML lists, issue #14. GBK bytes, declared gb2312.

Column ``/a/ldjh/`` (= ``list_5_1.html``), later pages ``/a/ldjh/list_5_N.html`` (Dede's list
naming rule ``{typedir}/list_{tid}_{page}.html``). The template asks for
``{dede:pagelist listitem="info,option"/}`` only, so the pager has no links at all: the
``共 <strong>3</strong>页<strong>20</strong>条`` info and the ``sldd`` jump ``<select>`` whose
option values are the (relative) page URLs, ``onchange='location.href=this.options[…].value'``.
A 友情链接 select of other governments' sites sits in the footer. Articles
``/a/ldjh/YYYY/MMDD/{aid}.html``; the info row uses ``<small>`` labels and the hit counter
``/plus/count.php?view=yes&aid=…``; the body is a table inside ``div.content``.

``dedeapi`` (``extra.api``, gap14): the column page ``/a/ldjh/`` is an empty list filled by
``$.get("/plus/ajaxlist.php", {tid: tid, PageNo: PageNo, pagesize: pagesize}, fn, "jsonp")`` — a
``plus/`` script in the Dede manner, answering **always as JSONP**: ``$_GET['callback'] . '(' .
json_encode($arr) . ')'``, so a request without ``callback`` gets ``({...})``. ``json_encode`` of
the iconv'd GBK rows escapes every Chinese character (``\\u5e02``); Dede's own names:
``TotalResult``, ``TotalPage``, ``PageNo``, records ``aid``, ``title``, ``arcurl``
(root-relative), ``pubdate`` (a Unix time, as Dede stores it).
"""

from __future__ import annotations

import json
import re

from archiver.replica.chrome import Chrome, esc
from archiver.replica.families.base import Req
from archiver.replica.families.platform import Platform, int_fields
from archiver.replica.model import Article, Response

DIRS = {"main": "ldjh", "zxyw": "zxyw"}
LIST_RE = re.compile(r"^/a/(ldjh|zxyw)/(?:index\.html|list_(\d+)_(\d+)\.html)?$")
ART_RE = re.compile(r"^/a/(ldjh|zxyw)/(\d{4})/(\d{4})/(?P<id>\d+)\.html$")
AJAX = "/plus/ajaxlist.php"
MAX_OPTIONS = 200  # a real Dede select lists every page; past this the replica lists the last only


class Dede(Platform):
    article_url = "/a/{dir}/{a.published:%Y/%m%d}/{a.num}.html"
    asset_url = "/uploads/{folder}/{a.published:%y%m%d}/{a.num}_{i}.{b.ext}"
    dirs, folders = DIRS, {"img": "allimg", "att": "soft"}
    listing_width = 30
    counter_paths = ("/plus/count.php",)
    chrome_lines = ["copy", "addr", "icp", "ident"]
    art_cls, info_cls = "viewbox", "info"
    body_open, body_close = "<div class=\"content\"><table width='100%'><tr><td>", "</td></tr></table></div>"
    id_key = "tid"
    title_sep = "_"

    def col_path(self, column: str = "main") -> str:
        return f"/a/{DIRS[column]}/"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        api = self.spec.extra.get("api")
        if api and p == AJAX:
            return self.ajax_list(req, day)
        m = LIST_RE.match(p)
        if m and api and m.group(1) == "ldjh":
            return self.html(self.shell(day)) if not m.group(2) else None
        if m and m.group(1) == "zxyw":
            return self.html(self.second_listing(day)) if not m.group(2) else None
        if m:
            if m.group(2) and int(m.group(2)) != self.column_id:
                return None
            return self.listing_at(req, int(m.group(3) or 1), day)
        return self.route_rest(req, day, ART_RE.match(p))

    def listing(self, req: Req, n: int, day: int) -> str:
        ch = Chrome()
        last, total = self.stated(req, day)
        prefix = self.host(req) + f"/a/{DIRS['main']}/" if self.host(req) else ""
        pages = list(range(1, min(last, MAX_OPTIONS) + 1)) + ([last] if last > MAX_OPTIONS else [])
        opts = "".join(f"<option value='{prefix}list_{self.column_id}_{k}.html'{' selected' if k == n else ''}>{k}</option>\r\n"
                       for k in pages)
        pager = ('<div class="dede_pages"><ul class="pagelist">\r\n'
                 f"<li><select name='sldd' style='width:36px' onchange='location.href=this.options[this.selectedIndex].value;'>\r\n"
                 f"{opts}</select></li>\r\n"
                 f'<li><span class="pageinfo">共 <strong>{last}</strong>页<strong>{total}</strong>条</span></li>\r\n'
                 "</ul></div>")
        items = "".join(f'<li><a href="{self.article_path(a)}" class="title">{esc(self.listing_title(a))}</a>'
                        f'<span class="info"><small>日期：</small>{a.published:%Y-%m-%d}</span></li>\n'
                        for a in self.store.page(day, n - 1, self.spec.per_page))
        inner = f'<div class="listbox"><ul class="e2">\n{items}</ul></div>\n' + pager
        return self.column_page(ch, day, inner)

    # ----- dedeapi: $.get JSONP ---------------------------------------------------------
    def shell(self, day: int) -> str:
        ch = Chrome()
        script = f"""<script language="javascript" type="text/javascript">
var tid = {self.column_id}, PageNo = 1, pagesize = {self.spec.per_page};
function loadArc() {{
  $.get("{AJAX}", {{tid: tid, PageNo: PageNo, pagesize: pagesize}}, function (data) {{
    var s = "";
    $.each(data.list, function (i, v) {{
      var d = new Date(v.pubdate * 1000);
      s += '<li><a href="' + v.arcurl + '" class="title">' + v.title + '</a><span class="info"><small>日期：</small>' + d.toLocaleDateString() + '</span></li>';
    }});
    $("#arclist").append(s);
    if (PageNo >= data.TotalPage) {{ $("#more").hide(); }}
  }}, "jsonp");
}}
$(function () {{ loadArc(); $("#more").click(function () {{ PageNo++; loadArc(); }}); }});
</script>"""
        return self.column_page(ch, day, '<div class="listbox"><ul class="e2" id="arclist"></ul></div>\n'
                                + self.more_button(ch, "dede_pages", "more", "点击加载更多") + script)

    def ajax_list(self, req: Req, day: int) -> Response:
        q = req.query
        no, size, tid = int_fields(q, PageNo=1, pagesize=10, tid=0) or (1, 10, 0)
        no, size = max(1, no), min(50, max(1, size))
        total = self.store.count(day) if tid == self.column_id else 0
        no, pages, claimed = self.api_window(req, no, size, total)
        rows = [{"aid": a.num, "typeid": tid, "title": a.title, "arcurl": self.article_path(a),
                 "pubdate": int(a.published.timestamp())} for a in self.store.page(day, no - 1, size)] if total else []
        data = {"TotalResult": total if claimed == pages else claimed * size, "TotalPage": claimed,
                "PageNo": no, "list": rows}
        cb = q.get("callback", "")
        cb = cb if re.fullmatch(r"[\w.$]*", cb) else ""
        return Response(body=f"{cb}({json.dumps(data)})".encode(), content_type="text/javascript; charset=gb2312",
                        cacheable=False)

    def info_row(self, a: Article, ch: Chrome) -> str:
        ch.t(f"时间:{a.published:%Y-%m-%d %H:%M}")
        parts = [f"<small>时间:</small>{a.published:%Y-%m-%d %H:%M}"]
        if a.source:
            parts.append(f"<small>来源:</small>{esc(a.source)}")
            ch.t(f"来源:{a.source}")
        parts.append(f'<small>点击:</small><script src="/plus/count.php?view=yes&aid={a.num}&mid=1" '
                     "type='text/javascript' language=\"javascript\"></script>次")
        ch.note("时间:", "来源:", "点击:", "次")
        return " ".join(parts)

    def paragraph(self, text: str) -> str:
        if text.startswith(("（", "——")) or len(text) < 16:
            return f'<p align="center">{esc(text)}</p>'
        return f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{esc(text)}</p>"

