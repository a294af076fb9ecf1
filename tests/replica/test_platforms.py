"""The issue #14 platforms over real HTTP: each serves its pagination / list-API form as documented
in docs/REPLICA-PLATFORMS.md, reaching exactly the speech column's gold articles, and nothing
reaches page 2 but that form (tests of the replica itself: they fail if the replica is wrong)."""

from __future__ import annotations

import json
import re
import urllib.parse
from urllib.parse import urljoin, urlsplit

import pytest

from tests.replica.helpers import body_in_page, fetch

SPEECH = "领导讲话"
ITEM_RE = re.compile(r'<(?:li|article)[^>]*>.*?<a href="([^"]+)"', re.S)


def page(url: str, charset: str = "utf-8") -> str:
    status, _, body = fetch(url)
    assert status == 200, (url, status)
    return body.decode(charset)


def items(url: str, text: str) -> list[str]:
    """Article links of a listing page's list (not the nav, not the sidebars)."""
    lists = re.findall(r'<(?:ul|div)[^>]* class="(?:list[^"]*|news_list|e2|posts)"[^>]*>(.*?)</(?:ul|div)>', text, re.S)
    return [urljoin(url, h) for block in lists for h in ITEM_RE.findall(block)]


def speech(replica, site: str) -> list[str]:
    return [g["url"] for g in replica.gold(site=site, boilerplate=False)
            if g["column"] == SPEECH and g["status"] == "live"]


def hrefs(text: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"#][^"]*)"', text)


def test_jeecms_pages_only_through_onclick_and_page_function(replica):
    url = replica.sites["jeecms"]["listing"]
    first = page(url)
    assert "共2页" in first and "共20条 每页10条" in first and "当前 1/2 页" in first
    assert not any("index_2" in h for h in hrefs(first)), "page 2 must not be a plain link"
    onclick = re.findall(r"onclick=\"location\.href=encodeURI\('([^']+)'\);\"", first)
    assert urljoin(url, "/ldjh/index_2.jhtml") in {urljoin(url, u) for u in onclick}
    stem, tail = re.search(r"location\.href=encodeURI\('([^']+)'\+page\+'([^']+)'\)", first).groups()
    second_url = urljoin(url, f"{stem}2{tail}")
    second = page(second_url)
    assert items(url, first) + items(second_url, second) == speech(replica, "jeecms")
    assert fetch(urljoin(url, f"{stem}3{tail}"))[0] == 404


def test_jeecmsapi_is_an_empty_shell_over_a_jsonp_api_without_totals(replica):
    url = replica.sites["jeecmsapi"]["listing"]
    shell = page(url)
    assert items(url, shell) == []
    channel = re.search(r'data-channel-ids="(\d+)"', shell).group(1)
    count = int(re.search(r"count: (\d+)", shell).group(1))
    assert '"/api/content/list.jspx"' in shell and 'jsonp: "callback"' in shell
    got, first = [], 0
    while True:
        q = urllib.parse.urlencode({"channelIds": channel, "first": first, "count": count, "callback": "jq1"})
        status, headers, body = fetch(urljoin(url, f"/api/content/list.jspx?{q}"))
        text = body.decode()
        assert status == 200 and text.startswith("jq1(") and text.endswith(");")
        rows = json.loads(text[4:-2])["body"]
        assert all(r["url"].startswith("//") for r in rows)  # protocol-relative
        got += [urljoin(url, r["url"]) for r in rows]
        if len(rows) < count:
            break
        first += count
    assert got == speech(replica, "jeecmsapi")
    plain = fetch(urljoin(url, f"/api/content/list.jspx?channelIds={channel}&first=0&count=3"))[2]
    assert "total" not in json.loads(plain) and len(json.loads(plain)["body"]) == 3


