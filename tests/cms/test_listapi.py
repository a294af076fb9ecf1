"""Issue #14: list APIs found in inline scripts (no JavaScript run) and read generically."""

from __future__ import annotations

import json

from archiver.cms import PageRequest, parse_listing

BASE = "http://h.example"
SHELL = """<html><head><meta name="channelId" content="{cid}"></head><body>
<div class="nav"><a href="/">首页</a></div><ul id="list" data-site-code="zx01"></ul><div id="pager"></div>
<script>{script}</script></body></html>"""


def test_ajax_post_with_params_from_meta_and_data_attributes():
    script = """var size = 10;
    var cid = $('meta[name=channelId]').attr('content');
    function load(pageNo){ $.ajax({ url: "/api/article/list", type: "POST", dataType: "json",
        data: { channelId: cid, siteCode: $("#list").data("site-code"), pageNo: pageNo, pageSize: size },
        success: function(res){ render(res.data.records); } }); }
    load(1);"""
    listing = parse_listing(f"{BASE}/ldjh/", SHELL.format(cid="77", script=script), family="generic")
    api = [r for r in listing.follow if r.api]
    assert [(r.url, r.method, r.formdata) for r in api] == [
        (f"{BASE}/api/article/list", "POST",
         {"channelId": "77", "siteCode": "zx01", "pageNo": "1", "pageSize": "10"})]


def test_get_with_concatenated_url_and_fetch():
    script = """var columnId = "1203";
    fetch("/cms/" + "getList.do?columnId=" + columnId + "&page=" + page + "&rows=15").then(r => r.json());"""
    listing = parse_listing(f"{BASE}/col/1203.html", SHELL.format(cid="", script=script), family="generic")
    assert [r.url for r in listing.follow if r.api] == [f"{BASE}/cms/getList.do?columnId=1203&page=1&rows=15"]


def test_counters_and_other_sites_are_not_list_apis():
    script = """$.get("/count.php?id=5"); $.ajax({url: "http://other.example/api/list?page=1"});"""
    listing = parse_listing(f"{BASE}/ldjh/", SHELL.format(cid="", script=script), family="generic")
    assert [r for r in listing.follow if r.api] == []


def test_generic_reader_finds_nested_records_and_follows_post_paging():
    answer = {"code": 0, "data": {"pageInfo": {"total": 23, "pageSize": 10, "pageNo": 1},
              "records": [{"id": i, "docTitle": f"讲话{i}", "docUrl": f"//h.example/art/{i}.html",
                           "publishTime": "2024-03-01"} for i in range(10)]}}
    req = PageRequest(f"{BASE}/api/article/list", "POST", {"channelId": "77", "pageNo": "1"}, api=True)
    listing = parse_listing(req.url, json.dumps(answer, ensure_ascii=False), content_type="application/json",
                            request=req)
    assert [e.url for e in listing.entries][:2] == [f"{BASE}/art/0.html", f"{BASE}/art/1.html"]
    assert listing.entries[0].title == "讲话0" and listing.entries[0].date_raw == "2024-03-01"
    assert (listing.total_items, listing.total_pages) == (23, 3)
    assert [(r.method, r.formdata) for r in listing.follow] == [
        ("POST", {"channelId": "77", "pageNo": "2"}), ("POST", {"channelId": "77", "pageNo": "3"})]


def test_jsonp_and_offset_paging():
    answer = 'cb123({"totalCount": 5, "list": [{"title": "甲", "url": "/a/1.html"}, {"title": "乙", "url": "/a/2.html"}]});'
    url = f"{BASE}/api/list?start=0&limit=2&callback=cb123"
    listing = parse_listing(url, answer, content_type="application/javascript", request=PageRequest(url, api=True))
    assert [e.title for e in listing.entries] == ["甲", "乙"]
    assert [r.url for r in listing.follow] == [f"{BASE}/api/list?start={n}&limit=2&callback=cb123" for n in (2, 4)]


def test_api_answering_html_or_broken_json_is_one_clear_problem():
    url = f"{BASE}/api/list?page=1"
    req = PageRequest(url, api=True)
    html_answer = parse_listing(url, "<html><body>系统维护中</body></html>", content_type="text/html", request=req)
    broken = parse_listing(url, '{"list": [{"title": "甲", "url": "/a', content_type="application/json", request=req)
    for listing in (html_answer, broken):
        assert listing.entries == [] and listing.follow == [] and len(listing.problems) == 1
    assert "HTML" in html_answer.problems[0] and "broken JSON" in broken.problems[0]


def test_xml_list_answer():
    answer = """<?xml version="1.0" encoding="UTF-8"?><rss><channel><title>领导讲话</title>
    <item><title>在全会上的讲话</title><link>/art/2024/1/5/art_1.html</link><pubDate>2024-01-05</pubDate></item>
    <item><title>在协商会上的讲话</title><link>http://other.example/a.html</link></item></channel></rss>"""
    url = f"{BASE}/api/list.xml?page=1"
    listing = parse_listing(url, answer, content_type="text/xml", request=PageRequest(url, api=True))
    assert [(e.url, e.title, e.date_raw) for e in listing.entries][0] == (
        f"{BASE}/art/2024/1/5/art_1.html", "在全会上的讲话", "2024-01-05")
    again = parse_listing(url, answer)  # a later run starting there knows nothing of the request
    assert [e.url for e in again.entries] == [e.url for e in listing.entries]


def test_axios_post_sends_json_and_its_pages_follow_the_same_way():
    script = """var cid = document.querySelector('meta[name="channelId"]').getAttribute('content');
    function load(page){ axios.post('/api/cms/article/page', {channelId: cid, pageNum: page, pageSize: 10}); }"""
    listing = parse_listing(f"{BASE}/ldjh/", SHELL.format(cid="31", script=script), family="generic")
    (api,) = [r for r in listing.follow if r.api]
    assert (api.method, api.json, api.formdata) == ("POST", True, {"channelId": "31", "pageNum": "1", "pageSize": "10"})
    answer = json.dumps({"data": {"total": 25, "rows": [{"title": "甲", "url": "/a/1.html"}]}})
    nxt = parse_listing(api.url, answer, content_type="application/json", request=api).follow
    assert [(r.json, r.formdata["pageNum"]) for r in nxt] == [(True, "2"), (True, "3")]


def test_the_spider_asks_a_json_api_with_a_json_body_and_reads_its_page_field_back():
    from archiver.spiders.column import ColumnSpider, CrawlTarget, _form_of

    spider = ColumnSpider([CrawlTarget("s", f"{BASE}/ldjh/")])
    spec = PageRequest(f"{BASE}/api/list", "POST", {"channelId": "31", "pageNum": "2"}, api=True, json=True)
    request = spider.listing_request(spider.targets[f"{BASE}/ldjh/"], spec, pending=[])
    assert json.loads(request.body) == {"channelId": "31", "pageNum": "2"}
    assert request.headers[b"Content-Type"] == b"application/json"
    assert _form_of(request) == {"channelId": "31", "pageNum": "2"}
