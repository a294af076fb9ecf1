"""Hanweb JCMS (大汉), modelled on 金华/湖北 sites (see docs/REPLICA-SPEC.md §2). GBK bytes,
declared gb2312.

Column ``/col/col{COLID}/index.html`` holds its first page of records only as XML inside
``<script type="text/xml">`` plus the ``jpage`` call; later pages come from
``/module/web/jpage/dataproxy.jsp`` (also ``/module/jpage/…`` and ``/module/jslib/jquery/jpage/…``)
answering ``GET ?page=N`` and the older ``POST ?startrecord=1&endrecord=15&perpage=5``.
Articles ``/art/YYYY/M/D/art_{COLID}_{ID}.html``; body ``div#zoom`` between the
``ContentStart``/``ContentEnd`` metas; two legacy upper-case templates (flag ``upper``).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from archiver.replica.chrome import Chrome, attr, calendar_box, esc, hot, latest, meta_tags, side_list, site_metas
from archiver.replica.families.base import Family, Req
from archiver.replica.model import Article, Block, Response

PROXIES = ("/module/web/jpage/dataproxy.jsp", "/module/jpage/dataproxy.jsp",
           "/module/jslib/jquery/jpage/dataproxy.jsp")
ART_RE = re.compile(r"^/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_(\d+)_(\d+)\.html$")
PRODUCED = "<!-- Produced By 大汉网络 大汉版通发布系统 -->"


class Hanweb(Family):
    asset_url = "/{folder}/art{a.num}_{i}.{b.ext}"
    folders = {"img": "picture/0", "att": "attach/0"}
    listing_width = 24
    counter_paths = ("/module/visitcount/articlehits.jsp",)

    @property
    def colid(self) -> int:
        return self.spec.extra["colid"]

    @property
    def unit(self) -> str:
        return self.spec.extra["unit"]

    def col_path(self) -> str:
        return f"/col/col{self.colid}/index.html"

    def article_path(self, a: Article, page: int = 0) -> str:
        d = a.published
        return f"/art/{d.year}/{d.month}/{d.day}/art_{self.colid}_{a.num}.html"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if p in ("/", "/index.html"):
            return self.html(self.home(day))
        if p in (self.col_path(), f"/col/col{self.colid}/", f"/col/col{self.colid}/index.html"):
            return self.html(self.column(day))
        if p in PROXIES:
            return self.dataproxy(req, day)
        m = ART_RE.match(p)
        if m:
            return self.article_by_id(int(m.group(5)), p, day)
        return self.serve_asset(req, day)

    # ----- listing ----------------------------------------------------------------------
    def record(self, a: Article) -> str:
        shown = self.listing_title(a)
        return (f"<record><![CDATA[\n<li><a href='{self.article_path(a)}' title='{attr(a.title)}' "
                f"target='_blank'>{esc(shown)}</a><span>{a.published:%Y-%m-%d}</span></li>\n]]></record>\n")

    def proxy_query(self, page: int) -> str:
        return (f"page={page}&webid={self.spec.extra['webid']}&path=/&columnid={self.colid}"
                f"&unitid={self.unit}&webname={quote(self.spec.name)}&permissiontype=0")

    def column(self, day: int) -> str:
        ch = Chrome()
        per = self.spec.per_page
        total = self.store.count(day)
        records = "".join(self.record(a) for a in self.store.page(day, 0, per))
        sp = self.spec
        param = (f"var param_{self.unit}={{col:1,appid:1,webid:{sp.extra['webid']},path:'/',columnid:{self.colid},"
                 f"sourceContentType:1,unitid:'{self.unit}',webname:'{sp.name}',permissiontype:0}};")
        nav = "".join(f'<li><a href="/col/col{self.colid + i}/index.html">{ch.t(n)}</a></li>'
                      for i, n in enumerate(["领导讲话", "政协要闻", "履职动态", "委员风采", "文史天地"]))
        return (self.head(f"{sp.column_name}_{sp.name}", None)
                + self.top(ch) + '<div class="main"><div class="left"><div class="lmdh"><h3>'
                + ch.t("栏目导航") + f"</h3><ul>{nav}</ul></div>{calendar_box(ch, day)}</div>\n"
                + '<div class="right"><div class="bt">' + self.crumb(ch) + "</div>\n"
                + f'<div id="{self.unit}"><script type="text/xml"><datastore>\n'
                + f'<nextgroup><![CDATA[<a href="{PROXIES[0]}?{self.proxy_query(1)}"></a>]]></nextgroup>\n'
                + f"<recordset>\n{records}</recordset>\n</datastore></script></div>\n"
                + f"<script>{param}</script>\n<script>$('#{self.unit}').jpage({{baseUrl:'{PROXIES[0]}',"
                  f"dataStore:$('#{self.unit} script'),proxyUrl:'{PROXIES[0]}',ajaxParam:param_{self.unit},"
                  f"totalRecord:{total},perPage:{per},groupSize:3,showMode:'full',barPosition:'bottom',"
                  "barCss:'default_pgContainer',pageCss:'default_pgBtn',ajaxType:'post'});</script>\n"
                + "</div></div>\n" + self.foot(ch, day))

    def dataproxy(self, req: Req, day: int) -> Response:
        fields = {**req.form, **req.query}
        total = self.store.count(day)
        per = int(fields.get("perpage") or self.spec.per_page)
        if str(fields.get("columnid", self.colid)) != str(self.colid) or per <= 0:
            recs, total = [], 0
        elif "startrecord" in fields:
            start = max(1, int(fields["startrecord"]))
            end = min(total, int(fields.get("endrecord") or start + per - 1))
            recs = [self.store.at(day, p) for p in range(start - 1, end)]
        else:
            page = max(1, int(fields.get("page") or 1))
            recs = self.store.page(day, page - 1, per)
        pages = -(-total // per) if per > 0 else 0
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
               f"<totalrecord>{total}</totalrecord>\n<totalpage>{pages}</totalpage>\n<recordset>\n"
               + "".join(self.record(a) for a in recs) + "</recordset>\n</datastore>\n")
        return Response(body=xml.encode("utf-8"), content_type="text/xml;charset=UTF-8")

    # ----- shared chrome ----------------------------------------------------------------
    def head(self, title: str, a: Article | None) -> str:
        sp = self.spec
        metas = {**site_metas(sp), "ColumnName": sp.column_name, "ColumnType": sp.column_name}
        if a is not None:
            metas.update({"ArticleTitle": a.title, "PubDate": f"{a.published:%Y-%m-%d %H:%M}",
                          "ContentSource": a.source or ""})
        return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html><head>\n'
                '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
                f"{meta_tags(metas)}<title>{esc(title)}</title>\n"
                '<script src="/module/jslib/jquery/jquery.js"></script>\n'
                '<script src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>\n'
                f"</head>\n<body>\n{PRODUCED}\n")

    def top(self, ch: Chrome) -> str:
        return (f'<div class="header"><img src="/images/logo.png" alt="{attr(self.spec.name)}"/>'
                f'<div class="search"><input type="text" value="{ch.t("请输入关键字")}"/></div></div>\n')

    def crumb(self, ch: Chrome, article: bool = False) -> str:
        tail = " &gt; " + ch.t("正文") if article else ""
        ch.t("您当前的位置：首页 > 领导讲话" + (" > 正文" if article else ""))
        return (f'{ch.t("您当前的位置：")}<a href="/">{ch.t("首页")}</a> &gt; '
                f'<a href="{self.col_path()}">{ch.t(self.spec.column_name)}</a>{tail}')

    def foot(self, ch: Chrome, day: int) -> str:
        sp = self.spec
        lines = [f"主办单位：中国人民政治协商会议{sp.name.removesuffix('政协')}委员会　地址：{sp.address}　邮编：{sp.postcode}",
                 f"网站标识码：{sp.site_code}", "技术支持：大汉网络"]
        ps = "".join(f"<p>{ch.t(t)}</p>" for t in lines)
        return (f'<div class="footer">{ps}<p><a href="https://beian.miit.gov.cn/">{ch.t(sp.icp)}</a>　'
                f'<img src="/images/logo.png" alt=""/><a href="http://www.beian.gov.cn/">{ch.t(sp.gongan)}</a></p>'
                f"</div>\n{PRODUCED}\n</body></html>")

    def home(self, day: int) -> str:
        ch = Chrome()
        return (self.head(self.spec.name, None) + self.top(ch)
                + f'<div class="main"><a href="{self.col_path()}">{ch.t(self.spec.column_name)}</a></div>'
                + self.foot(ch, day))

    # ----- article ----------------------------------------------------------------------
    def body(self, a: Article) -> str:
        upper = "upper" in a.flags

        def para(b: Block) -> str:
            short = len(b.text) < 40 and not b.text.endswith(("。", "！", ":", "："))
            if not upper:
                return f'<p style="{"text-align:center" if short else "text-indent:2em"}">{esc(b.text)}</p>'
            if b.text.startswith(("(", "（")) or short:
                return f"<P align=center><FONT face=楷体_GB2312>{esc(b.text)}</FONT></P>"
            if re.match(r"^\S{2,3}\(\d{4}年", b.text):
                name, rest = b.text.split("(", 1)
                date, tail = rest.split(")", 1)
                return f"<P>{esc(name)}<FONT face=楷体_GB2312>({esc(date)})</FONT>{esc(tail)}</P>"
            return f"<P>&nbsp;&nbsp;&nbsp;&nbsp;{esc(b.text)}</P>"

        out = self.blocks_html(a, para, lambda src, b: (
            f'<p style="text-align:center"><img src="{src}" border="0" title="{attr(b.text)}"/>'
            f'</p><p style="text-align:center;font-family:楷体_GB2312">{esc(b.text)}</p>'))
        if upper:
            return ("<DIV id=zoom><!--ZJEG_RSS.content.begin--><META name=ContentStart>"
                    + "\n".join(out) + "<META name=ContentEnd><!--ZJEG_RSS.content.end--></DIV>")
        return '<div id="zoom"><meta name="ContentStart">' + "\n".join(out) + '<meta name="ContentEnd"></div>'

    def render_article(self, a: Article, page: int, day: int, ch: Chrome) -> str:
        sp = self.spec
        counter = (f'<script language="javascript" src="/module/visitcount/articlehits.jsp?colid={self.colid}'
                   f'&artid={a.num}"></script>')
        font = ('【字体：<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> '
                '<a href="javascript:doZoom(12)">小</a>】')
        ch.t("【字体：大 中 小】")
        if "upper_sec" in a.flags:
            info = f"{ch.t(f'发布时间：{a.published:%Y-%m-%d %H:%M:%S}')}　{ch.t(f'来源：{a.source}')}"
        elif "upper" in a.flags:
            info = f"{ch.t(f'【发布日期:{a.published:%Y-%m-%d}】')} {ch.t(f'【来源:{a.source}】')} 【阅读:{counter}次】"
            ch.t(f"【发布日期:{a.published:%Y-%m-%d}】 【来源:{a.source}】 【阅读:次】")
        else:
            info = (f"{ch.t(f'发布日期：{a.published:%Y-%m-%d %H:%M}')}　{ch.t(f'信息来源：{a.source}')}　"
                    f"浏览次数：{counter}　{font}")
            ch.t(f"发布日期：{a.published:%Y-%m-%d %H:%M}　信息来源：{a.source}　浏览次数：")
        atts = "".join(f'<p>{ch.t("附件：")}<a href="{self.asset_path(a, i, b)}">{esc(b.text)}</a></p>'
                       for i, b in a.attachments)
        links = []
        for label, other in zip(("上一篇：", "下一篇："), self.store.neighbours(a, day)):
            if other is not None:
                links.append(f'<p>{ch.t(label)}<a href="{self.article_path(other)}">{esc(other.title)}</a></p>')
                ch.t(label + other.title)
        prevnext = f'<div class="sxp">{"".join(links)}</div>'
        tools = (f'<div class="tools"><a href="javascript:window.print()">{ch.t("【打印本页】")}</a> '
                 f'<a href="javascript:window.close()">{ch.t("【关闭窗口】")}</a></div>')
        if "upper" in a.flags:
            main = (f"<TABLE width=\"100%\" border=0><TR><TD class=title align=center><B>{esc(a.title)}</B></TD></TR>\n"
                    f"<TR><TD align=center>{info}</TD></TR>\n<TR><TD>{self.body(a)}</TD></TR>\n"
                    f"<TR><TD>{atts}</TD></TR></TABLE>")
        else:
            main = (f'<div class="article"><h1 class="title">{esc(a.title)}</h1>\n<div class="info">{info}</div>\n'
                    f"{self.body(a)}\n{atts}</div>")
        side = ('<div class="left">' + side_list(ch, "最新信息", latest(self.store, day), self.article_path,
                                                 datefmt="%Y-%m-%d") + side_list(ch, "热点排行", hot(self.store, day),
                                                                                 self.article_path) + "</div>")
        head = self.head(f"{a.title}_{sp.column_name}_{sp.name}", None if "upper" in a.flags else a)
        return (head + self.top(ch) + f'<div class="main">{side}<div class="right"><div class="bt">'
                + self.crumb(ch, True) + f"</div>\n{main}\n{tools}{prevnext}</div></div>\n"
                + self.foot(ch, day))