def test_dede_pages_only_through_the_jump_select_beside_offsite_friend_links(replica):
    url = replica.sites["dede"]["listing"]
    first = page(url, "gbk")
    assert not any("list_5_" in h for h in hrefs(first))
    sldd = re.search(r"<select name='sldd'[^>]*>(.*?)</select>", first, re.S).group(1)
    options = re.findall(r"<option value='([^']+)'", sldd)
    assert options == ["list_5_1.html", "list_5_2.html", "list_5_3.html"]
    assert "共 <strong>3</strong>页<strong>20</strong>条" in first
    friends = re.search(r'<select name="yqlj".*?</select>', first, re.S).group(0)
    hosts = {urlsplit(v).hostname for v in re.findall(r'<option value="(http[^"]+)"', friends)}
    assert hosts and "127.0.0.1" not in hosts
    got = []
    for o in options:
        u = urljoin(url, o)
        got += items(u, page(u, "gbk"))
    assert got == speech(replica, "dede")


def test_empire_pages_only_through_the_get_form_with_zero_based_page_numbers(replica):
    url = replica.sites["empire"]["listing"]
    first = page(url)
    assert "共20条 每页8条 页次：1/3" in first and "跳转到第" in first
    form = re.search(r'<form name="jumppage" method="get" action="([^"]+)">(.*?)</form>', first, re.S)
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="(\w+)">', form.group(2)))
    values = re.findall(r'<option value="(\d+)"', form.group(2))
    assert hidden == {"classid": "5"} and values == ["0", "1", "2"]
    got = []
    for v in values:
        u = urljoin(url, form.group(1)) + "?" + urllib.parse.urlencode({**hidden, "page": v})
        got += items(u, page(u))
    assert got == speech(replica, "empire")
    assert fetch(urljoin(url, "/e/action/ListInfo/?classid=5&page=3"))[0] == 404


def test_wp_load_more_needs_post_with_the_script_objects_nonce(replica):
    url = replica.sites["wp"]["listing"]
    first = page(url)
    params = json.loads(re.search(r"var cppcc_loadmore = (\{.*?\});", first).group(1))
    assert params["ajaxurl"] == "/wp-admin/admin-ajax.php" and params["maxPage"] == "3"
    assert 'data-cat="5"' in first and "type: 'POST'" in first
    assert not any("/page/" in h for h in hrefs(first))
    ajax = urljoin(url, params["ajaxurl"])
    got = items(url, first)
    for paged in (2, 3):
        form = urllib.parse.urlencode({"action": "cppcc_loadmore", "cat": params["cat"], "paged": paged,
                                       "nonce": params["nonce"]}).encode()
        status, _, body = fetch(ajax, method="POST", data=form)
        data = json.loads(body)["data"]
        assert status == 200 and data["found_posts"] == 20 and data["max_num_pages"] == 3
        got += [p["permalink"] for p in data["posts"]]
    assert got == speech(replica, "wp")
    assert fetch(ajax + "?action=cppcc_loadmore&cat=5&paged=2")[:3:2] == (400, b"0")
    bad = urllib.parse.urlencode({"action": "cppcc_loadmore", "cat": "5", "paged": 2, "nonce": "x"}).encode()
    assert fetch(ajax, method="POST", data=bad)[0] == 403
    second = page(urljoin(url, "page/2/"))
    assert items(url, second) == speech(replica, "wp")[8:16]
    status, headers, body = fetch(urljoin(url, "/wp-json/wp/v2/posts?categories=5&page=3&per_page=8"))
    assert headers["X-WP-TotalPages"] == "3" and len(json.loads(body)) == 4


def test_phpcms_pages_only_through_the_laypage_script(replica):
    url = replica.sites["phpcms"]["listing"]
    first = page(url)
    assert "var totalPage = 3" in first and "pages: 3," in first and "turnPage(obj.curr)" in first
    assert not any("page=2" in h for h in hrefs(first))
    base = re.search(r"window\.location\.href = '([^']+)' \+ p;", first).group(1)
    got = items(url, first)
    for n in (2, 3):
        got += items(url, page(urljoin(url, base + str(n))))
    assert got == speech(replica, "phpcms")


