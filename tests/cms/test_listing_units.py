"""Listing parsing and pagination per family, on small pages written from docs/REPLICA-SPEC.md."""

from __future__ import annotations

import json
import re

from archiver.cms import canonical_url, detect_family, parse_listing

TRS_LISTING = """<html><head><meta name="SiteName" content="荆州市政协"><meta name="ColumnName" content="领导讲话">
<title>领导讲话 - 荆州市政协</title></head><body>
<div class="side"><h3>最新文章</h3><ul><li><a href="../zxdt/202306/t20230602_9.shtml">主题党日</a><span>06-02</span></li></ul></div>
<div class="list"><ul>
<li><a href="./202305/t20230522_1064201.shtml" title="市政协主席蒋鸿在全市县市区政协主席座谈会上的讲话">市政协主席蒋鸿在全市县市区政...</a><span>2023-05-22</span></li>
<li><a href="./202305/t20230510_1064222.shtml">市政协召开长江大保护专题协商会</a><span>2023-05-10</span></li>
<li><a href="javascript:void(0)">脚本</a></li>
<li><a href="http://other.example.com/202305/t20230510_1.shtml">外站</a></li>
</ul></div>
<div class="page"><script language="javascript">
var currentPage = 0;//所在页从0开始
var countPage = 3//共多少页
document.write("<a href=\\"index"+"_" + nextPage + "."+"shtml\\">下一页</a>&nbsp;");
</script></div></body></html>"""


def test_trs_listing_entries_titles_dates_and_script_pages():
    url = "http://127.0.0.1:8001/ldjh/index.shtml"
    assert detect_family(url, TRS_LISTING) == "trs"
    listing = parse_listing(url, TRS_LISTING)
    assert listing.family == "trs"
    assert [(e.url, e.title, e.date_raw) for e in listing.entries] == [
        ("http://127.0.0.1:8001/ldjh/202305/t20230522_1064201.shtml",
         "市政协主席蒋鸿在全市县市区政协主席座谈会上的讲话", "2023-05-22"),
        ("http://127.0.0.1:8001/ldjh/202305/t20230510_1064222.shtml",
         "市政协召开长江大保护专题协商会", "2023-05-10"),
    ]
    assert [r.url for r in listing.follow] == [
        "http://127.0.0.1:8001/ldjh/index_1.shtml", "http://127.0.0.1:8001/ldjh/index_2.shtml"]
    assert listing.total_pages == 3


def test_trs_commented_create_page_html():
    page = """<html><body><ul><li><a href="./202401/t20240101_5.html">标题</a> 2024-01-01</li></ul>
    <script>
    var countPage = 4;
    var currentPage = 2;
    //createPageHTML(countPage, currentPage, "index", "html");
    </script></body></html>"""
    listing = parse_listing("http://h.example/zx/ldjh/index_2.html", page, family="trs")
    assert [r.url for r in listing.follow] == [
        "http://h.example/zx/ldjh/index_1.html", "http://h.example/zx/ldjh/index_3.html"]


HANWEB_FIRST = """<html><head><title>领导讲话</title></head><body><!-- Produced By 大汉网络 大汉版通发布系统 -->
<div id="4927013"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=147&path=/&columnid=1229712376&unitid=4927013&webname=金华市政协&permissiontype=0"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href='/art/2023/5/4/art_1229712376_2914.html' title='市政协副主席陈喆在“浙中生态廊道”民主监督活动动员会上的讲话' target='_blank'>市政协副主席陈喆在“浙中...</a><span>2023-05-04</span></li>]]></record>
<record><![CDATA[<li><a href='/art/2023/1/18/art_1229712376_2893.html' title='在市政协七届二次会议开幕会上的讲话'>在市政协七届二次会议开幕会上的讲话</a><span>2023-01-18</span></li>]]></record>
</recordset></datastore></script></div>
<script>var param_4927013={col:1,appid:1,webid:147,path:'/',columnid:1229712376,sourceContentType:1,unitid:'4927013',webname:'金华市政协',permissiontype:0};
$('#4927013').jpage({baseUrl:'/module/web/jpage/dataproxy.jsp',dataStore:dataStore,proxyUrl:'/module/web/jpage/dataproxy.jsp',ajaxParam:param_4927013,totalRecord:12,perPage:5,groupSize:1});</script>
</body></html>"""


