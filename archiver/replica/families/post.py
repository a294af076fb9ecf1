"""Guangdong 集约化 ``post_`` site (深圳政协 type, see docs/REPLICA-SPEC.md §5). UTF-8.

Column ``/szzx/ldjh/index.html``, ``index_2.html`` …: by default the HTML renders an *empty*
list that its script fills from the JSON API ``/szzx/ldjh/list.jsp?pagenum=N&pagesize=S``
(``{"data": {"totalcount", "pagecount", "list": [{"title", "url", "pubdate"}]}}``); the
``html_list`` site option (faults.py) renders the items server-side instead. Articles
``/szzx/ldjh/content/post_N.html``; the info row glues source and date
(``来源:光明新闻发布时间:2025-03-27``).
"""

from __future__ import annotations

import json
import re

from archiver.replica.chrome import Chrome, attr, calendar_box, esc, hot, latest, meta_tags, share, side_list
from archiver.replica.families.base import Family, Req
from archiver.replica.model import Article, Block, Response

COL = "/szzx/ldjh"
API = f"{COL}/list.jsp"
ART_RE = re.compile(rf"^{COL}/content/post_(\d+)\.html$")
LIST_RE = re.compile(rf"^{COL}/(?:index(?:_(\d+))?\.html)?$")


class Post(Family):
    chrome_lines = ["copy_cn", "addr_cn", "icp", "ident", "browser"]
    article_url = COL + "/content/post_{a.num}.html"
    listing_width = 0

    def asset_path(self, a: Article, i: int, b: Block) -> str:
        return f"/attachment/0/{a.num // 1000}/{a.num}_{i}.{b.ext}"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if p in ("/", "/index.html", "/szzx/index.html"):
            return self.html(self.home(day))
        if p == API:
            return self.api(req, day)
        m = LIST_RE.match(p)
        if m:
            return self.static_listing(m.group(1), day, "html_list" in req.options)
        m = ART_RE.match(p)
        if m:
            return self.article_page(self.store.by_num(int(m.group(1)), day), 0, day)
        return self.serve_asset(req, day)

    def api(self, req: Req, day: int) -> Response:
        try:
            num = max(1, int(req.query.get("pagenum") or 1))
            size = min(100, max(1, int(req.query.get("pagesize") or 20)))
        except ValueError:
            return Response(400, b'{"code":400,"msg":"bad parameter"}', "application/json;charset=UTF-8",
                            cacheable=False)
        total = self.store.count(day)
        rows = [{"title": a.title, "url": self.article_path(a), "pubdate": f"{a.published:%Y-%m-%d}",
                 "source": a.source or ""} for a in self.store.page(day, num - 1, size)]
        data = {"code": 0, "msg": "success", "data": {"totalcount": total, "pagecount": -(-total // size),
                                                      "pagenum": num, "pagesize": size, "list": rows}}
        return Response(body=json.dumps(data, ensure_ascii=False).encode(),
                        content_type="application/json;charset=UTF-8")

    # ----- chrome -----------------------------------------------------------------------
    def head(self, title: str) -> str:
        return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="UTF-8">\n'
                + meta_tags({"SiteName": self.spec.name, "SiteIDCode": self.spec.site_code})
                + f"<title>{esc(title)}</title>\n"
                '<script src="/szzx/common/js/jquery.min.js"></script>\n</head>\n<body>\n')

    def top(self, ch: Chrome) -> str:
        return (f'<div class="header"><img src="/images/logo.png" alt="{attr(self.spec.name)}">'
                f'<div class="tools"><a href="#">{ch.t("无障碍浏览")}</a><a href="#">{ch.t("长者模式")}</a></div></div>\n')

    def crumb(self, ch: Chrome, article: bool) -> str:
        tail = f" &gt; {ch.t('正文')}" if article else ""
        ch.t(f"当前位置：首页 > 工作动态 > 领导讲话{' > 正文' if article else ''}")
        return (f'<div class="crumb">{ch.t("当前位置：")}<a href="/">{ch.t("首页")}</a> &gt; '
                f'<a href="#">{ch.t("工作动态")}</a> &gt; <a href="{COL}/index.html">{ch.t("领导讲话")}</a>{tail}</div>')

    def listing(self, n: int, day: int, html_list: bool) -> str:
        ch = Chrome()
        per = self.spec.per_page
        last = self.store.pages(day, per)
        items = ""
        if html_list:
            items = "".join(
                f'<li><a href="./content/post_{a.num}.html" target="_blank" title="{attr(a.title)}">'
                f'{esc(self.listing_title(a))}</a><span>{a.published:%Y-%m-%d}</span></li>\n'
                for a in self.store.page(day, n - 1, per))
        script = f"""<script>
var pageNum = {n}, pageSize = {per};
$.getJSON("{API}?pagenum=" + pageNum + "&pagesize=" + pageSize, function (res) {{
  var html = "";
  $.each(res.data.list, function (i, item) {{
    html += '<li><a href="' + item.url + '" target="_blank" title="' + item.title + '">' + item.title +
            '</a><span>' + item.pubdate + '</span></li>';
  }});
  $("#list").html(html);
  createPage(res.data.pagecount, pageNum, "index", "html");
}});
</script>"""
        pager = ""
        if html_list:
            pager = " ".join(f'<a href="{"index.html" if k == 1 else f"index_{k}.html"}">{k}</a>'
                             for k in range(1, last + 1))
        return (self.head(f"{self.spec.column_name}-{self.spec.name}") + self.top(ch)
                + f'<div class="main">{self.crumb(ch, False)}\n<ul class="list" id="list">\n{items}</ul>\n'
                + f'<div class="page" id="page">{pager}</div>\n{script}\n'
                + f'<div class="side">{calendar_box(ch, day)}</div></div>\n' + self.foot(ch, day))

    def render_article(self, a: Article, page: int, day: int, ch: Chrome) -> str:
        def para(b: Block) -> str:
            center = b.text.startswith(("（", "(")) or (len(b.text) < 20 and " " in b.text)
            return f'<p style="text-align: center;">{esc(b.text)}</p>' if center else f"<p>　　{esc(b.text)}</p>"

        out = self.blocks_html(a, para, lambda src, b: f'<p style="text-align: center;"><img src="{src}" alt="">'
                               f'</p><p style="text-align: center;">{esc(b.text)}</p>')
        atts = "".join(f'<p>{ch.t("附件：")}<a href="{self.asset_path(a, i, b)}" download>{esc(b.text)}</a></p>'
                       for i, b in a.attachments)
        ch.t(f"来源:{a.source or ''}发布时间:{a.published:%Y-%m-%d}")
        src, when = f"来源:{a.source or ''}", f"发布时间:{a.published:%Y-%m-%d}"
        info = f'<span class="ly">{ch.t(src)}</span><span class="time">{ch.t(when)}</span>'
        font = ('<span class="font">【字体：<a href="javascript:;" onclick="doZoom(18)">大</a> '
                '<a href="javascript:;" onclick="doZoom(16)">中</a> <a href="javascript:;" onclick="doZoom(14)">小</a>】</span>')
        ch.t("【字体：大 中 小】")
        related = side_list(ch, "相关文章", hot(self.store, day, 4), self.article_path, datefmt="%Y-%m-%d",
                            width=30, cls="related")
        tools = self.print_close(ch, cls="print", sep="")
        return (self.head(f"{a.title}-{self.spec.column_name}-{self.spec.name}") + self.top(ch)
                + f'<div class="main">{self.crumb(ch, True)}\n<div class="article"><h1>{esc(a.title)}</h1>\n'
                + f'<div class="info">{info}{font}</div>\n<div class="news_cont_d_wrap">' + "\n".join(out)
                + f"</div>\n{atts}{share(ch)}{tools}</div>\n{related}"
                + '<div class="side">' + side_list(ch, "最新文章", latest(self.store, day, 5), self.article_path,
                                                    datefmt="%m-%d") + "</div></div>\n" + self.foot(ch, day))