def test_phpcmsapi_is_a_fetch_shell_with_meta_catid_and_totals(replica):
    url = replica.sites["phpcmsapi"]["listing"]
    shell = page(url)
    assert items(url, shell) == []
    catid = re.search(r'<meta name="catid" content="(\d+)">', shell).group(1)
    size = re.search(r"var pageSize = (\d+);", shell).group(1)
    assert "fetch('/api.php?op=lists&catid=' + catid + '&pageNo=' + n + '&pageSize=' + pageSize)" in shell
    got, n, count = [], 1, 1
    while n <= count:
        res = json.loads(fetch(urljoin(url, f"/api.php?op=lists&catid={catid}&pageNo={n}&pageSize={size}"))[2])
        assert res["total"] == 20 and res["pageNo"] == n
        count = res["pageCount"]
        assert all(not r["url"].startswith(("/", "http")) for r in res["list"])  # relative
        got += [urljoin(urljoin(url, "/api.php"), r["url"]) for r in res["list"]]
        n += 1
    assert count == 4 and got == speech(replica, "phpcmsapi")


def test_siteserver_pages_through_javascript_hrefs_and_an_eval_location_select(replica):
    url = replica.sites["siteserver"]["listing"]
    first = page(url)
    assert "共20条" in first and "当前第1/3页" in first
    assert not any("12_" in h for h in hrefs(first) if not h.startswith("javascript:"))
    js = re.findall(r"href=\"javascript:window\.location\.href='([^']+)';\"", first)
    assert "/channels/12_2.html" in js
    select = re.search(r'<select id="(PageSelect_\w+)" onChange="\1_jumpMenu\(\'self\',this,0\)">(.*?)</select>',
                       first, re.S)
    assert 'eval(targ+".location=' in first
    values = re.findall(r'<option value="([^"]*)"', select.group(2))
    assert values == ["", "/channels/12_2.html", "/channels/12_3.html"]  # the current page: no value
    got = items(url, first)
    for v in values[1:]:
        got += items(url, page(urljoin(url, v)))
    assert got == speech(replica, "siteserver")
    assert fetch(urljoin(url, "12_1.html"))[0] == 404


def test_siteserverjs_is_an_axios_shell_with_page_num_and_totals(replica):
    url = replica.sites["siteserverjs"]["listing"]
    shell = page(url)
    assert items(url, shell) == []
    api = re.search(r"var apiUrl = '([^']+)';", shell).group(1)
    channel = re.search(r'<body data-channel-id="(\d+)">', shell).group(1)
    size = re.search(r"var pageSize = (\d+);", shell).group(1)
    assert "axios.get(apiUrl, { params: { channelId: channelId, pageNum: pageNum, pageSize: pageSize } })" in shell
    got, n, pages = [], 1, 1
    while n <= pages:
        q = urllib.parse.urlencode({"channelId": channel, "pageNum": n, "pageSize": size})
        data = json.loads(fetch(urljoin(url, f"{api}?{q}"))[2])["data"]
        assert data["total"] == 20 and data["currentPage"] == n
        pages = data["totalPage"]
        got += [urljoin(url, c["navigationUrl"]) for c in data["list"]]
        n += 1
    assert pages == 4 and got == speech(replica, "siteserverjs")


NEW = ["jeecms", "jeecmsapi", "dede", "empire", "wp", "phpcms", "phpcmsapi", "siteserver", "siteserverjs"]


@pytest.mark.parametrize("site", NEW)
def test_articles_and_the_other_column_with_its_cross_post(replica, site):
    gold = replica.gold(site=site)
    news = next(g for g in gold if g["column"] == SPEECH and g["also_at"])
    charset = "gbk" if site == "dede" else "utf-8"
    text = page(news["url"], charset)
    assert news["title"] in text and body_in_page(news["body"], text) == []
    copy = page(news["also_at"][0], charset)
    assert body_in_page(news["body"], copy) == []
    others = [g for g in gold if g["column"] != SPEECH]
    assert {g["column"] for g in others} == {"政协要闻"} and len(others) == 2
    nav = re.search(r'<a href="([^"]+)">政协要闻</a>', text).group(1)
    column = page(urljoin(news["url"], nav.replace("&amp;", "&")), charset)
    for u in [news["also_at"][0]] + [g["url"] for g in others]:
        assert urlsplit(u).path in column.replace("&amp;", "&") or u.split("/", 3)[3] in column
    seed = next(g for g in gold if g["key"] == "main1")
    text = page(seed["url"], charset)
    assert body_in_page(seed["body"], text) == [] and seed["images"] and seed["attachments"]
    assert fetch(seed["images"][0]["url"])[0] == 200 and fetch(seed["attachments"][0]["url"])[0] == 200