def test_hanweb_datastore_get_pages():
    url = "http://127.0.0.1:8002/col/col1229712376/index.html"
    assert detect_family(url, HANWEB_FIRST) == "hanweb"
    listing = parse_listing(url, HANWEB_FIRST)
    assert [e.title for e in listing.entries] == [
        "市政协副主席陈喆在“浙中生态廊道”民主监督活动动员会上的讲话", "在市政协七届二次会议开幕会上的讲话"]
    assert listing.entries[0].url == "http://127.0.0.1:8002/art/2023/5/4/art_1229712376_2914.html"
    assert listing.entries[0].date_raw == "2023-05-04"
    assert listing.total_pages == 3
    urls = [r.url for r in listing.follow]
    assert all("dataproxy.jsp?page=" in u and "columnid=1229712376" in u for u in urls)
    assert any("page=3&" in u for u in urls)


def test_hanweb_datastore_post_ranges():
    page = HANWEB_FIRST.replace("?page=1&", "?").replace("totalRecord:12", "totalRecord:86")
    page = page.replace("perPage:5,groupSize:1", "perPage:15")
    listing = parse_listing("http://h.example/col/col1/index.html", page)
    assert [(r.method, r.url) for r in listing.follow][:2] == [
        ("POST", "http://h.example/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15"),
        ("POST", "http://h.example/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=86&perpage=15"),
    ]
    form = listing.follow[0].formdata
    assert form["columnid"] == "1229712376" and form["unitid"] == "4927013" and form["webname"] == "金华市政协"


def test_hanweb_dataproxy_xml_response():
    xml = """<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>12</totalrecord><totalpage>3</totalpage>
<recordset><record><![CDATA[<li><a href='/art/2019/1/2/art_1229712376_2000.html' title='旧讲话'>旧讲话</a><span>2019-01-02</span></li>]]></record></recordset></datastore>"""
    url = "http://h.example/module/web/jpage/dataproxy.jsp?page=2&webid=147&columnid=1229712376"
    listing = parse_listing(url, xml, content_type="text/xml;charset=UTF-8")
    assert listing.family == "hanweb"
    assert [(e.title, e.date_raw) for e in listing.entries] == [("旧讲话", "2019-01-02")]
    assert [r.url for r in listing.follow] == [
        "http://h.example/module/web/jpage/dataproxy.jsp?page=3&webid=147&columnid=1229712376"]


