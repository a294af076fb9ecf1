"""SiteServer CMS (SSCMS, .NET, STL templates), issue #14. UTF-8.

Channel ``/channels/12.html``, page N ``/channels/12_N.html`` (SiteServer's channel page file
rule); contents ``/contents/12/{id}.html``; uploads ``/upload/images/YYYY/M/…``. Two templates:

- ``siteserver``: ``<stl:pageItem type="PageSelect">`` renders a ``<select>`` whose options are
  page URLs (the current page's value is **empty**) with ``onChange="PageSelect_x_jumpMenu(
  'self',this,0)"`` and a script ``eval(targ+".location='"+…+"'")``; the previous/next items are
  rendered the dynamic way as ``<a href="javascript:window.location.href='/channels/12_2.html';">``;
  the text reads ``共20条 当前第1/3页``.
- ``siteserverjs`` (``extra.api``): the channel page is an empty ``<ul>``; a site plugin answers
  ``GET /api/plugins/contents/list?channelId=…&pageNum=N&pageSize=S`` and the template calls it
  with ``axios.get(apiUrl, {params: {…}})`` (URL in a ``var apiUrl``, channel from the ``<body
  data-channel-id>``); the answer ``{"code":0,"data":{"list":[{"title","navigationUrl",
  "addDate"}],"total":20,"totalPage":4,"currentPage":1}}`` carries **root-relative** URLs.
- ``siteserverapi`` (``extra.api == "post"``, gap14): the channel page is an empty ``<ul>`` filled
  by ``fetch(listUrl, {method: 'POST', headers: {'Content-Type': 'application/json'}, body:
  JSON.stringify({siteId: 1, channelId: …, page: n, perPage: 6})})``, the way SSCMS's own
  controllers take a ``[FromBody]`` request. The endpoint reads **only a JSON body**: a form
  post or a GET gets ``400 {"message":"请求参数错误"}``. Answer in SSCMS's content shape:
  ``{"value":[{"id","channelId","title","linkUrl":"","navigationUrl","addDate"}],"count":20}``
  (``linkUrl`` empty for a normal content, as SSCMS stores it; no page count).
"""

from __future__ import annotations

import json
import re

from archiver.replica.chrome import Chrome, esc
from archiver.replica.families.base import Req
from archiver.replica.families.platform import Platform
from archiver.replica.model import Article, Response

CHANNELS = {"main": 12, "zxyw": 13}
LIST_RE = re.compile(r"^/channels/(\d+)(?:_(\d+))?\.html$")
ART_RE = re.compile(r"^/contents/(\d+)/(?P<id>\d+)\.html$")
API = "/api/plugins/contents/list"
POST_API = "/api/v1/stl/contents/list"


