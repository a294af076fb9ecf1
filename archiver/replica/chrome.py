"""Page chrome shared by the families: sidebars with their own dates, footers, widgets.

Every visible chrome string goes through :meth:`Chrome.t`, which both escapes it for HTML and
records it; the gold ``boilerplate`` list of an article page is exactly what was recorded while
rendering it (strings that must never end up in an extracted body).
"""

from __future__ import annotations

import html
from datetime import timedelta

from archiver.replica import corpus
from archiver.replica.model import Article
from archiver.replica.sites import DAY1, SiteSpec


def esc(s: str) -> str:
    return html.escape(s, quote=False)


def attr(s: str) -> str:
    return html.escape(s, quote=True)


def site_metas(spec: SiteSpec) -> dict[str, str]:
    """The site identity government-site CMSs put in ``<meta>`` tags (for ``meta_tags``)."""
    return {"SiteName": spec.name, "SiteDomain": spec.domain, "SiteIDCode": spec.site_code}


def meta_tags(metas: dict[str, str]) -> str:
    """One ``<meta name=… content=…>`` line a name, in order."""
    return "".join(f'<meta name="{k}" content="{attr(v)}">\n' for k, v in metas.items())


class Chrome:
    def __init__(self) -> None:
        self._seen: dict[str, None] = {}

    @property
    def texts(self) -> list[str]:
        return list(self._seen)

    def t(self, s: str) -> str:
        s2 = s.strip()
        if s2:
            self._seen[s2] = None
        return esc(s)

    def note(self, *texts: str) -> None:
        """Record several texts the page shows (``t`` for each, in order; empty ones are skipped)."""
        for s in texts:
            self.t(s)


def online(spec: SiteSpec, day: int) -> int:
    """网站在线人数: a counter that changes from day to day on purpose."""
    return 37 + (sum(map(ord, spec.slug)) % 50) + day * 13


def hits(a: Article, day: int) -> int:
    return 100 + (a.num * 7919) % 2500 + (day - 1) * 17


def today(day: int):
    return (DAY1 + timedelta(days=day - 1)).date()


def latest(store, day: int, n: int = 6) -> list[Article]:
    return store.page(day, 0, n)


def hot(store, day: int, n: int = 5) -> list[Article]:
    """热点排行: a day-dependent pick among the first listing pages (changes every day)."""
    total = min(store.count(day), 40)
    rng = corpus.rng_for(store.spec.slug, "hot", day)
    picks = sorted(rng.sample(range(total), k=min(n, total)))
    return [store.at(day, p) for p in picks]


def side_list(ch: Chrome, heading: str, arts: list[Article], href, *, datefmt: str = "%m-%d",
              width: int = 18, cls: str = "sidelist") -> str:
    """A sidebar list whose entries carry their *own* dates (never the page's date)."""
    items = []
    for a in arts:
        shown = corpus.truncate_title(a.title, width)
        d = a.published.strftime(datefmt)
        ch.t(shown)
        ch.t(d)
        items.append(f'<li><span class="date">{esc(d)}</span><a href="{attr(href(a))}" title="{attr(a.title)}" '
                     f'target="_blank">{esc(shown)}</a></li>')
    return (f'<div class="{cls}"><div class="hd"><h3>{ch.t(heading)}</h3><a href="#" class="more">更多&gt;&gt;</a>'
            f'</div><ul>{"".join(items)}</ul></div>')


def share(ch: Chrome) -> str:
    return (f'<div class="share"><span>{ch.t("分享到：")}</span><a class="wx" href="javascript:void(0)">'
            f'</a><a class="wb" href="javascript:void(0)"></a><div class="qr"><img src="/images/qrcode.png" '
            f'alt=""/><p>{ch.t("扫一扫在手机打开当前页")}</p></div></div>')


def calendar_box(ch: Chrome, day: int) -> str:
    """A link into the endless /calendar/ trap (see faults.py)."""
    d = today(day)
    return (f'<div class="calendar"><a href="/calendar/{d:%Y-%m}.html">{ch.t("往期回顾")}</a></div>')


def footer(ch: Chrome, spec: SiteSpec, day: int, *, lines: list[str]) -> str:
    """Footer lines chosen by the family from the pieces below, in the family's own wording."""
    pieces = {
        "addr": f"地址:{spec.address} 邮政编码:{spec.postcode}",
        "addr_cn": f"地址：{spec.address}　邮编：{spec.postcode}",
        "copy": f"版权所有:{spec.name} 技术支持:{spec.tech}",
        "copy_cn": f"主办单位：中国人民政治协商会议{spec.name.removesuffix('政协')}委员会　承办：{spec.name}办公室",
        "ident": f"政府网站标识码：{spec.site_code}",
        "online": f"网站在线人数：{online(spec, day)}人",
        "browser": "建议使用1024*768分辨率IE6.0或更高版本浏览器浏览本站",
        "copyright": f"Copyright © 2017 {spec.domain} All Rights Reserved",
        "noreprint": "未经允许 不得转载、复制或镜像",
    }
    out = []
    for key in lines:
        if key == "icp":
            out.append(f'<p><a href="https://beian.miit.gov.cn/" target="_blank">{ch.t(spec.icp)}</a>'
                       f'<a href="http://www.beian.gov.cn/" target="_blank">{ch.t(spec.gongan)}</a></p>')
        else:
            out.append(f"<p>{ch.t(pieces[key])}</p>")
    return f'<div class="footer">{"".join(out)}</div>'


def paged_script(ch: Chrome, stem: str, ext: str, current: int, count: int) -> str:
    """The TRS pagination script: no <a> in the HTML, links built by document.write."""
    return f"""<script language="javascript">
var currentPage = {current};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {count}//共多少页
//设置上一页代码
if(countPage>1&&currentPage!=0&&currentPage!=1)
\tdocument.write("<a href=\\"{stem}"+"_" + prevPage + "."+"{ext}\\">上一页</a>&nbsp;");
else if(countPage>1&&currentPage!=0&&currentPage==1)
\tdocument.write("<a href=\\"{stem}.{ext}\\">上一页</a>&nbsp;");
//循环
var num = 5;
for(var i=0+(currentPage-1-(currentPage-1)%num) ; i<=(num+(currentPage-1-(currentPage-1)%num))&&(i<countPage) ; i++){{
\tif(countPage >1){{
\t\tif(currentPage==i)
\t\t\tdocument.write("<span style=\\"color:#FF0000;\\">"+(i+1)+"</span>&nbsp;");
\t\telse if(i==0)
\t\t\tdocument.write("<a href=\\"{stem}.{ext}\\">"+(i+1)+"</a>&nbsp;");
\t\telse
\t\t\tdocument.write("<a href=\\"{stem}"+"_" + i + "."+"{ext}\\">"+(i+1)+"</a>&nbsp;");
\t}}
}}
//设置下一页代码
if(countPage>1&&currentPage!=(countPage-1))
\tdocument.write("<a href=\\"{stem}"+"_" + nextPage + "."+"{ext}\\">下一页</a>&nbsp;");
</script>"""


NOT_FOUND_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 Not Found</title></head>
<body><h1>404 Not Found</h1><p>您访问的页面不存在或已被删除。</p><hr><center>nginx</center></body></html>"""

SOFT_404_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面不存在</title></head>
<body><div class="err"><img src="/images/404.png" alt=""/><h2>页面不存在</h2>
<p>抱歉，您访问的页面不存在或已删除，<span id="sec">5</span>秒后自动返回<a href="/">首页</a>。</p></div>
<script>setTimeout(function(){location.href='/';},5000);</script></body></html>"""
