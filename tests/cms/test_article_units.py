"""Article extraction on small hand-written pages (docs/REPLICA-SPEC.md quirks), offline."""

from __future__ import annotations

from datetime import datetime, timezone

from archiver.article import extract_record
from archiver.cms import continuation_urls, extract_page, is_soft_404
from archiver.items import FetchedPage

NOW = datetime(2025, 6, 3, 1, 0, tzinfo=timezone.utc)

LEGACY_ARTICLE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>县政协主席覃堃在全县政协工作会议上的讲话_凤山县政协</title></head><body>
<table width="100%"><tr>
<td class="left" width="200"><b>最新文章</b><br><a href="news_view.php?id=70000">别的文章标题</a> 2024-02-02<br>
<a href="news_view.php?id=70001">又一篇</a> 2024-01-30</td>
<td>
<div class="bt">县政协主席覃堃在全县政协工作会议上的讲话</div>
<div class="xx">作者:刘丽 来源: 发表于:2023年03月29日 文章点击数:<script src="count.php?id=61344"></script></div>
<div class="nr">&emsp;&emsp;同志们：<br/><br/>&emsp;&emsp;今天召开全县政协工作会议，主要任务是总结工作。<br/><br/>
<div>　　第二段内容在这里。</div><div><br></div>
<p align="center"><img src="/upload/1.jpg"></p><p align="center">全县政协工作会议现场</p>
</div>
<div class="pages">[1] <a href="news_view.php?id=61344&page=2">[2]</a> <a href="news_view.php?id=61344&page=3">[3]</a></div>
<div>上一篇：<a href="news_view.php?id=61333">上一篇标题</a> 下一篇：<a href="news_view.php?id=61355">下一篇标题</a></div>
<div>【打印该页】【关闭窗口】【返回顶部】</div>
</td></tr></table></body></html>"""


def test_legacy_article_fields_and_continuations():
    url = "http://127.0.0.1:8003/news_view.php?id=61344"
    page = extract_page(url, LEGACY_ARTICLE)
    assert page.family == "legacy"
    assert page.title == "县政协主席覃堃在全县政协工作会议上的讲话"
    assert page.author == "刘丽"
    assert ("info", "2023年03月29日") in [(w, r.strip()) for w, r in page.date_candidates] or \
        any(w == "info" and "2023年03月29日" in r for w, r in page.date_candidates)
    assert page.paragraphs == ["同志们：", "今天召开全县政协工作会议，主要任务是总结工作。", "第二段内容在这里。"]
    assert page.images == [{"url": "http://127.0.0.1:8003/upload/1.jpg", "caption": "全县政协工作会议现场"}]
    assert continuation_urls(url, LEGACY_ARTICLE) == [
        "http://127.0.0.1:8003/news_view.php?id=61344&page=2", "http://127.0.0.1:8003/news_view.php?id=61344&page=3"]


def test_sidebar_dates_never_win():
    body = LEGACY_ARTICLE.encode("gbk")
    result = extract_record([FetchedPage("http://127.0.0.1:8003/news_view.php?id=61344", 200, body, NOW)])
    assert result.fields["published_at"] == "2023-03-29"
    assert result.fields["published_from"] == "info"
    assert result.encoding in ("gb18030", "gbk")


def test_listing_date_is_last_resort():
    page = "<html><body><h1>某讲话</h1><div class='content'><p>" + "正文内容。" * 30 + "</p></div></body></html>"
    fp = FetchedPage("http://g.example/a/123.html", 200, page.encode(), NOW)
    result = extract_record([fp], listing_date="2020-01-02", listing_title="某讲话")
    assert result.fields["published_at"] == "2020-01-02"
    assert result.fields["published_from"] == "listing"


def test_generic_densest_block_not_sidebar():
    page = """<html><head><title>关于某事的讲话 - 某县政协</title></head><body>
    <div class="nav"><a href="/">首页</a> <a href="/a">政协动态</a></div>
    <div class="wrap"><div class="aside"><h3>热点排行</h3><ul>
    <li><a href="/1.html">热点一号文章的标题很长很长</a> 2019-01-01</li><li><a href="/2.html">热点二</a> 2019-01-02</li></ul></div>
    <div class="main"><h2>关于某事的讲话</h2><div class="time">时间:2018/2/7</div>
    <div class="text"><p>第一段正文，讲了很多很多的内容，足够长以便成为正文。</p>
    <p>第二段正文，也讲了很多很多的内容，足够长以便成为正文。</p></div></div></div>
    <div class="foot">版权所有:某县政协</div></body></html>"""
    page_obj = extract_page("http://g.example/x/view/77.html", page, family="generic")
    assert page_obj.title == "关于某事的讲话"
    assert page_obj.paragraphs == ["第一段正文，讲了很多很多的内容，足够长以便成为正文。",
                                   "第二段正文，也讲了很多很多的内容，足够长以便成为正文。"]
    assert page_obj.date_candidates[0] == ("info", "2018/2/7")


def test_soft_404():
    soft = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面不存在</title></head>
<body><div class="err"><img src="/images/404.png" alt=""/><h2>页面不存在</h2>
<p>抱歉，您访问的页面不存在或已删除，<span id="sec">5</span>秒后自动返回<a href="/">首页</a>。</p></div></body></html>"""
    assert is_soft_404(soft)
    assert not is_soft_404(LEGACY_ARTICLE)
    article = "<html><head><title>讲话</title></head><body><h1>讲话</h1><div>" + \
        "<p>这是一段关于网络404错误处理的正文内容，长度足够。</p>" * 20 + "</div></body></html>"
    assert not is_soft_404(article)


