"""Issue #14, bad input, over real HTTP: a pager claiming 100,000 pages over pages that repeat,
page functions and jump menus pointing at another host, list APIs answering HTML or broken
JSON. Each site gets one clear line and is never ok; the crawl is bounded and goes on; nothing
off site is fetched and nothing is fetched or stored twice."""

from __future__ import annotations

import sqlite3
from collections import Counter
from urllib.parse import urlsplit

from tests.clirun import crawl, export_jsonl, speech_gold


def test_bad_pagers_and_apis_are_reported_bounded_and_never_ok(fresh_replica, tmp_path):
    rp = fresh_replica
    rp.fault("jeecms", None, "huge_pager")
    rp.fault("jeecms", None, "repeat_pages")
    rp.fault("phpcms", None, "offsite_pager")
    rp.fault("dede", None, "offsite_pager")
    rp.fault("phpcmsapi", "/api.php", "html_body")
    rp.fault("jeecmsapi", "/api/content/list.jspx", "broken_json")
    rp.fault("siteserver", None, "huge_pager")  # pages past the real three answer 404
    sites = ("jeecms", "phpcms", "dede", "phpcmsapi", "jeecmsapi", "empire", "siteserver")
    db_path = tmp_path / "a.sqlite3"
    db = f"sqlite:///{db_path}"
    proc = crawl(db, *(rp.sites[s]["listing"] for s in sites), cwd=tmp_path, check=False,
                 extra=("-s", "ARCHIVER_FAMILIES=generic", "-s", "ARCHIVER_MAX_LISTING_PAGES=6"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = {s: _line(proc.stdout, rp, s) for s in sites}

    # 100,000 pages claimed, pages past the real two repeating: cut at the limit, said with numbers.
    assert ": incomplete" in lines["jeecms"]
    assert "of 100000 listing pages (共100000页)" in lines["jeecms"] and "repeating" in lines["jeecms"]
    assert ": incomplete" in lines["siteserver"] and "in a row could not be read" in lines["siteserver"]
    siteserver_listings = [e for e in rp.access_log(site="siteserver") if e["path"].startswith("/channels/")]
    assert len(siteserver_listings) <= 3 + 3  # the real pages, then three failures end the walk
    # Page URLs built for another host: not fetched; the column is short of its stated pages.
    for site in ("phpcms", "dede"):
        assert ": incomplete" in lines[site] and "walked 1 of 3 listing pages (共3页)" in lines[site]
    # A list API answering HTML / broken JSON: one clear line, the site not ok.
    assert "answered HTML" in lines["phpcmsapi"] and ": ok" not in lines["phpcmsapi"]
    assert "broken JSON" in lines["jeecmsapi"] and ": ok" not in lines["jeecmsapi"]
    assert ": ok" in lines["empire"]  # the crawl went on: a healthy site beside them is whole

    stored = Counter(r["url"] for r in export_jsonl(db, cwd=tmp_path))
    for site in ("jeecms", "empire", "siteserver"):
        assert set(speech_gold(rp, site=site)) <= set(stored)
    assert max(stored.values()) == 1
    con = sqlite3.connect(db_path)
    hosts = {urlsplit(rp.sites[s]["base"]).netloc for s in sites}
    assert {urlsplit(u).netloc for (u,) in con.execute("SELECT url FROM fetches")} <= hosts
    twice = con.execute("SELECT url FROM fetches WHERE kind = 'article' GROUP BY url HAVING count(*) > 1").fetchall()
    assert twice == []
    jeecms_listings = [e for e in rp.access_log(site="jeecms") if "/ldjh/index" in e["path"]]
    assert len(jeecms_listings) <= 2 + 3  # two real pages, then three repeats end the walk


def _line(stdout: str, rp, site: str) -> str:
    port = rp.sites[site]["base"].rsplit(":", 1)[1]
    return next(x for x in stdout.splitlines() if x.startswith(f"site_127_0_0_1_{port}:"))