LEGACY = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
<table><tr><td class="left"><b>最新文章</b><br><a href="news_view.php?id=99999">别的新闻</a> 2024-01-01</td>
<td><table class="list">
<tr><td><a href="news_view.php?id=61578" title="凝心聚力促发展 履职尽责谱新篇">凝心聚力促发展 履职尽责谱新篇</a></td><td>2023-03-05</td></tr>
<tr><td><a href="/html/news-view-61344.html">县政协主席覃堃在全县政协工作会议上的讲话</a></td><td>[2023-03-29]</td></tr>
</table>
<div><a href="news_list.php?id=12&page=1">首页</a> 上一页 <a href="news_list.php?id=12&page=2">下一页</a> <a href="news_list.php?id=12&page=4">尾页</a> 共4页 第1页</div>
</td></tr></table></body></html>"""


def test_legacy_listing_and_pager():
    url = "http://127.0.0.1:8003/news_list.php?id=12"
    assert detect_family(url, LEGACY) == "legacy"
    listing = parse_listing(url, LEGACY)
    assert [(e.url.rsplit("/", 1)[-1], e.date_raw) for e in listing.entries] == [
        ("news_view.php?id=61578", "2023-03-05"), ("news-view-61344.html", "2023-03-29")]
    urls = {r.url for r in listing.follow}
    for n in (2, 3, 4):
        assert f"http://127.0.0.1:8003/news_list.php?id=12&page={n}" in urls
    assert listing.total_pages == 4


def test_post_json_api_reference_and_response():
    column = """<html><body><ul id="list"></ul><script>
    var api = "/szzx/ldjh/list.jsp?pagenum=1&pagesize=20";</script>
    <ul><li><a href="./content/post_1538169.html">市政协主席梁振华：以高质量履职服务先行示范区建设</a><span>2025-03-27</span></li></ul>
    </body></html>"""
    url = "http://127.0.0.1:8005/szzx/ldjh/index.html"
    assert detect_family(url, column) == "post"
    listing = parse_listing(url, column)
    assert listing.entries[0].url == "http://127.0.0.1:8005/szzx/ldjh/content/post_1538169.html"
    assert "http://127.0.0.1:8005/szzx/ldjh/list.jsp?pagenum=1&pagesize=20" in [r.url for r in listing.follow]
    api = json.dumps({"data": {"totalcount": 30, "pagecount": 2, "list": [
        {"title": "市政协七届五次会议胜利闭幕", "url": "/szzx/ldjh/content/post_1537011.html", "pubdate": "2025-01-16"}]}},
        ensure_ascii=False)
    jl = parse_listing("http://127.0.0.1:8005/szzx/ldjh/list.jsp?pagenum=1&pagesize=20", api,
                       content_type="application/json")
    assert [(e.title, e.date_raw) for e in jl.entries] == [("市政协七届五次会议胜利闭幕", "2025-01-16")]
    assert [r.url for r in jl.follow] == ["http://127.0.0.1:8005/szzx/ldjh/list.jsp?pagenum=2&pagesize=20"]
    assert jl.total_pages == 2


def test_datepath_and_detail_detection():
    assert detect_family("http://x/cqzx_content/2023-09/06/content_10582293.htm", "<html></html>") == "datepath"
    assert detect_family("http://x/cqzx_content/node_115_2.htm", "<html></html>") == "datepath"
    assert detect_family("http://x/content/detail/575296b87155fc752f7bfefd.html", "") == "detail"
    assert detect_family("http://x/szzx/ldjh/content/post_1538169.html", "") == "post"
    assert detect_family("http://x/about.html", "<html><body>hello</body></html>") == "generic"


def test_generic_listing_skips_sidebar_and_foreign_links():
    page = """<html><body><div class="nav"><a href="/news/1234.html">导航里的文章</a></div>
    <div class="main"><ul>
    <li><a href="/news/2001.html">第一篇讲话</a><em>2022-01-02</em></li>
    <li><a href="/news/2002.html">第二篇讲话</a><em>2022-01-01</em></li>
    <li><a href="mailto:a@b.c">邮件</a></li></ul>
    <p><a href="/list_2.html">下一页</a> 共5页</p></div>
    <div class="hot"><ul><li><a href="/news/3000.html">热门文章</a>2021-01-01</li></ul></div></body></html>"""
    listing = parse_listing("http://g.example/list.html", page, family="generic")
    assert [e.url for e in listing.entries] == ["http://g.example/news/2001.html", "http://g.example/news/2002.html"]
    assert [e.date_raw for e in listing.entries] == ["2022-01-02", "2022-01-01"]
    assert "http://g.example/list_2.html" in [r.url for r in listing.follow]
    assert "http://g.example/list_5.html" in [r.url for r in listing.follow]


def test_canonical_url_strips_sessions():
    assert canonical_url("HTTP://Example.COM:80/a/b.jsp;jsessionid=ABC123?id=5&sid=xyz#top") == \
        "http://example.com/a/b.jsp?id=5"
    assert canonical_url("http://example.com/x.php?PHPSESSID=1&page=2") == "http://example.com/x.php?page=2"
    assert canonical_url("https://example.com:8443/") == "https://example.com:8443/"


def _endless(url_of_next, entries_of):
    """A fake site: page n links to page n+1 forever (a calendar / a broken pager)."""
    from archiver.cms import PageRequest  # noqa: F401  (documents the fetch signature)

    def fetch(req):
        n = int(req.url.rsplit("=", 1)[1]) if "=" in req.url else 1
        rows = "".join(f'<li><a href="/news/{i}.html">讲话{i}</a> 2023-01-01</li>' for i in entries_of(n))
        return (f"<html><body><ul>{rows}</ul><div class='page'><a href='{url_of_next(n)}'>下一页</a>"
                f"</div></body></html>", "text/html")
    return fetch


def test_walk_stops_when_a_page_repeats_entries():
    """The spider's own walk (issue #18): pages that list nothing new end it after
    walkcount.REPEAT_LIMIT of them, the column counted as walked to its end."""
    from archiver.spiders.walkcount import REPEAT_LIMIT
    from tests.cms.spider_walk import spider_walk

    fetch = _endless(lambda n: f"/list.php?page={n + 1}", lambda n: range(100, 105))
    walk = spider_walk("http://g.example/list.php?page=1", fetch, family="generic")
    assert len(walk.entries) == 5 and len(walk.fetched) == 1 + REPEAT_LIMIT
    assert not walk.stopped_by_cap and not walk.shortfalls


def test_walk_is_capped_when_every_page_is_new():
    from tests.cms.spider_walk import spider_walk

    fetch = _endless(lambda n: f"/list.php?page={n + 1}", lambda n: range(n * 10, n * 10 + 3))
    walk = spider_walk("http://g.example/list.php?page=1", fetch, family="generic", max_pages=7)
    assert len(walk.fetched) == 7 and walk.stopped_by_cap and len(walk.entries) == 21


def _stated(pages: int, *, links: bool = True):
    """A fake column of ``pages`` pages whose pager states 共N页, three articles a page.
    ``links=False``: a pager script the crawler cannot read (the count, no link). Other URLs: 404."""
    def fetch(req):
        name = req.url.rsplit("/", 1)[1]
        numbered = re.fullmatch(r"index_(\d+)\.html", name)
        n = 1 if name == "index.html" else int(numbered.group(1)) if numbered else 0
        if not 1 <= n <= pages:
            return None
        rows = "".join(f'<li><a href="/news/{i}.html">讲话{i}</a> 2023-01-01</li>' for i in range(n * 10, n * 10 + 3))
        more = f"<a href='/ldjh/index_{n + 1}.html'>下一页</a>" if n < pages else ""
        pager = f"共{pages}页" + (f" <a href='/ldjh/index.html'>首页</a> {more} <a href='/ldjh/index_{pages}.html'>尾页</a>"
                                 if links else "")
        return f"<html><body><ul>{rows}</ul><div class='page'>{pager}</div></body></html>", "text/html"
    return fetch


def test_a_deep_columns_walk_is_marked_to_its_end_and_a_short_one_not_at_all():
    """The scheduler serves a deep column's host first (archiver/slotqueue.py): every request of
    its walk once the pager states more than DEEP_COLUMN_PAGES pages after the current one, the
    articles listed and the last pages included; a column of DEEP_COLUMN_PAGES + 1 pages is not deep."""
    from archiver.spiders.column import DEEP_COLUMN_PAGES
    from tests.cms.spider_walk import spider_walk

    deep = DEEP_COLUMN_PAGES + 5
    walk = spider_walk("http://g.example/ldjh/index.html", _stated(deep), family="generic")
    assert len(walk.fetched) == deep and len(walk.entries) == 3 * deep
    listed_after_first = [r.url for r in walk.fetched[1:]] + [e.url for e in walk.entries]
    assert sorted(walk.walking) == sorted(listed_after_first)
    short = spider_walk("http://g.example/ldjh/index.html", _stated(DEEP_COLUMN_PAGES + 1), family="generic")
    assert len(short.fetched) == DEEP_COLUMN_PAGES + 1 and short.walking == []


def test_pages_guessed_from_a_later_pages_own_url_are_not_asked():
    """A column whose pager is a script the crawler cannot read: every page states 共N页 and links
    no page. Page 1's URL gives the platform's usual names (index_2 … index_N); page 8's own
    `index_8.html` would give `index_8_2.html` …, pages that do not exist, and a false shortfall."""
    from tests.cms.spider_walk import spider_walk

    pages = 8
    walk = spider_walk("http://g.example/ldjh/index.html", _stated(pages, links=False), family="generic")
    assert [r.url for r in walk.fetched] == ["http://g.example/ldjh/index.html"] + [
        f"http://g.example/ldjh/index_{n}.html" for n in range(2, pages + 1)]
    assert walk.failed == [] and walk.shortfalls == []
    assert len(walk.entries) == 3 * pages


def test_family_falls_back_to_generic_rows_for_other_url_shapes():
    page = """<html><head><meta name="ColumnName" content="领导讲话"></head><body><ul class="list">
    <li><a href="/zxww/2023/05/22/ARTI1684741567123456.shtml" title="全国政协主席在会议上的讲话">全国政协主席在会议上...</a>
    <span>2023-05-22</span></li></ul>
    <script>var countPage = 2; var currentPage = 0;</script></body></html>"""
    listing = parse_listing("http://www.cppcc.example/zxww/newcppcc/ldjh/index.shtml", page)
    assert listing.family == "trs"
    assert [(e.title, e.date_raw) for e in listing.entries] == [("全国政协主席在会议上的讲话", "2023-05-22")]
    assert [r.url for r in listing.follow] == ["http://www.cppcc.example/zxww/newcppcc/ldjh/index_1.shtml"]


def test_trs_script_pages_from_a_folder_url():
    from archiver.cms.pagination import script_page_urls

    script = """<script>var currentPage = 0;//所在页从0开始
var countPage = 3//共多少页
document.write("<a href=\\"index"+"_" + nextPage + "."+"html\\">下一页</a>&nbsp;");</script>"""
    assert script_page_urls("http://h.example/ldjh/", script) == (
        ["http://h.example/ldjh/index_1.html", "http://h.example/ldjh/index_2.html"], 3)


def test_trs_script_count_is_read_from_the_variable_the_call_names_or_countpage_itself():
    from archiver.cms.pagination import script_page_count

    # The call's arguments are variables: their values, not another variable ending in the name.
    called = """<script>var maxcountPage = 99; var total = 6; var cur = 2;
createPageHTML(total, cur, "index", "shtml");</script>"""
    assert script_page_count(called) == (6, 2)
    # No call, or one naming variables never set: `countPage`/`currentPage` themselves.
    plain = "<script>var allcountPage = 40; var countPage = 5; var currentPage = 1;</script>"
    assert script_page_count(plain) == (5, 1)
    unset = '<script>var countPage = 4; createPageHTML(n, c, "index", "html");</script>'
    assert script_page_count(unset) == (4, 0)