def test_overrides_xpaths():
    page = """<html><body><div id="t">覆盖标题</div><span id="d">2021-12-29 16:00:51</span>
    <div id="b"><p>正文一。</p><p>正文二。</p></div></body></html>"""
    out = extract_page("http://o.example/p/1.html", page, overrides={
        "title": "//div[@id='t']", "body": "//div[@id='b']", "date": "//span[@id='d']", "family": "generic"})
    assert out.title == "覆盖标题"
    assert out.paragraphs == ["正文一。", "正文二。"]
    assert out.date_candidates[0] == ("info", "2021-12-29 16:00:51")


HUBEI_STYLE = """<html><head><title>在全省政协主席会议上的讲话_湖北省政协</title></head><body>
<div class="top"><a href="/">首页</a></div>
<div class="wz">你当前的位置: <a href="/">首页</a>&gt; <a href="/76/">政协动态</a> &gt; 正文</div>
<div class="box"><div class="bt">在全省政协主席会议上的讲话</div>
<div class="sj">【发布日期:2014-01-27】 【来源:本站】 【阅读:<span id="hits"></span>次】</div>
<div class="nr"><p>　　同志们：</p><p>　　这次会议的主要任务是总结去年工作，部署今年任务。</p>
<p>　　扫一扫在手机打开当前页</p></div></div>
<div class="rq"><h3>相关文章</h3><ul><li><a href="/76/2013-12-01/1.html">另一篇</a>2013-12-01</li></ul></div>
</body></html>"""


def test_generic_info_row_and_url_date():
    url = "http://hb.example/76/2014-01-27/15803.html"
    page = extract_page(url, HUBEI_STYLE)
    assert page.family == "generic"
    assert page.title == "在全省政协主席会议上的讲话"
    # `本站` ("this site") is what the CMS prints when nobody gave a source: no value (issue #16).
    assert page.source is None
    assert {"rule": "placeholder_value", "text": "本站"} in page.audit
    assert page.date_candidates[0][0] == "info" and "2014-01-27" in page.date_candidates[0][1]
    assert ("url", "2014-01-27") in page.date_candidates
    assert page.paragraphs == ["同志们：", "这次会议的主要任务是总结去年工作，部署今年任务。"]
    assert all("2013-12-01" not in raw for _w, raw in page.date_candidates)


def test_registry_override_keys_and_forced_encoding():
    page = """<html><head><meta charset="utf-8"></head><body><div id="t">标题甲</div>
    <div id="b"><p>正文。</p></div></body></html>"""
    fp = FetchedPage("http://o.example/p/2.html", 200, page.encode("gbk"), NOW)
    result = extract_record([fp], overrides={"title_xpath": "//div[@id='t']", "body_xpath": "//div[@id='b']",
                                             "encoding": "gbk"})
    assert result.fields["title"] == "标题甲"
    assert result.fields["body"] == "正文。"
    assert result.encoding == "gb18030"


def test_html5_article_header_heading_is_the_title():
    page = """<html><head><title>新闻 - 某市政协</title></head><body><header class="site-head"><a href="/">首页</a></header>
    <article><header class="article-head"><h1>市政协主席在常委会议上的讲话</h1>
    <p class="meta">发布时间：2024-03-01 10:00</p></header>
    <div class="article-body"><p>第一段正文内容，长度足够成为正文的一部分。</p><p>第二段正文内容，长度也足够。</p></div>
    </article><aside><h3>相关文章</h3><ul><li><a href="/a/1.html">别的</a> 2020-01-01</li></ul></aside></body></html>"""
    out = extract_page("http://m.example/a/2024/998877.html", page, family="generic")
    assert out.title == "市政协主席在常委会议上的讲话"
    assert out.date_candidates[0] == ("info", "2024-03-01 10:00")
    assert out.paragraphs == ["第一段正文内容，长度足够成为正文的一部分。", "第二段正文内容，长度也足够。"]