class SiteServer(Platform):
    article_url = "/contents/{dir}/{a.num}.html"
    asset_url = "/upload/{folder}/{a.published.year}/{a.published.month}/{a.num}_{i}.{b.ext}"
    dirs, folders = CHANNELS, {"img": "images", "att": "files"}
    chrome_lines = ["copy_cn", "addr_cn", "icp", "ident", "copyright"]
    art_cls, info_cls = "detail", "property"
    body_open, body_close = '<div class="detail-content" id="fontzoom">', "</div>"
    title_sep = "-"

    def col_path(self, column: str = "main") -> str:
        return f"/channels/{CHANNELS[column]}.html"

    def page_url(self, req: Req, k: int) -> str:
        return f"{self.host(req)}/channels/{CHANNELS['main']}{'_%d' % k if k > 1 else ''}.html"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if p == API:
            return self.api(req, day)
        if p == POST_API and self.spec.extra.get("api") == "post":
            return self.post_api(req, day)
        m = LIST_RE.match(p)
        if m and int(m.group(1)) == CHANNELS["zxyw"]:
            return self.html(self.second_listing(day)) if not m.group(2) else None
        if m and int(m.group(1)) == CHANNELS["main"]:
            if m.group(2) == "1":
                return None
            if self.spec.extra.get("api"):
                shell = self.post_shell if self.spec.extra["api"] == "post" else self.shell
                return self.html(shell(day)) if not m.group(2) else None
            return self.listing_at(req, int(m.group(2) or 1), day)
        return self.route_rest(req, day, ART_RE.match(p))

    # ----- siteserver: PageSelect + javascript: hrefs -----------------------------------
    def listing(self, req: Req, n: int, day: int) -> str:
        ch = Chrome()
        last, total = self.stated(req, day)
        uid = "PageSelect_ajaxElement_12"
        shown = list(range(1, min(last, 200) + 1)) + ([last] if last > 200 else [])
        opts = "".join(f'<option value="{"" if k == n else self.page_url(req, k)}"{" selected" if k == n else ""}>{k}</option>'
                       for k in shown)

        def item(k: int, text: str) -> str:
            if not 1 <= k <= last or k == n:
                return f"<span>{text}</span>"
            return f"<a href=\"javascript:window.location.href='{self.page_url(req, k)}';\">{text}</a>"

        pager = (f'<div class="pages"><span>共{total}条</span> <span>当前第{n}/{last}页</span> '
                 f"{item(1, '首页')} {item(n - 1, '上一页')} {item(n + 1, '下一页')} {item(last, '末页')} "
                 f'<script language="JavaScript">function {uid}_jumpMenu(targ,selObj,restore){{'
                 "eval(targ+\".location='\"+selObj.options[selObj.selectedIndex].value+\"'\");"
                 f"if (restore) selObj.selectedIndex=0;}}</script>"
                 f'<select id="{uid}" onChange="{uid}_jumpMenu(\'self\',this,0)">{opts}</select></div>')
        inner = f'<ul class="list-news">\n{self.items(day, n)}</ul>\n' + pager
        return self.column_page(ch, day, inner)

    def shell_page(self, ch: Chrome, day: int, script: str) -> str:
        """A channel page that is an empty list for ``script`` to fill (the channel id on <body>)."""
        inner = ('<ul class="list-news" id="contents"></ul>\n'
                 + f'<div class="pages" id="pager"></div>\n{script}')
        page = self.column_page(ch, day, inner)
        return page.replace("<body>", f'<body data-channel-id="{CHANNELS["main"]}">', 1)

    # ----- siteserverjs: axios shell ----------------------------------------------------
    def shell(self, day: int) -> str:
        ch = Chrome()
        script = f"""<script src="/sitefiles/assets/lib/axios/axios.min.js"></script>
<script type="text/javascript">
var apiUrl = '{API}';
var channelId = document.body.getAttribute('data-channel-id');
var pageSize = {self.spec.per_page};
function getList(pageNum) {{
  axios.get(apiUrl, {{ params: {{ channelId: channelId, pageNum: pageNum, pageSize: pageSize }} }})
    .then(function (response) {{
      var data = response.data.data, html = '';
      data.list.forEach(function (c) {{
        html += '<li><a href="' + c.navigationUrl + '" target="_blank">' + c.title + '</a><span>' + c.addDate + '</span></li>';
      }});
      document.getElementById('contents').innerHTML = html;
      renderPager(data.currentPage, data.totalPage);
    }});
}}
getList(1);
</script>"""
        return self.shell_page(ch, day, script)

    def api(self, req: Req, day: int) -> Response:
        q = req.query
        try:
            num, size = max(1, int(q.get("pageNum") or 1)), min(50, max(1, int(q.get("pageSize") or 10)))
        except ValueError:
            return Response(400, b'{"code":400,"message":"pageNum"}', "application/json; charset=utf-8")
        total = self.store.count(day) if q.get("channelId") == str(CHANNELS["main"]) else 0
        num, pages, claimed = self.api_window(req, num, size, total)
        rows = [{"id": a.num, "title": a.title, "navigationUrl": self.article_path(a),
                 "addDate": f"{a.published:%Y-%m-%d}"} for a in self.store.page(day, num - 1, size)] if total else []
        data = {"code": 0, "data": {"list": rows, "total": total if claimed == pages else claimed * size,
                                    "totalPage": claimed, "currentPage": num}}
        return Response(body=json.dumps(data, ensure_ascii=False).encode(), content_type="application/json; charset=utf-8")

    # ----- siteserverapi: fetch with a JSON body ----------------------------------------
    def post_shell(self, day: int) -> str:
        ch = Chrome()
        script = f"""<script type="text/javascript">
var listUrl = '{POST_API}';
var channelId = parseInt(document.body.getAttribute('data-channel-id'), 10);
var perPage = {self.spec.per_page};
function loadContents(page) {{
  fetch(listUrl, {{
    method: 'POST',
    headers: {{ 'Content-Type': 'application/json' }},
    body: JSON.stringify({{ siteId: 1, channelId: channelId, page: page, perPage: perPage }})
  }}).then(function (r) {{ return r.json(); }}).then(function (res) {{
    var html = '';
    res.value.forEach(function (c) {{
      html += '<li><a href="' + (c.linkUrl || c.navigationUrl) + '" target="_blank">' + c.title + '</a><span>' + c.addDate.substr(0, 10) + '</span></li>';
    }});
    document.getElementById('contents').innerHTML = html;
    renderPager(page, Math.ceil(res.count / perPage), loadContents);
  }});
}}
loadContents(1);
</script>"""
        return self.shell_page(ch, day, script)

    def post_api(self, req: Req, day: int) -> Response:
        bad = Response(400, '{"message":"请求参数错误"}'.encode(), "application/json; charset=utf-8", cacheable=False)
        if req.method != "POST":
            return bad
        try:
            q = json.loads(req.body.decode("utf-8"))
            page, per, channel = max(1, int(q.get("page") or 1)), min(50, max(1, int(q.get("perPage") or 30))), int(q["channelId"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return bad
        total = self.store.count(day) if channel == CHANNELS["main"] else 0
        page, pages, claimed = self.api_window(req, page, per, total)
        rows = [{"id": a.num, "channelId": channel, "siteId": 1, "title": a.title, "linkUrl": "",
                 "navigationUrl": self.article_path(a), "addDate": f"{a.published:%Y-%m-%d %H:%M:%S}"}
                for a in self.store.page(day, page - 1, per)] if total else []
        data = {"value": rows, "count": total if claimed == pages else claimed * per}
        return Response(body=json.dumps(data, ensure_ascii=False).encode(), content_type="application/json; charset=utf-8",
                        cacheable=False)

    def info_row(self, a: Article, ch: Chrome) -> str:
        src = f"来源：{a.source}" if a.source else ""
        ch.note(f"发布时间：{a.published:%Y-%m-%d %H:%M}", src)
        return (f'<span>{ch.t(f"发布时间：{a.published:%Y-%m-%d %H:%M}")}</span> <span>{esc(src)}</span> '
                f'<span>{ch.t("字号：")}<a href="javascript:;" onclick="fontZoom(16)">大</a> '
                '<a href="javascript:;" onclick="fontZoom(14)">中</a></span>')
