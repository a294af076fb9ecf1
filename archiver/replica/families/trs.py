"""TRS WCM (拓尔思), modelled on 荆州市政协 www.hbjzszx.gov.cn (see docs/REPLICA-SPEC.md §1).

Column ``/ldjh/index.shtml``, ``index_1.shtml`` … (0-based, links only built by an inline
script; page index 2, 5, 8 … use the older ``createPageHTML(…)`` call instead). Articles
``/ldjh/YYYYMM/tYYYYMMDD_ID.shtml`` with continuation pages ``_1``, ``_2``. A second column
``/zxdt/index.shtml`` (政协动态) carries a cross-posted copy of one 领导讲话 article.
"""

from __future__ import annotations

import re

from archiver.replica.chrome import (Chrome, attr, calendar_box, esc, hot, latest, meta_tags, paged_script,
                                     side_list, site_metas)
from archiver.replica.families.base import Family, Req
from archiver.replica.model import Article, Block, Response

COLUMNS = {"main": ("ldjh", "领导讲话"), "zxdt": ("zxdt", "政协动态")}
STYLE = ("<style type=\"text/css\">.TRS_Editor P{margin-top:5px;margin-bottom:5px;line-height:1.8;"
         "font-family:宋体;font-size:12pt;}.TRS_Editor DIV{margin-top:5px;margin-bottom:5px;line-height:1.8;"
         "font-family:宋体;font-size:12pt;}.TRS_Editor TD{font-family:宋体;font-size:12pt;}"
         ".TRS_Editor IMG{border:0;}</style>")
