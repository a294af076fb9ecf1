"""A WordPress site with a "load more" theme, issue #14. UTF-8.

Category ``/category/ldjh/`` renders its first page server-side and **no pager links**: a
``加载更多`` button (``data-page``, ``data-max``, ``data-cat``) and the theme script that POSTs to
``/wp-admin/admin-ajax.php`` (``action=cppcc_loadmore&cat=5&paged=2&nonce=…``); the parameters
come from the ``wp_localize_script`` object ``cppcc_loadmore = {"ajaxurl":"\\/wp-admin\\/admin-ajax.php",
"cat":"5","maxPage":"3","nonce":"…"}`` (slashes escaped as WordPress prints them). The handler
answers ``wp_send_json_success``: ``{"success":true,"data":{"posts":[{"ID","post_title",
"permalink","post_date"}],"found_posts":20,"max_num_pages":3,"paged":2}}``; a GET, an unknown
action or a wrong nonce get WordPress's ``0`` / ``-1``. WordPress itself still serves
``/category/ldjh/page/2/`` and the REST API ``/wp-json/wp/v2/posts?categories=5&page=2``
(a bare JSON array; totals only in the ``X-WP-Total``/``X-WP-TotalPages`` headers).
Articles ``/archives/{id}``; uploads ``/wp-content/uploads/YYYY/MM/…``.

``wppaged`` (``extra.pagenavi``, gap14): a classic theme with the WP-PageNavi plugin instead of
"load more": ``<div class='wp-pagenavi'><span class='pages'>第 1 页，共 3 页</span>`` then the
current page as a ``<span>``, numbered links and ``»`` / ``最后 »`` to WordPress's own
``/category/ldjh/page/N/`` URLs (page 1 is the bare category URL).

``wpfeed`` (``extra.feed``, gap14): the category page is a shell saying ``共 20 篇文章`` whose
script reads the category's RSS 2.0 feed, ``$.get(cppcc_feed.url, {paged: paged}, fn, "xml")``
(``/category/ldjh/feed/?paged=N``: WordPress feeds page by ``paged``, ``posts_per_rss`` items a
page, an empty channel past the end here). The feed is WordPress's: a ``<channel>`` with its own
``<title>`` and ``<link>`` (the home page), then ``<item>``s with ``<link>``, ``<comments>``,
``<pubDate>`` (RFC 822, GMT), ``<guid isPermaLink="false">…/?p=ID</guid>``; no total.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timezone

from archiver.replica.chrome import Chrome, esc
from archiver.replica.families.base import Req
from archiver.replica.families.platform import HUGE, Platform
from archiver.replica.model import Article, Response

CATS = {"main": "ldjh", "zxyw": "zxyw"}
LIST_RE = re.compile(r"^/category/(ldjh|zxyw)/(?:page/(\d+)/?)?$")
ART_RE = re.compile(r"^/archives/(\d+)/?$")
AJAX, REST, FEED = "/wp-admin/admin-ajax.php", "/wp-json/wp/v2/posts", "/category/ldjh/feed/"
JSON = "application/json; charset=UTF-8"


class WordPress(Platform):
    article_url = "/archives/{a.num}"
    asset_url = "/wp-content/uploads/{a.published:%Y/%m}/{a.num}_{i}.{b.ext}"
    chrome_lines = ["copy_cn", "addr_cn", "icp", "ident", "copyright"]
    art_cls, info_cls = "post type-post status-publish format-standard hentry", "entry-meta"
    body_open, body_close = '<div class="entry-content">', "</div>"
    id_key = "cat"
    title_sep = " – "

    def nonce(self, day: int) -> str:
        return hashlib.md5(f"{self.spec.slug}:{day}".encode()).hexdigest()[:10]

    def col_path(self, column: str = "main") -> str:
        return f"/category/{CATS[column]}/"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if p == AJAX:
            return self.ajax(req, day)
        if p == REST:
            return self.rest(req, day)
        if p == FEED and self.spec.extra.get("feed"):
            return self.feed(req, day)
        m = LIST_RE.match(p)
        if m and m.group(1) == "zxyw":
            return self.html(self.second_listing(day)) if not m.group(2) else None
        if m:
            return self.listing_at(req, int(m.group(2) or 1), day) if m.group(2) != "1" else None
        m = ART_RE.match(p)
        if m:
            return self.article_page(self.store.by_num(int(m.group(1)), day), 0, day)
        return self.route_common(req, day) or self.serve_asset(req, day)

    def head(self, title: str, extra: str = "") -> str:
        return super().head(title, extra + '<link rel="https://api.w.org/" href="/wp-json/">\n'
                            '<meta name="generator" content="WordPress 6.4.3">\n')

    def listing(self, req: Req, n: int, day: int) -> str:
        ch = Chrome()
        last = self.claimed(req, day)
        items = "".join(f'<article class="post"><h2 class="entry-title"><a href="{self.article_path(a)}" rel="bookmark">'
                        f'{esc(a.title)}</a></h2><time class="entry-date">{a.published:%Y-%m-%d}</time></article>\n'
                        for a in self.store.page(day, n - 1, self.spec.per_page))
        params = json.dumps({"ajaxurl": AJAX, "cat": str(self.column_id), "maxPage": str(last),
                             "nonce": self.nonce(day)}, separators=(",", ":")).replace("/", "\\/")
        script = f"""<script type='text/javascript'>
