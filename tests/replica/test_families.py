"""Each non-TRS replica family reproduces its real family's URL scheme, markup and quirks."""

from __future__ import annotations

import json
import re

import pytest

from archiver.replica.sites import SITES
from archiver.replica.families import available
from tests.replica.helpers import body_in_page, fetch

GB2312_OUTSIDE = "堃喆镕"


@pytest.fixture(scope="module")
def gold(replica):
    return {slug: replica.gold(site=slug) for slug in replica.sites}


def pages_text(g: dict, charset: str) -> str:
    out = []
    for url in g["pages"]:
        status, _, raw = fetch(url)
        assert status == 200, url
        out.append(raw.decode(charset))
    return "".join(out)


@pytest.mark.parametrize("slug", available())  # the six families and the issue #14 platforms (not opt-in sites)
def test_every_gold_body_is_on_its_pages(replica, gold, slug):
    charset = "gb18030" if SITES[slug].charset != "utf-8" else "utf-8"
    live = [g for g in gold[slug] if g["status"] == "live"]
    assert 12 <= len([g for g in live if g["column"] == "领导讲话"]) <= 30
    for g in live:
        text = pages_text(g, charset)
        assert not body_in_page(g["body"], text), g["url"]
        if not g["key"].startswith("file-"):  # speeches published as files: an intro (issue #19)
            assert 300 <= len(g["body"].replace("\n", "")) <= 8000, g["url"]
        for chrome in g["boilerplate"]:
            assert chrome not in g["body"]
        for img in g["images"]:
            st, headers, data = fetch(img["url"])
            assert st == 200 and headers["Content-Type"].startswith("image/") and len(data) > 100


def test_hanweb_column_is_xml_in_script(replica, gold):
    site = replica.sites["hanweb"]
    status, headers, raw = fetch(site["listing"])
    assert status == 200 and "charset=gb2312" in headers["Content-Type"]
    text = raw.decode("gb18030")
    assert re.search(r"/col/col\d+/index\.html$", site["listing"])
    outside = re.sub(r"(?is)<script\b.*?</script>", "", text)
    assert "art_" not in outside
    assert '<script type="text/xml"><datastore>' in text and "<recordset>" in text
    assert "<record><![CDATA[" in text and "<nextgroup><![CDATA[" in text
    assert re.search(r"\$\('#\d+'\)\.jpage\(\{", text) and re.search(r"var param_\d+=\{col:1", text)
    assert "<!-- Produced By 大汉网络 大汉版通发布系统 -->" in text
    m = re.search(r"totalRecord:(\d+),perPage:(\d+)", text)
    total, per = int(m.group(1)), int(m.group(2))
    assert len(re.findall(r"<record>", text)) == per