PAGE_JS = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
\tif(_nPageCount == null || _nPageCount<=1){ return; }
\tvar nCurrIndex = _nCurrIndex || 0;
\tif(nCurrIndex == 0) document.write("<span>首页</span>&nbsp;");
\telse document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;");
\tfor(var i=0; i<_nPageCount; i++){
\t\tif(i == nCurrIndex) document.write("<span class=\\"cur\\">"+(i+1)+"</span>&nbsp;");
\t\telse if(i == 0) document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">"+(i+1)+"</a>&nbsp;");
\t\telse document.write("<a href=\\""+_sPageName+"_" + i + "."+_sPageExt+"\\">"+(i+1)+"</a>&nbsp;");
\t}
}
"""
ARTICLE_RE = re.compile(r"^/(ldjh|zxdt)/(\d{6})/t(\d{8})_(\d+)(?:_(\d+))?\.shtml$")
LIST_RE = re.compile(r"^/(ldjh|zxdt)/(?:index(?:_(\d+))?\.shtml)?$")


class TRS(Family):
    listing_width = 26
    asset_re = re.compile(r"/[WP]0\d{8}(\d+)_(\d+)\.(jpg|png|pdf|doc|docx|wps|xls)$")

    def column_name(self, a: Article) -> str:
        return COLUMNS[a.column][1]

    def article_path(self, a: Article, page: int = 0) -> str:
        d = a.published
        ym = f"{d.year}{d.month:02d}"
        return f"/{COLUMNS[a.column][0]}/{ym}/t{ym}{d.day:02d}_{a.num}{'_%d' % page if page else ''}.shtml"

    def asset_path(self, a: Article, i: int, b: Block) -> str:
        col = COLUMNS[a.column][0]
        d = a.published
        return f"/{col}/{d:%Y%m}/{'W' if b.kind == 'img' else 'P'}0{d:%Y%m%d}{a.num}_{i}.{b.ext}"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if p in ("/", "/index.shtml", "/index.html"):
            return self.html(self.home(day))
        if p == "/js/createPageHTML.js":
            return Response(body=PAGE_JS.encode(), content_type="application/javascript")
        m = LIST_RE.match(p)
        if m:
            column = "main" if m.group(1) == "ldjh" else "zxdt"
            idx = int(m.group(2) or 0)
            if idx == 0 and m.group(2) is not None or idx >= self.store.pages(day, self.spec.per_page, column):
                return None
            return self.html(self.listing(column, idx, day))
        m = ARTICLE_RE.match(p)
        if m:
            a = self.store.by_num(int(m.group(4)), day)
            page = int(m.group(5) or 0)
            if a is None or m.group(5) == "0" or self.article_path(a, page) != p:
                return None
            return self.article_page(a, page, day)
        return self.serve_asset(req, day)

    # ----- pages ------------------------------------------------------------------------
    def head(self, title: str, metas: dict[str, str] | None) -> str:
        return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
                '<html xmlns="http://www.w3.org/1999/xhtml"><head>\n'
                '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
                f"{meta_tags(metas or {})}<title>{esc(title)}</title>\n"
                '<link href="/images/style.css" rel="stylesheet" type="text/css" />\n</head>\n<body>\n')

    def top(self, ch: Chrome) -> str:
        nav = "".join(f'<li><a href="{h}">{ch.t(t)}</a></li>' for h, t in
                      [("/", "首页"), ("/zxdt/", "政协动态"), ("/ldjh/", "领导讲话"), ("#", "履职工作"),
                       ("#", "委员风采"), ("#", "文史资料")])
        return (f'<div class="top"><div class="logo"><img src="/images/logo.png" alt="{attr(self.spec.name)}"/>'
                f'</div><ul class="nav">{nav}</ul></div>\n')

    def left(self, ch: Chrome, day: int) -> str:
        href = self.article_path
        return ('<div class="left">' + side_list(ch, "最新文章", latest(self.store, day), href, datefmt="%Y-%m-%d")
                + side_list(ch, "热点排行", hot(self.store, day), href, datefmt="%m-%d") + calendar_box(ch, day)
                + "</div>\n")

    def foot(self, ch: Chrome, day: int) -> str:
        sp = self.spec
        return (f'<div class="footer"><p>{ch.t(f"地址:{sp.address} 邮政编码:{sp.postcode}")}</p>\n'
                f'<p>{ch.t(f"版权所有:{sp.name} 技术支持:{sp.tech}")} <a href="https://beian.miit.gov.cn/">'
                f'{ch.t(sp.icp)}</a><a href="http://www.beian.gov.cn/">{ch.t(sp.gongan)}</a></p></div>\n'
                "</body></html>")

    def metas(self, a: Article | None, column: str) -> dict[str, str]:
        m = {**site_metas(self.spec), "ColumnName": COLUMNS[column][1], "ColumnType": COLUMNS[column][1]}
        if a is not None:
            pub = a.published.strftime("%Y-%m-%d %H:%M" if "seedmeta" in a.flags else "%Y-%m-%d %H:%M:%S")
            m.update({"ArticleTitle": a.title, "PubDate": pub, "ContentSource": a.source or "",
                      "Keywords": COLUMNS[column][1], "Author": a.source or self.spec.name,
                      "Url": f"http://{self.spec.domain}{self.article_path(a)}"})
        return m

    def home(self, day: int) -> str:
        ch = Chrome()
        items = "".join(f'<li><a href="{self.article_path(a)}">{esc(a.title)}</a></li>'
                        for a in latest(self.store, day))
        return (self.head(self.spec.name, self.metas(None, "main")) + self.top(ch)
                + f'<div class="main"><ul>{items}</ul></div>' + self.foot(ch, day))

    def listing(self, column: str, idx: int, day: int) -> str:
        ch = Chrome()
        col, cname = COLUMNS[column]
        count = self.store.pages(day, self.spec.per_page, column)
        items = []
        for a in self.store.page(day, idx, self.spec.per_page, column):
            rel = "." + self.article_path(a)[len(col) + 1:]
            shown = self.listing_title(a)
            items.append(f'<li><span>{a.published:%Y-%m-%d}</span><a href="{rel}" target="_blank" '
                         f'title="{attr(a.title)}">{esc(shown)}</a></li>\n')
        if column == "main" and idx % 3 == 2:
            pager = ('<script type="text/javascript" src="/js/createPageHTML.js"></script>\n'
                     f'<script type="text/javascript">createPageHTML({count}, {idx}, "index", "shtml");</script>')
        else:
            pager = paged_script(ch, "index", "shtml", idx, count)
            if column != "main":
                pager += f'\n<script>//createPageHTML({count}, {idx}, "index", "shtml");</script>'
        title = f"{cname}-{self.spec.name}" if idx == 0 else f"{cname}_第{idx + 1}页-{self.spec.name}"
        return (self.head(title, self.metas(None, column)) + self.top(ch) + '<div class="main">\n'
                + self.left(ch, day) + '<div class="right">\n'
                + f'<div class="position">您现在的位置:<a href="/">首页</a>&gt;<a href="/{col}/" '
                  f'class="CurrChnlCls">{esc(cname)}</a></div>\n'
                + f'<div class="list"><ul>\n{"".join(items)}</ul></div>\n<div class="page">{pager}</div>\n'
                + "</div></div>\n" + self.foot(ch, day))

    def body_html(self, a: Article, page: int) -> str:
        indent = "" if a.key == "seed" else ("&nbsp;&nbsp;&nbsp;&nbsp;" if "old" in a.flags else "　　")

        def para(b: Block) -> str:
            center = b.text.startswith(("——", "（")) or b.text == a.title
            style = ' style="text-align: center;"' if center else (
                ' style="text-indent: 2em;"' if "ueditor" in a.flags else "")
            lead = "" if center or "ueditor" in a.flags else indent
            return f"<p{style}>{lead}{esc(b.text)}</p>"

        def img(src: str, b: Block) -> str:  # TRS writes image URLs relative to the page
            name = src.rsplit("/", 1)[1]
            return (f'<p style="text-align: center;"><img src="./{name}" oldsrc="{name}" '
                    f'alt="{attr(b.text)}" title="{attr(b.text)}" /></p><p style="text-align: center;">'
                    f'<span style="font-family: 楷体, 楷体_GB2312, SimKai;">{esc(b.text)}</span></p>')

        out = self.blocks_html(a, para, img, page=page)
        if "ueditor" in a.flags:
            return f'<div class="TRS_UEDITOR trs_paper_default trs_web">{"".join(out)}</div>'
        inner = "".join(out) if "old" in a.flags else f'<div class="Custom_UnionStyle">{"".join(out)}</div>'
        return f'<div class="TRS_Editor">{STYLE}{inner}</div>'

    def render_article(self, a: Article, page: int, day: int, ch: Chrome) -> str:
        col, cname = COLUMNS[a.column]
        metas = None if "old" in a.flags else self.metas(a, a.column)
        if "old" in a.flags:
            info = f'<div class="info">{ch.t(f"发布时间 : {a.published:%Y-%m-%d %H:%M}")}&nbsp;&nbsp;' \
                   f'{ch.t(f"来源：{a.source}")}</div>'
            crumb = (f'<div class="position">{ch.t("当前位置：")}<a href="/">{ch.t("首页")}</a> &gt; '
                     f'<a href="/{col}/" class="CurrChnlCls">{ch.t(cname)}</a></div>')
        else:
            info = f'<div class="info">{ch.t(f"信息来源:{a.source} | 发布时间:{a.published:%Y-%m-%d %H:%M}")}</div>'
            crumb = (f'<div class="position">{ch.t("您现在的位置:")}<a href="/">{ch.t("首页")}</a>&gt;'
                     f'<a href="/{col}/" class="CurrChnlCls">{ch.t(cname)}</a></div>')
        ch.t(f"您现在的位置:首页>{cname}")
        pager = ""
        if a.pages > 1:
            stem = self.article_path(a).rsplit("/", 1)[1].removesuffix(".shtml")
            pager = f'<div class="page">{paged_script(ch, stem, "shtml", page, a.pages)}</div>'
        atts = ""
        if page == a.pages - 1 and a.attachments:
            links = "".join(f'<li><a href="./{self.asset_path(a, i, b).rsplit("/", 1)[1]}">{esc(b.text)}</a></li>'
                            for i, b in a.attachments)
            atts = f'<div class="appendix"><p>{ch.t("相关附件：")}</p><ul>{links}</ul></div>'
        counter = "0" if day == 1 else str((day - 1) * 3)
        sep = "_" if "old" in a.flags else "-"
        return (self.head(f"{a.title}{sep}{cname}{sep}{self.spec.name}", metas) + self.top(ch)
                + '<div class="main">\n' + self.left(ch, day) + '<div class="right">\n' + crumb
                + f'\n<div class="article"><h1>{esc(a.title)}</h1>\n{info}\n<div class="content">'
                + self.body_html(a, page) + f"</div>\n{pager}{atts}\n"
                + f'<div class="tools">{ch.t("打印| 关闭") and ""}<a href="javascript:window.print()">{ch.t("打印")}</a>| '
                  f'<a href="javascript:window.close()">{ch.t("关闭")}</a></div>\n'
                + f'<div class="count">{counter}</div>\n</div></div></div>\n' + self.foot(ch, day))