/* <![CDATA[ */
var cppcc_loadmore = {params};
/* ]]> */
</script>
<script type='text/javascript'>
jQuery(function ($) {{
  $('#load-more').on('click', function () {{
    var btn = $(this), page = parseInt(btn.data('page'), 10) + 1;
    $.ajax({{
      url: cppcc_loadmore.ajaxurl,
      type: 'POST',
      dataType: 'json',
      data: {{action: 'cppcc_loadmore', cat: btn.data('cat'), paged: page, nonce: cppcc_loadmore.nonce}},
      success: function (res) {{
        if (!res.success) return;
        $.each(res.data.posts, function (i, p) {{
          $('#posts').append('<article class="post"><h2 class="entry-title"><a href="' + p.permalink + '">' +
            p.post_title + '</a></h2><time class="entry-date">' + p.post_date.substr(0, 10) + '</time></article>');
        }});
        btn.data('page', page);
        if (page >= parseInt(cppcc_loadmore.maxPage, 10)) btn.remove();
      }}
    }});
  }});
}});
</script>"""
        if self.spec.extra.get("feed"):
            return self.feed_shell(req, day)
        if self.spec.extra.get("pagenavi"):
            inner = f'<div id="posts" class="posts">\n{items}</div>\n' + self.pagenavi(n, last)
            return self.column_page(ch, day, inner)
        more = (f'<a href="javascript:;" id="load-more" class="load-more" data-page="{n}" data-max="{last}" '
                f'data-cat="{self.column_id}">{ch.t("加载更多")}</a>' if n < last else "")
        inner = f'<div id="posts" class="posts">\n{items}</div>\n{more}\n{script}'
        return self.column_page(ch, day, inner)

    def pagenavi(self, n: int, last: int) -> str:
        """WP-PageNavi's default markup (Chinese strings), at most five numbers around the current."""
        def url(k: int) -> str:
            return self.col_path() + (f"page/{k}/" if k > 1 else "")

        out = [f"<div class='wp-pagenavi' role='navigation'><span class='pages'>第 {n} 页，共 {last} 页</span>"]
        if n > 1:
            out.append(f'<a class="previouspostslink" rel="prev" href="{url(n - 1)}">«</a>')
        for k in range(max(1, n - 2), min(last, n + 2) + 1):
            out.append(f"<span aria-current='page' class='current'>{k}</span>" if k == n
                       else f'<a class="page larger" title="页 {k}" href="{url(k)}">{k}</a>')
        if n < last:
            out.append(f'<a class="nextpostslink" rel="next" aria-label="下一页" href="{url(n + 1)}">»</a>'
                       f'<a class="last" aria-label="Last Page" href="{url(last)}">最后 »</a>')
        return "".join(out) + "</div>\n"

    def feed_shell(self, req: Req, day: int) -> str:
        ch = Chrome()
        total = self.store.count(day) if "huge_pager" not in req.options else HUGE * self.spec.per_page
        params = json.dumps({"url": FEED, "paged": "1"}, separators=(",", ":")).replace("/", "\\/")
        script = f"""<script type='text/javascript'>
/* <![CDATA[ */
var cppcc_feed = {params};
/* ]]> */
</script>
<script type='text/javascript'>
function loadFeed(paged) {{
  jQuery.get(cppcc_feed.url, {{paged: paged}}, function (xml) {{
    jQuery(xml).find('item').each(function () {{
      var it = jQuery(this), d = new Date(it.find('pubDate').text());
      jQuery('#posts').append('<article class="post"><h2 class="entry-title"><a href="' + it.find('link').text() + '">' +
        it.find('title').text() + '</a></h2><time class="entry-date">' + d.toLocaleDateString() + '</time></article>');
    }});
  }}, 'xml');
}}
loadFeed(1);
</script>"""
        inner = (f'<div class="cat-count">{ch.t(f"共 {total} 篇文章")}</div>\n'
                 + f'<div id="posts" class="posts"></div>\n{script}')
        return self.column_page(ch, day, inner)

    def feed(self, req: Req, day: int) -> Response:
        try:
            paged = max(1, int(req.query.get("paged") or 1))
        except ValueError:
            paged = 1
        per = self.spec.per_page  # WordPress's posts_per_rss
        paged, _, _ = self.api_window(req, paged, per, self.store.count(day))
        host = f"http://{req.host}"
        items = "".join(
            f"\t<item>\n\t\t<title>{esc(a.title)}</title>\n\t\t<link>{host}{self.article_path(a)}</link>\n"
            f"\t\t<comments>{host}{self.article_path(a)}#respond</comments>\n"
            f"\t\t<dc:creator><![CDATA[admin]]></dc:creator>\n"
            f"\t\t<pubDate>{a.published.astimezone(timezone.utc):%a, %d %b %Y %H:%M:%S} +0000</pubDate>\n"
            f"\t\t<category><![CDATA[{self.spec.column_name}]]></category>\n"
            f'\t\t<guid isPermaLink="false">{host}/?p={a.num}</guid>\n'
            f"\t\t<description><![CDATA[{esc(a.paragraphs[0][:80]) if a.paragraphs else ''} [&#8230;]]]></description>\n"
            "\t</item>\n"
            for a in self.store.page(day, paged - 1, per))
        body = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
                '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n\txmlns:atom="http://www.w3.org/2005/Atom"\n>\n\n<channel>\n'
                f"\t<title>{esc(self.spec.column_name)} &#8211; {esc(self.spec.name)}</title>\n"
                f'\t<atom:link href="{host}{FEED}" rel="self" type="application/rss+xml" />\n'
                f"\t<link>{host}/</link>\n\t<description>{esc(self.spec.name)}</description>\n"
                "\t<language>zh-Hans</language>\n\t<generator>https://wordpress.org/?v=6.4.3</generator>\n"
                f"{items}</channel>\n</rss>\n")
        return Response(body=body.encode(), content_type="application/rss+xml; charset=UTF-8", cacheable=False)

    def posts(self, req: Req, day: int, paged: int, per: int) -> tuple[list[Article], int, int]:
        total = self.store.count(day)
        paged, _, claimed = self.api_window(req, paged, per, total)
        return self.store.page(day, paged - 1, per), total, claimed

    def ajax(self, req: Req, day: int) -> Response:
        f = req.form
        if req.method != "POST" or f.get("action") != "cppcc_loadmore":
            return Response(400, b"0", "text/html; charset=UTF-8", cacheable=False)
        if f.get("nonce") != self.nonce(day):
            return Response(403, b"-1", "text/html; charset=UTF-8", cacheable=False)
        try:
            paged = max(1, int(f.get("paged") or 1))
        except ValueError:
            paged = 1
        arts, total, pages = self.posts(req, day, paged, self.spec.per_page) if f.get("cat") == str(self.column_id) else ([], 0, 0)
        rows = [{"ID": a.num, "post_title": a.title, "permalink": f"http://{req.host}{self.article_path(a)}",
                 "post_date": f"{a.published:%Y-%m-%d %H:%M:%S}"} for a in arts]
        data = {"success": True, "data": {"posts": rows, "found_posts": total, "max_num_pages": pages, "paged": paged}}
        return Response(body=json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), content_type=JSON, cacheable=False)

    def rest(self, req: Req, day: int) -> Response:
        try:
            page, per = max(1, int(req.query.get("page") or 1)), min(100, max(1, int(req.query.get("per_page") or 10)))
        except ValueError:
            return Response(400, b'{"code":"rest_invalid_param"}', JSON)
        arts, total, pages = self.posts(req, day, page, per)
        if req.query.get("categories") not in (None, str(self.column_id)):
            arts, total, pages = [], 0, 0
        rows = [{"id": a.num, "date": f"{a.published:%Y-%m-%dT%H:%M:%S}", "link": f"http://{req.host}{self.article_path(a)}",
                 "title": {"rendered": esc(a.title)}, "categories": [self.column_id]} for a in arts]
        return Response(body=json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode(), content_type=JSON,
                        headers=[("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))])

    def info_row(self, a: Article, ch: Chrome) -> str:
        ch.t(f"发布时间：{a.published:%Y-%m-%d %H:%M:%S}")
        name = self.column_name(a)
        ch.t(f"分类：{name}")
        return (f'<span class="posted-on">{ch.t("发布时间：")}<time class="entry-date published" '
                f'datetime="{a.published:%Y-%m-%dT%H:%M:%S}+08:00">{a.published:%Y-%m-%d %H:%M:%S}</time></span> '
                f'<span class="cat-links">{ch.t("分类：")}<a href="{self.col_path(a.column)}" rel="category tag">'
                f"{ch.t(name)}</a></span>")

    def paragraph(self, text: str) -> str:
        if text.startswith(("（", "——")) or len(text) < 16:
            return f'<p style="text-align: center;">{esc(text)}</p>'
        return f"<p>{esc(text)}</p>"

