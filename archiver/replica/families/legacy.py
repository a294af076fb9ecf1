"""Legacy PHP county site (河池/达州 type, see docs/REPLICA-SPEC.md §3). GBK bytes, ``charset=gb2312``
only in ``<meta>`` (the HTTP header has no charset), characters outside GB2312 (堃 喆 镕, 繁體).

``/news_list.php?id=12&page=N`` (table layout, 首页 上一页 下一页 尾页 共N页 第N页; pages past
the end answer an empty list that still links 下一页), ``/news_view.php?id=N[&page=K]`` (long
articles split with ``[1] [2] [3]`` links), static aliases ``/html/news-view-N.html`` (used by
the 最新文章 sidebar), ``count.php`` hit counters.
"""

from __future__ import annotations

from archiver.replica import corpus
from archiver.replica.chrome import Chrome, calendar_box, esc, hot, latest, online
from archiver.replica.families.base import Family, Req
from archiver.replica.model import Article, Response

COLUMN_ID = "12"


class Legacy(Family):
    asset_url = "/uploadfile/{a.published:%Y/%m%d}/{a.num}_{i}.{b.ext}"
    listing_width = 20
    counter_paths = ("/count.php",)
    listing_row = ('<tr><td height="26">·<a href="news_view.php?id={a.num}" target="_blank">{shown}</a></td>'
                   '<td width="90" align="right">{a.published:%Y-%m-%d}</td></tr>\n')

    def article_path(self, a: Article, page: int = 0) -> str:
        return f"/news_view.php?id={a.num}" + (f"&page={page + 1}" if page else "")

    def alias_path(self, a: Article) -> str:
        return f"/html/news-view-{a.num}.html"

    def aliases(self, a: Article) -> list[str]:
        return [self.alias_path(a)]

    def html(self, text: str, **kw) -> Response:  # noqa: D102 - no charset in the HTTP header
        return super().html(text, header_charset=False, **kw)

    def route(self, req: Req, day: int) -> Response | None:
        p, q = req.path, req.query
        if p in ("/", "/index.php"):
            return self.html(self.home(day))
        if p == "/news_list.php" and q.get("id") == COLUMN_ID:
            try:
                page = int(q.get("page") or 1)
            except ValueError:
                return None
            return self.html(self.listing(max(page, 1), day)) if page >= 1 else None
        if p == "/news_view.php" or p.startswith("/html/news-view-"):
            try:
                num = int(q.get("id") or p.removeprefix("/html/news-view-").removesuffix(".html"))
                page = int(q.get("page") or 1) - 1
            except ValueError:
                return None
            return self.article_page(self.store.by_num(num, day), page, day)
        return self.serve_asset(req, day)

    # ----- chrome -----------------------------------------------------------------------
    def head(self, title: str) -> str:
        return ('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />\n'
                f'<title>{esc(title)}</title>\n<link href="/images/style.css" rel="stylesheet" type="text/css" />'
                '\n</head>\n<body topmargin="0" leftmargin="0">\n<a name="top"></a>\n')

    def banner(self, ch: Chrome) -> str:
        nav = " | ".join(f'<a href="{h}">{ch.t(t)}</a>' for h, t in
                         [("/", "网站首页"), (f"/news_list.php?id={COLUMN_ID}", "领导讲话"),
                          ("/news_list.php?id=13", "政协动态"), ("/news_list.php?id=14", "提案工作")])
        return (f'<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">\n'
                f'<tr><td colspan="2" class="banner"><img src="/images/logo.png" alt="" /></td></tr>\n'
                f'<tr><td colspan="2" class="nav">{nav}</td></tr>\n')

    def left(self, ch: Chrome, day: int) -> str:
        rows = []
        for heading, arts in (("最新文章", latest(self.store, day, 8)), ("热点排行", hot(self.store, day))):
            items = "".join(
                f'<tr><td>·<a href="{self.alias_path(a)}" target="_blank">{ch.t(corpus.truncate_title(a.title, 14))}'
                f'</a></td><td align="right">{ch.t(a.published.strftime("%m-%d"))}</td></tr>' for a in arts)
            rows.append(f'<table width="100%" class="side"><tr><td colspan="2" class="sidetitle">'
                        f"<b>{ch.t(heading)}</b></td></tr>{items}</table>")
        return f'<td width="240" valign="top" class="left">{"".join(rows)}{calendar_box(ch, day)}</td>\n'

    def foot(self, ch: Chrome, day: int) -> str:
        sp = self.spec
        lines = [f"版权所有：{sp.name}　地址：{sp.address}　邮编：{sp.postcode}",
                 f"{sp.icp}　{sp.gongan}　政府网站标识码：{sp.site_code}",
                 "建议使用1024*768分辨率IE6.0或更高版本浏览器浏览本站", f"网站在线人数：{online(sp, day)}人"]
        ch.note(sp.icp, sp.gongan, f"政府网站标识码：{sp.site_code}")
        inner = "<br/>".join(ch.t(t) for t in lines)
        return f'<tr><td colspan="2" class="footer" align="center">{inner}</td></tr>\n</table>\n</body>\n</html>'

    def home(self, day: int) -> str:
        ch = Chrome()
        return (self.head(self.spec.name) + self.banner(ch) + "<tr>" + self.left(ch, day)
                + '<td valign="top"></td></tr>\n' + self.foot(ch, day))

    # ----- listing ----------------------------------------------------------------------
    def listing(self, page: int, day: int) -> str:
        ch = Chrome()
        rows, last = self.listing_rows(page, day)

        def link(label: str, target: int, enabled: bool) -> str:
            return (f'<a href="news_list.php?id={COLUMN_ID}&page={target}">{label}</a>' if enabled else label)

        beyond = page > last  # buggy old pager: past the end it still offers 下一页
        pager = " ".join([link("首页", 1, page > 1), link("上一页", page - 1, page > 1),
                          link("下一页", page + 1, page < last or beyond), link("尾页", last, page != last),
                          f"共{last}页", f"第{page}页"])
        title = f"{self.spec.column_name}-{self.spec.name}"
        return (self.head(title) + self.banner(ch) + "<tr>" + self.left(ch, day)
                + f'<td valign="top"><div class="weizhi">{ch.t("当前位置:")}<a href="/">首页</a>&gt;&gt;'
                  f"{esc(self.spec.column_name)}</div>\n"
                + f'<table width="100%" class="list">\n{rows}</table>\n<div class="page" align="center">{pager}</div>'
                + "</td></tr>\n" + self.foot(ch, day))

    # ----- article ----------------------------------------------------------------------
    def info(self, a: Article, ch: Chrome) -> str:
        counter = f"<script src=count.php?id={a.num}></script>"
        author = f"作者:{a.author or ''}"
        d = a.published
        if "old2018" in a.flags:
            return f"{ch.t(author)}　{ch.t(f'时间:{d.year}/{d.month}/{d.day}')}　点击:{counter}"
        if "old2012" in a.flags:
            return f"{ch.t(f'发布时间: {d:%Y年%m月%d日}')}　{ch.t('来源:' + (a.source or ''))}　浏览:{counter}次"
        posted = f"发表于:{d:%Y年%m月%d日}"
        ch.t(f"{author} 来源: {posted} 文章点击数:")
        return f"{ch.t(author)} 来源: {ch.t(posted)} 文章点击数:{counter}"

    def body(self, a: Article, page: int) -> str:
        divs = "divs" in a.flags
        out = self.blocks_html(
            a, lambda b: (f"<div>　　{esc(b.text)}</div>\n<div><br></div>" if divs
                          else f"&emsp;&emsp;{esc(b.text)}<br/><br/>"),
            lambda src, b: f'<div align="center"><img src="{src}" border="0" /><br/>{esc(b.text)}</div><br/>',
            page=page)
        return "\n".join(out)

    def render_article(self, a: Article, page: int, day: int, ch: Chrome) -> str:
        pages = ""
        if a.pages > 1:
            pages = '<div class="fenye" align="center">' + " ".join(
                f'<a href="{self.article_path(a, k)}">[{k + 1}]</a>' if k != page else f"<b>[{k + 1}]</b>"
                for k in range(a.pages)) + "</div>"
        atts = "".join(f'<br/>{ch.t("附件:")}<a href="{self.asset_path(a, i, b)}">{esc(b.text)}</a>'
                       for i, b in a.attachments) if page == a.pages - 1 else ""
        prev, nxt = self.store.neighbours(a, day)
        pn = []
        for label, other in (("上一篇:", prev), ("下一篇:", nxt)):
            if other is None:
                pn.append(f"{ch.t(label)}{ch.t('没有了')}")
            else:
                pn.append(f'{ch.t(label)}<a href="news_view.php?id={other.num}">{ch.t(other.title)}</a>')
                ch.t(label + other.title)
        tools = (f'【<a href="javascript:window.print()">{ch.t("打印该页")}</a>】'
                 f'【<a href="javascript:window.close()">{ch.t("关闭窗口")}</a>】【<a href="#top">{ch.t("返回顶部")}</a>】')
        ch.t("【打印该页】【关闭窗口】【返回顶部】")
        ch.t(f"当前位置:首页>>{self.spec.column_name}>>正文")
        return (self.head(f"{a.title}-{self.spec.column_name}-{self.spec.name}") + self.banner(ch) + "<tr>"
                + self.left(ch, day)
                + f'<td valign="top"><div class="weizhi">{ch.t("当前位置:")}<a href="/">{ch.t("首页")}</a>&gt;&gt;'
                  f'<a href="news_list.php?id={COLUMN_ID}">{ch.t(self.spec.column_name)}</a>&gt;&gt;{ch.t("正文")}</div>\n'
                + f'<table width="100%" class="view"><tr><td align="center" class="title"><h2>{esc(a.title)}</h2>'
                  f"</td></tr>\n<tr><td align=\"center\" class=\"info\">{self.info(a, ch)}</td></tr>\n"
                + f'<tr><td class="content" style="font-size:14px;line-height:200%">\n'
                  f"{self.body(a, page)}{atts}\n</td></tr>\n<tr><td>{pages}</td></tr>\n"
                + f'<tr><td class="sxp">{"<br/>".join(pn)}</td></tr>\n<tr><td align="center">{tools}</td></tr>'
                + "</table></td></tr>\n" + self.foot(ch, day))

