"""The TRS replica (荆州市政协 style) looks and behaves like the real family."""

from __future__ import annotations

import re

from tests.replica.helpers import body_in_page, fetch, visible

SEED_TITLE = "市政协主席蒋鸿在全市县市区政协主席座谈会上的讲话"


def gold_for(replica, site):
    return replica.gold(site=site)


def test_listing_paginates_only_by_script(replica):
    site = replica.sites["trs"]
    status, headers, body = fetch(site["listing"])
    assert status == 200 and "charset=utf-8" in headers["Content-Type"]
    text = body.decode("utf-8")
    assert "var currentPage = 0;//所在页从0开始" in text
    assert re.search(r"var countPage = \d+//共多少页", text)
    assert "document.write(" in text
    # no real anchor to the next page: only the script builds it
    assert not re.search(r"<a[^>]+href=[\"'][^\"']*index_1\.shtml", text)
    assert re.search(r'href="\./\d{6}/t\d{8}_\d+\.shtml"', text)
    assert '<meta name="SiteIDCode" content="4210000031">' in text


def test_later_pages_and_create_page_html(replica):
    base = replica.sites["trs"]["base"]
    status, _, body = fetch(base + "/ldjh/index_1.shtml")
    assert status == 200 and "var currentPage = 1;" in body.decode()
    status, _, body = fetch(base + "/ldjh/index_2.shtml")
    assert status == 200 and 'createPageHTML(3, 2, "index", "shtml")' in body.decode()
    assert fetch(base + "/ldjh/index_9.shtml")[0] == 404
    assert fetch(base + "/ldjh/index_0.shtml")[0] == 404


def test_seed_article_exact(replica):
    gold = {g["title"]: g for g in gold_for(replica, "trs") if g["column"] == "领导讲话"}
    seed = gold[SEED_TITLE]
    assert seed["published_at"] == "2023-05-22T11:15:00+08:00"
    assert seed["source"] == "荆州市政协"
    assert seed["speaker"] == "蒋鸿" and seed["speaker_title"] == "市政协主席"
    assert seed["body"].startswith("奋力书写加强和改进政协工作的荆州答卷\n——市政协主席蒋鸿在")
    assert seed["body"].endswith("不断提升机关服务保障水平。")
    assert len(seed["body"].split("\n")) == 20
    status, headers, raw = fetch(seed["url"])
    page = raw.decode("utf-8")
    assert status == 200
    assert re.search(r"/ldjh/202305/t20230522_\d+\.shtml$", seed["url"])
    assert not body_in_page(seed["body"], page)
    text = re.sub(r"\s+", "", visible(page))
    for chrome in ["您现在的位置:首页>领导讲话", "信息来源:荆州市政协|发布时间:2023-05-2211:15", "打印|关闭",
                   "地址:荆州市荆州区荆东路54号邮政编码:434000",
                   "版权所有:荆州市政协技术支持:荆州新闻网鄂ICP备12009254-1号京公网安备42100302000031"]:
        assert chrome in text
    assert '<div class="TRS_Editor"><style' in page and "Custom_UnionStyle" in page
    assert '<meta name="PubDate" content="2023-05-22 11:15">' in page
    assert f"<title>{SEED_TITLE}-领导讲话-荆州市政协</title>" in page
    for chrome in seed["boilerplate"]:
        assert chrome not in seed["body"]


def test_multipage_article(replica):
    gold = [g for g in gold_for(replica, "trs") if len(g["pages"]) > 1]
    assert gold
    g = gold[0]
    assert g["pages"][1].endswith("_1.shtml")
    joined = ""
    for url in g["pages"]:
        status, _, raw = fetch(url)
        assert status == 200
        page = raw.decode()
        assert "var countPage = %d//共多少页" % len(g["pages"]) in page
        joined += page
    assert not body_in_page(g["body"], joined)
    assert "TRS_UEDITOR trs_paper_default" in joined
    assert g["images"] and fetch(g["images"][0]["url"])[2][:3] == b"\xff\xd8\xff"


def test_old_pages_have_no_meta(replica):
    old = [g for g in gold_for(replica, "trs") if g["key"] == "old"][0]
    page = fetch(old["url"])[2].decode()
    assert "<meta name=" not in page
    assert "发布时间 : 2016-03-01 16:01" in page


def test_traps_duplicates_and_crosspost(replica):
    gold = gold_for(replica, "trs")
    dups = [g for g in gold if g["duplicate_of"]]
    assert dups and dups[0]["duplicate_of"] != dups[0]["url"]
    cross = [g for g in gold if g["also_at"]]
    assert cross and "/zxdt/" in cross[0]["also_at"][0]
    copy = fetch(cross[0]["also_at"][0])[2].decode()
    assert not body_in_page(cross[0]["body"], copy)
    assert cross[0]["speaker"] is None and cross[0]["kind"] == "news"


def test_attachments_are_real_files(replica):
    g = [g for g in gold_for(replica, "trs") if g["attachments"]][0]
    kinds = {a["url"].rsplit(".", 1)[1]: fetch(a["url"]) for a in g["attachments"]}
    assert kinds["pdf"][2].startswith(b"%PDF-1.4") and kinds["pdf"][2].rstrip().endswith(b"%%EOF")
    assert kinds["doc"][2][:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    assert kinds["pdf"][1]["Content-Type"] == "application/pdf"