def test_hanweb_dataproxy_get_and_post_agree(replica):
    base = replica.sites["hanweb"]["base"]
    text = fetch(replica.sites["hanweb"]["listing"])[2].decode("gb18030")
    colid = re.search(r"columnid:(\d+)", text).group(1)
    unit = re.search(r"unitid:'(\d+)'", text).group(1)
    per = int(re.search(r"perPage:(\d+)", text).group(1))

    def links(xml: bytes) -> list[str]:
        return re.findall(r"href='(/art/[^']+)'", xml.decode("utf-8"))

    get_links = []
    for page in (1, 2, 3):
        st, headers, xml = fetch(f"{base}/module/web/jpage/dataproxy.jsp?page={page}&webid=147&path=/"
                                 f"&columnid={colid}&unitid={unit}&permissiontype=0")
        assert st == 200 and "xml" in headers["Content-Type"]
        assert b"<totalrecord>" in xml and b"<totalpage>" in xml
        get_links += links(xml)
    form = f"col=1&appid=1&webid=147&path=%2F&columnid={colid}&unitid={unit}&webname=x&permissiontype=0"
    st, _, xml = fetch(f"{base}/module/jslib/jquery/jpage/dataproxy.jsp?startrecord=1&endrecord={3 * per}"
                       f"&perpage={per}", method="POST", data=form.encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert st == 200
    assert links(xml) == get_links and len(get_links) == 3 * per
    first = re.findall(r"href='(/art/[^']+)'", text)
    assert first == get_links[:per]
    assert all(re.fullmatch(r"/art/\d{4}/[1-9]\d?/[1-9]\d?/art_\d+_\d+\.html", u) for u in get_links)


def test_hanweb_article_markup(replica, gold):
    g = next(g for g in gold["hanweb"] if g["key"] == "img")
    text = pages_text(g, "gb18030")
    assert '<div id="zoom"><meta name="ContentStart">' in text and '<meta name="ContentEnd">' in text
    assert "【字体：" in text and "doZoom(16)" in text and "浏览次数：<script" in text
    upper = next(g for g in gold["hanweb"] if g["key"] == "runon")
    utext = pages_text(upper, "gb18030")
    assert "<!--ZJEG_RSS.content.begin-->" in utext and "<FONT face=楷体_GB2312>" in utext
    assert upper["body"].split("\n")[0] == "许凯(2023年1月16日)各位委员,同志们:"
    assert upper["delivered_on"] == "2023-01-16" and upper["speaker"] == "许凯"
    sub = next(g for g in gold["hanweb"] if g["key"] == "sub14")
    assert sub["published_at"] == "2014-01-27T19:52:22+08:00"


def test_legacy_charset_and_layout(replica, gold):
    site = replica.sites["legacy"]
    status, headers, raw = fetch(site["listing"] + "&page=2")
    assert status == 200 and headers["Content-Type"] == "text/html"
    text = raw.decode("gb18030")
    assert 'charset=gb2312' in text
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert re.search(r"首页 上一页 下一页 尾页 共\d+页 第2页", re.sub(r"<[^>]+>", "", text))
    assert 'href="news_list.php?id=12&page=3">下一页</a>' in text
    assert "<table" in text and "最新文章" in text
    split = next(g for g in gold["legacy"] if len(g["pages"]) == 3)
    art = pages_text(split, "gb18030")
    assert "堃" in art and "[2]</a>" in art and "&emsp;&emsp;" in art
    assert "作者:刘丽 来源: 发表于:2023年03月29日 文章点击数:<script src=count.php" in art
    assert "【<a href=\"javascript:window.print()\">打印该页</a>】" in art
    trad = next(g for g in gold["legacy"] if g["key"] == "trad")
    assert "兩岸一家親" in trad["body"] and all(c in trad["body"] for c in GB2312_OUTSIDE)
    raw_trad = fetch(trad["url"])[2]
    for c in GB2312_OUTSIDE:
        with pytest.raises(UnicodeEncodeError):
            c.encode("gb2312")
        assert c.encode("gbk") in raw_trad
    padded = next(g for g in gold["legacy"] if g["key"] == "padded")
    assert "罗  军" in padded["body"] and padded["speaker"] == "罗军"
    assert padded["delivered_on"] == "2023-03-02" and padded["published_at"] == "2023-03-05"
    alias = fetch(split["also_at"][0])
    assert alias[0] == 200 and "/html/news-view-" in split["also_at"][0]


def test_datepath_newspaper(replica, gold):
    site = replica.sites["datepath"]
    text = fetch(site["listing"])[2].decode()
    assert 'href="node_115_2.htm"' in text and re.search(r'href="\d{4}-\d{2}/\d{2}/content_\d+\.htm"', text)
    by = next(g for g in gold["datepath"] if g["key"] == "byline")
    art = pages_text(by, "utf-8")
    assert "2023年09月06日 09:47 来源:重庆政协报" in art and "编辑:张玉兰" in art
    assert "(上接第1版)" in art and by["body"].startswith("□邹明远")
    assert "(上接第1版)" not in by["body"] and "编辑:张玉兰" in by["boilerplate"]
    assert by["editor"] == "张玉兰" and by["published_at"] == "2023-09-06T09:47:00+08:00"
    assert "中国人民政治协商会议重庆市委员会主办" in art
    lk = next(g for g in gold["datepath"] if g["key"] == "luokuan")
    assert lk["body"].endswith("二〇二三年九月") and lk["delivered_on"] == "2023-09"
    rep = next(g for g in gold["datepath"] if g["key"] == "report")
    assert rep["body"].startswith("——2024年1月21日在政协重庆市第六届委员会第二次会议上的报告\n唐方正")


def test_post_json_api_and_empty_column(replica, gold):
    site = replica.sites["post"]
    text = fetch(site["listing"])[2].decode()
    assert "/szzx/ldjh/list.jsp?pagenum=" in text
    assert "post_" not in re.sub(r"(?is)<script\b.*?</script>", "", text).split('id="list"')[1].split("</ul>")[0]
    base = site["base"]
    seen = []
    page = 1
    while True:
        st, headers, raw = fetch(f"{base}/szzx/ldjh/list.jsp?pagenum={page}&pagesize=7")
        assert st == 200 and headers["Content-Type"].startswith("application/json")
        data = json.loads(raw)["data"]
        seen += [row["url"] for row in data["list"]]
        if page >= data["pagecount"]:
            break
        page += 1
    assert len(seen) == data["totalcount"] == len(set(seen))
    live = {g["path"] for g in gold["post"] if g["status"] == "live"}
    assert set(seen) == live
    gm = next(g for g in gold["post"] if g["key"] == "gm")
    assert "来源:光明新闻发布时间:2025-03-27" in re.sub(r"<[^>]+>", "", pages_text(gm, "utf-8"))
    assert gm["published_at"] == "2025-03-27" and gm["url"].endswith("/szzx/ldjh/content/post_1538170.html")
    ny = next(g for g in gold["post"] if g["key"] == "newyear")
    assert ny["body"].startswith("（2024年12月31日）\n民进市委会主委 韩静远")
    assert ny["delivered_on"] == "2024-12-31" and ny["speaker_title"] == "民进市委会主委"
    month = next(g for g in gold["post"] if g["key"] == "month")
    assert month["delivered_on"] == "2024-12" and month["body"].startswith("(2024年12月)")


def test_detail_site(replica, gold):
    site = replica.sites["detail"]
    text = fetch(site["listing"])[2].decode()
    urls = re.findall(r'href="(/content/detail/[0-9a-f]{24}\.html)"', text)
    assert urls and "?pageIndex=2" in text
    glued = next(g for g in gold["detail"] if g["key"] == "glued")
    art = pages_text(glued, "utf-8")
    assert glued["title"] + '<span class="time">2022年06月23日</span>' in art
    assert "2022-06-23 16:00:51" in art and "编辑: 杨玉娟" in art and '<span id="hits"></span>' in art
    assert "政府网站标识码：3411000001" in art and "皖公网安备" in art
    assert glued["published_at"] == "2022-06-23T16:00:51+08:00" and glued["editor"] == "杨玉娟"
    rep = next(g for g in gold["detail"] if g["key"] == "report")
    assert rep["delivered_on"] == "2024-12-22" and rep["speaker"] == "江文华"
    assert {a["url"].rsplit(".", 1)[1] for a in rep["attachments"]} == {"pdf"}


def test_speech_forms_and_news_reports(gold):
    everything = [g for rows in gold.values() for g in rows]
    news = [g for g in everything if g["kind"] == "news"]
    assert len({g["site"] for g in news}) == len(gold) and all(g["speaker"] is None for g in news)
    title_form = [g for g in everything if g["speaker_title"] and g["title"].startswith(g["speaker_title"] + g["speaker"])]
    assert len(title_form) > 20
    assert any(re.match(r"（\d{4}年\d+月\d+日）$", g["body"].split("\n")[0]) for g in everything)


@pytest.mark.parametrize("slug", available())  # the six families and the issue #14 platforms (not opt-in sites)
def test_article_chrome(replica, gold, slug):
    """Footers, breadcrumbs and sidebars with their own dates are on every article page."""
    spec = SITES[slug]
    g = next(g for g in gold[slug] if g["column"] == "领导讲话" and g["status"] == "live")
    chrome = g["boilerplate"]
    assert spec.icp in chrome and spec.gongan in chrome
    assert any(("位置" in c) for c in chrome)  # a breadcrumb
    own = g["published_at"][:10]
    side_dates = [c for c in chrome if re.fullmatch(r"(\d{4}-)?\d{2}-\d{2}", c)]
    assert len(side_dates) >= 3 and any(d not in own for d in side_dates)
    charset = "gb18030" if SITES[slug].charset != "utf-8" else "utf-8"
    page = pages_text(g, charset)
    assert f"<title>{g['title']}" in page and spec.name + "</title>" in page
