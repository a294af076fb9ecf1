"""Change over time, conditional requests, the access log and the scale knob."""

from __future__ import annotations

import json
import re

from archiver.replica.store import EDIT_SENTENCE
from archiver.replica.testing import ReplicaProcess
from tests.replica.helpers import body_in_page, fetch


def trs_links(replica, page: str = "index.shtml") -> list[str]:
    text = fetch(replica.url("trs", f"/ldjh/{page}"))[2].decode()
    return re.findall(r'<li><span>[^<]+</span><a href="\./([^"]+)"', text)


def test_day_two(fresh_replica):
    rp = fresh_replica
    day1 = {g["key"]: g for g in rp.gold(site="trs")}
    first_page = trs_links(rp)
    second_page = trs_links(rp, "index_1.shtml")
    untouched = next(g for g in day1.values() if g["key"] == "seed")
    page1_bytes = fetch(untouched["url"])[2]
    rp.set_day(2)
    assert rp.day == 2
    day2 = {g["key"]: g for g in rp.gold(site="trs")}
    new = [k for k in day2 if k not in day1]
    assert len(new) == 3 and all(day2[k]["published_at"].startswith("2025-06-04") for k in new)
    # new articles on top, everything else shifted down (one removed article closes a gap)
    links2 = trs_links(rp)
    assert [u.rsplit("/", 1)[1] for u in links2[:3]] == [day2[k]["path"].rsplit("/", 1)[1] for k in new]
    assert links2[3] == first_page[0]
    assert trs_links(rp, "index_1.shtml") != second_page
    # one edit
    edited = [k for k in day1 if day1[k]["body"] != day2[k]["body"]]
    assert len(edited) == 1 and day2[edited[0]]["edited_on_day"] == 2
    assert EDIT_SENTENCE in fetch(day2[edited[0]]["url"])[2].decode()
    assert EDIT_SENTENCE in day2[edited[0]]["body"] and EDIT_SENTENCE not in day1[edited[0]]["body"]
    # one takedown
    removed = [k for k in day2 if day2[k]["status"] == "removed"]
    assert len(removed) == 1 and fetch(day2[removed[0]]["url"])[0] == 404
    assert fetch(day1[removed[0]]["url"].replace("://", "://"))[0] == 404
    # sidebars changed on an untouched page, the body did not
    page2_bytes = fetch(untouched["url"])[2]
    assert page1_bytes != page2_bytes
    assert day1["seed"]["body"] == day2["seed"]["body"]
    assert not body_in_page(day2["seed"]["body"], page2_bytes.decode())
    assert set(day2["seed"]["boilerplate"]) != set(day1["seed"]["boilerplate"])
    # gold of another day is available without switching
    assert {g["key"] for g in rp.gold(day=1, site="trs")} == set(day1)
    rp.set_day(1)
    assert fetch(untouched["url"])[2] == page1_bytes


def test_day_two_other_families(fresh_replica):
    rp = fresh_replica
    rp.set_day(2)
    gold = rp.gold(boilerplate=False)
    for slug in rp.sites:
        rows = [g for g in gold if g["site"] == slug]
        assert sum(g["status"] == "removed" for g in rows) == 1
        assert sum(g["edited_on_day"] == 2 for g in rows) == 1
        gone = next(g for g in rows if g["status"] == "removed")
        assert fetch(gone["url"])[0] == 404
    api = json.loads(fetch(rp.url("post", "/szzx/ldjh/list.jsp?pagenum=1&pagesize=3"))[2])
    assert [r["pubdate"] for r in api["data"]["list"]] == ["2025-06-04"] * 3


def test_conditional_requests(replica):
    g = replica.gold(site="hanweb", boilerplate=False)[0]
    st, headers, body = fetch(g["url"])
    etag, lm = headers["ETag"], headers["Last-Modified"]
    assert st == 200 and etag and lm
    assert fetch(g["url"])[2] == body  # byte-stable within a day
    st, h304, b304 = fetch(g["url"], headers={"If-None-Match": etag})
    assert st == 304 and b304 == b"" and h304["ETag"] == etag
    assert fetch(g["url"], headers={"If-Modified-Since": lm})[0] == 304
    assert fetch(g["url"], headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200
    assert fetch(g["url"], headers={"If-None-Match": '"nope"'})[0] == 200
    listing = fetch(replica.sites["trs"]["listing"])[1]
    assert fetch(replica.sites["trs"]["listing"], headers={"If-None-Match": listing["ETag"]})[0] == 304


def test_access_log(fresh_replica):
    rp = fresh_replica
    rp.clear_log()
    url = rp.sites["detail"]["listing"]
    fetch(url, headers={"User-Agent": "cppcc-archiver-test/1", "If-None-Match": '"x"'})
    fetch(rp.url("detail", "/nope"))
    log = rp.access_log(site="detail")
    assert [e["status"] for e in log] == [200, 404]
    assert log[0]["path"] == url.split(rp.sites["detail"]["base"])[1]
    assert log[0]["user_agent"] == "cppcc-archiver-test/1" and log[0]["if_none_match"] == '"x"'
    assert log[0]["method"] == "GET" and log[0]["site"] == "detail"
    rp.clear_log()
    assert rp.access_log() == []


def test_scale_knob():
    with ReplicaProcess(scale=10000, sites=["trs", "post", "hanweb"]) as rp:
        text = fetch(rp.sites["trs"]["listing"])[2].decode()
        assert "var countPage = 1250//共多少页" in text
        deep = fetch(rp.url("trs", "/ldjh/index_1249.shtml"))
        assert deep[0] == 200
        last = re.findall(r'href="\./([^"]+)"', deep[2].decode())[-1]
        assert fetch(rp.url("trs", "/ldjh/" + last))[0] == 200
        api = json.loads(fetch(rp.url("post", "/szzx/ldjh/list.jsp?pagenum=500&pagesize=20"))[2])
        assert api["data"]["totalcount"] == 10000 and len(api["data"]["list"]) == 20
        hw = fetch(rp.sites["hanweb"]["listing"])[2].decode("gb18030")
        assert "totalRecord:10000," in hw
