"""Issue #9, crawler traps: endless calendars, session ids in every link, and links or redirects
that leave the site (other ports, file:, data:).

One crawl: three replica sites with fresh session ids on every link (``session_ids``; the
calendar trap is always on, linked from every listing sidebar), the replica's calendar page
itself given as a listing URL, and a small local site whose listing links and redirects to a
neighbour server on another local port, to file:// and to data:. The neighbour must get nothing.
"""

from __future__ import annotations

import re
import urllib.request
from collections import Counter

import pytest

from tests.clirun import export_jsonl, speech_gold
from tests.reliability.helpers import (
    HTML, LocalSite, article_html, crawl_args, listing_html, run_measured,
)

SITES = ("trs", "hanweb", "legacy")
MAX_LISTING_PAGES = 6
SESSION = re.compile(r";jsessionid=[^/?#]*|[?&]sid=[^&#]*", re.I)
PARAGRAPHS = ["各位委员，同志们：", "今天我们召开全市政协工作会议，总结过去一年的工作，安排部署今年的任务。" * 4,
              "新的一年，我们要进一步加强自身建设，提高履职能力，为全市高质量发展贡献力量。" * 3]


@pytest.fixture(scope="module")
def crawl(module_replica, tmp_path_factory):
    rp = module_replica
    tmp = tmp_path_factory.mktemp("traps")
    db = f"sqlite:///{tmp / 'archive.sqlite3'}"
    rp.reset()
    for site in SITES:
        rp.fault(site, None, "session_ids")
    with urllib.request.urlopen(rp.sites["legacy"]["listing"]) as resp:
        sample = resp.read()
    rp.clear_log()
    with LocalSite() as neighbour, LocalSite() as local:
        other = neighbour.base
        local.routes.update({
            "/ldjh/index.html": (200, HTML, listing_html([
                ("/art/30001.html", "正常的讲话"),
                ("/art/30002.html", "跳到邻居端口"), ("/art/30003.html", "跳到file"),
                ("/art/30004.html", "跳到data"),
                ("file:///etc/passwd", "file链接"), ("data:text/html,<p>x</p>", "data链接"),
                (f"{other}/art/30005.html", "邻居端口的链接"), (f"//{other[7:]}/art/30006.html", "无协议链接"),
            ]).encode()),
            "/art/30001.html": (200, HTML, article_html("市政协主席在全市政协工作会议上的讲话", PARAGRAPHS).encode()),
            "/art/30002.html": (302, [("Location", f"{other}/art/30007.html")], b""),
            "/art/30003.html": (302, [("Location", "file:///etc/passwd")], b""),
            "/art/30004.html": (302, [("Location", "data:text/html,<p>hello</p>")], b""),
        })
        targets = [rp.sites[s]["listing"] for s in SITES]
        calendar = rp.url("trs", "/calendar/2025-06.html")
        run = run_measured(*crawl_args(db, *targets, calendar, local.base + "/ldjh/index.html",
                                       extra=("-s", f"ARCHIVER_MAX_LISTING_PAGES={MAX_LISTING_PAGES}")),
                           cwd=tmp)
        local_requests, neighbour_requests = list(local.requests), list(neighbour.requests)
    gold = {}
    for site in SITES:
        gold.update(speech_gold(rp, site=site))
    return {"run": run, "sample": sample, "db": db, "tmp": tmp, "rp": rp, "log": rp.access_log(), "gold": gold,
            "records": export_jsonl(db, cwd=tmp), "local": local_requests,
            "neighbour": neighbour_requests, "local_base": local.base}


def test_session_ids_give_no_duplicate_articles(crawl):
    bases = tuple(crawl["rp"].sites[s]["base"] + "/" for s in SITES)
    urls = [r["url"] for r in crawl["records"] if r["url"].startswith(bases)]
    assert not [u for u in urls if SESSION.search(u)]
    assert len(urls) == len(set(urls))
    assert set(crawl["gold"]) == set(urls)
    # The session ids really were there, and the crawler never sent one back.
    assert b"sid=" in crawl["sample"]
    assert not any(SESSION.search(e["path"]) for e in crawl["log"])


def test_every_page_is_fetched_once_whatever_its_session_id(crawl):
    fetched = Counter((e["site"], SESSION.sub("", e["path"])) for e in crawl["log"]
                      if e["method"] == "GET" and e["site"] in SITES)
    again = {k: n for k, n in fetched.items() if n > 1 and k[1] != "/calendar/2025-06.html"}
    assert not again, again


def test_calendar_traps_are_bounded(crawl):
    calendar = [e["path"] for e in crawl["log"] if e["path"].startswith("/calendar/")]
    # Linked from every listing sidebar, never followed from there; given as a listing itself,
    # it is walked at most ARCHIVER_MAX_LISTING_PAGES pages.
    assert 1 <= len(calendar) <= MAX_LISTING_PAGES, calendar
    # Listing requests counted by URL kind: not robots.txt, the calendar, an article's page, nor a
    # file the gold says an article links (attachments and images are fetched too, issue #19).
    def path_of(url: str) -> str:
        return url.split("://", 1)[-1].split("/", 1)[-1]
    not_listing = {path_of(p) for g in crawl["gold"].values() for p in g["pages"]}
    files = {path_of(f["url"]) for g in crawl["gold"].values() for f in g["attachments"] + g["images"]}
    assert files & {SESSION.sub("", e["path"]).lstrip("/") for e in crawl["log"]}  # files were fetched
    listing_requests = Counter(
        e["site"] for e in crawl["log"]
        if e["site"] in SITES and e["path"] != "/robots.txt" and not e["path"].startswith("/calendar/")
        and SESSION.sub("", e["path"]).lstrip("/") not in not_listing | files
    )
    assert all(1 <= listing_requests[s] <= MAX_LISTING_PAGES for s in SITES), listing_requests


def test_links_and_redirects_off_the_site_are_not_followed(crawl):
    assert crawl["neighbour"] == []  # not one request reached the other local port
    assert sorted(crawl["local"]) == ["/art/30001.html", "/art/30002.html", "/art/30003.html",
                                      "/art/30004.html", "/ldjh/index.html", "/robots.txt"]
    stored = {r["url"] for r in crawl["records"] if r["url"].startswith(crawl["local_base"])}
    assert stored == {crawl["local_base"] + "/art/30001.html"}
    line = crawl["run"].line("site_127_0_0_1_" + crawl["local_base"].rsplit(":", 1)[1])
    assert ", 1 new," in line and ", 3 errors," in line, crawl["run"].stdout
