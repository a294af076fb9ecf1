"""A replica homepage's sitemaps (issue #22): the speech column reachable only from them.

With the ``homepage`` site option ``shape=sitemap`` the portal (homepage.py) links no speech
column from its menu, 栏目 tree or 信息公开 page; the column is listed only by the sitemaps, laid
out as government-site CMSs and their SEO plug-ins emit them (sitemaps.org protocol 0.9):
robots.txt names a sitemap index, the index names a column sitemap (the homepage, priority 1.0;
each 栏目 page, priority 0.8, ``changefreq`` daily; no titles, as the protocol has none) and a
gzipped article sitemap (every live article of the speech column, priority 0.6, ``lastmod``, and
the Google News extension's ``<news:title>``, which news-site plug-ins add).

The option's ``sitemap`` parameter picks a variant: ``index`` (the default, above), ``plain`` (no
robots.txt line, one ``/sitemap.xml`` urlset with both), ``broken`` (the index answers a soft
error page, HTML with HTTP 200) or ``huge`` (the article sitemap is a gzip bomb of 64 MB).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from archiver.replica.faults import gzip_bomb, gzip_bytes
from archiver.replica.model import Response

INDEX = "/sitemap_index.xml"
PLAIN = "/sitemap.xml"
COLUMNS = "/sitemap/columns.xml"
ARTICLES = "/sitemap/articles.xml.gz"
URLSET = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
          'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n')
SOFT_ERROR = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>系统提示</title></head><body>'
              '<p>您访问的页面不存在或已删除。</p><a href="/">返回首页</a></body></html>')


def variant(options: dict) -> str | None:
    """The sitemap variant the site serves, or None (no sitemap)."""
    opt = options.get("homepage") or {}
    return opt.get("sitemap", "index") if opt.get("shape") == "sitemap" else None


def robots_lines(options: dict, host: str) -> list[str]:
    kind = variant(options)
    return [] if kind in (None, "plain") else [f"Sitemap: http://{host}{INDEX}"]


def _url(loc: str, *, priority: str, changefreq: str = "", lastmod: str = "", title: str = "") -> str:
    return ("<url><loc>" + escape(loc) + "</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
            + (f"<changefreq>{changefreq}</changefreq>" if changefreq else "") + f"<priority>{priority}</priority>"
            + (f"<news:news><news:title>{escape(title)}</news:title></news:news>" if title else "") + "</url>\n")


def _columns(fam, base: str, portal: dict) -> str:
    rows = [_url(base + "/", priority="1.0", changefreq="daily")]
    rows += [_url(base + f"/lm/{code}/index.html", priority="0.8", changefreq="daily") for code in portal]
    rows.append(_url(base + fam.spec.listing_path, priority="0.8", changefreq="daily"))
    return "".join(rows)


def _articles(fam, base: str, day: int) -> str:
    store = fam.store
    rows = []
    for p in range(store.count(day)):
        a = store.at(day, p)
        rows.append(_url(base + fam.article_path(a), priority="0.6", changefreq="monthly",
                         lastmod=a.published.strftime("%Y-%m-%d"), title=a.title))
    return "".join(rows)


def route(fam, req, day: int, portal: dict) -> Response | None:
    """The sitemap answer for ``req``, or None when ``req`` is not one of the sitemaps."""
    kind = variant(req.options)
    if kind is None or req.path not in (INDEX, PLAIN, COLUMNS, ARTICLES):
        return None
    base = f"http://{req.host}"
    xml = "application/xml; charset=utf-8"
    if kind == "plain":
        if req.path != PLAIN:
            return None
        return Response(body=(URLSET + _columns(fam, base, portal) + _articles(fam, base, day)
                              + "</urlset>\n").encode(), content_type=xml)
    if req.path == PLAIN:
        return None
    if req.path == INDEX:
        if kind == "broken":
            return Response(body=SOFT_ERROR.encode(), cacheable=False)
        return Response(body=('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
                              f'schemas/sitemap/0.9">\n<sitemap><loc>{base}{COLUMNS}</loc></sitemap>\n'
                              f'<sitemap><loc>{base}{ARTICLES}</loc></sitemap>\n</sitemapindex>\n').encode(),
                        content_type=xml)
    if req.path == COLUMNS:
        return Response(body=(URLSET + _columns(fam, base, portal) + "</urlset>\n").encode(), content_type=xml)
    articles = (URLSET + _articles(fam, base, day) + "</urlset>\n").encode()
    body = gzip_bomb(64) if kind == "huge" else gzip_bytes(articles)
    return Response(body=body, content_type="application/x-gzip", cacheable=False)
