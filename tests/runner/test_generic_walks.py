"""Issue #14, must reach: with every family module off (`ARCHIVER_FAMILIES=generic`), a crawl of
every replica platform's speech column over real HTTP stores all its articles, nothing of other
columns, fetches nothing off site, and is ok; each pager/API form is one of these platforms
(archiver/replica: jeecms onclick + goPage(), dede page-URL select, empire 0-based GET form,
phpcms laypage + turnPage(), wp POST load-more API, jeecmsapi JSONP offset API, phpcmsapi fetch API;
the gap14 variants below: $.post, $.get JSONP, a JSON-body POST, a script page count, /page/N/)."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

import pytest

from archiver.replica.sites import MODELLED_SITES, NEW_SITES, SITES
from tests.clirun import crawl, export_jsonl, speech_gold


@pytest.mark.parametrize("group", [NEW_SITES, MODELLED_SITES], ids=["new-platforms", "six-families"])
def test_generic_only_crawl_walks_every_column_completely(replica, tmp_path, group):
    db_path = tmp_path / "a.sqlite3"
    db = f"sqlite:///{db_path}"
    listings = [replica.sites[slug]["listing"] for slug in group]
    proc = crawl(db, *listings, cwd=tmp_path, check=False, extra=("-s", "ARCHIVER_FAMILIES=generic"))
    lines = [x for x in proc.stdout.splitlines() if x.startswith("site_")]
    assert len(lines) == len(group) and all(": ok" in x for x in lines), proc.stdout
    assert proc.returncode == 0
    stored = {r["url"] for r in export_jsonl(db, cwd=tmp_path)}
    gold = set()
    for slug in group:
        gold |= set(speech_gold(replica, site=slug))
    assert gold <= stored, sorted(gold - stored)[:5]
    assert stored <= gold, sorted(stored - gold)[:5]  # nothing of another column
    hosts = {urlsplit(replica.sites[slug]["base"]).netloc for slug in group}
    fetched = {row[0] for row in sqlite3.connect(db_path).execute("SELECT url FROM fetches")}
    assert {urlsplit(u).netloc for u in fetched} <= hosts  # nothing off site
    # Nothing requested twice: one fetch per (method, URL, form) in a first crawl.
    rows = sqlite3.connect(db_path).execute(
        "SELECT method, url, request_body, count(*) FROM fetches GROUP BY method, url, request_body "
        "HAVING count(*) > 1").fetchall()
    assert rows == []


# The forms of issue #14 items 1-2 that the platforms above left without a crawl over real HTTP,
# each a variant of one of them (archiver/replica/families, docs/REPLICA-PLATFORMS.md): the
# request each must be seen making, and whether its column states a page count, an article total.
VARIANTS = {
    "empireapi": (("POST", "/e/extend/list/index.php"), True, True),  # $.post form, 0-based page, num/line
    "dedeapi": (("GET", "/plus/ajaxlist.php"), True, True),  # $.get(…, "jsonp"), always padded
    "siteserverapi": (("POST", "/api/v1/stl/contents/list"), True, True),  # fetch with a JSON body
    "jeecmsdyn": (("GET", "/ldjh/index.jspx"), True, False),  # var pageCount, toPage(), 第1页/共3页, ?pageNo=
    "wppaged": (("GET", "/category/ldjh/page/3/"), True, False),  # WP-PageNavi, /page/N/, 第 1 页，共 3 页
    "wpfeed": (("GET", "/category/ldjh/feed/"), False, True),  # RSS 2.0 by $.get(…, "xml"), 共 20 篇文章
}


@pytest.mark.parametrize("slug", list(VARIANTS))
def test_each_remaining_form_walks_its_column_once_and_a_cut_walk_is_incomplete(replica, tmp_path, slug):
    (method, path), states_pages, states_items = VARIANTS[slug]
    site = replica.sites[slug]
    gold = set(speech_gold(replica, site=slug))
    per_page = SITES[slug].per_page
    db_path = tmp_path / "a.sqlite3"
    db = f"sqlite:///{db_path}"
    proc = crawl(db, site["listing"], cwd=tmp_path, check=False, extra=("-s", "ARCHIVER_FAMILIES=generic"))
    assert proc.returncode == 0 and ": ok" in proc.stdout, proc.stdout
    urls = [r["url"] for r in export_jsonl(db, cwd=tmp_path)]
    assert sorted(urls) == sorted(gold)  # every live article of the column, each exactly once
    fetched = {row[0] for row in sqlite3.connect(db_path).execute("SELECT url FROM fetches")}
    assert {urlsplit(u).netloc for u in fetched} == {urlsplit(site["base"]).netloc}
    assert (method, path) in {(e["method"], e["path"].split("?")[0]) for e in replica.access_log(site=slug)}

    cut = crawl(f"sqlite:///{tmp_path}/b.sqlite3", site["listing"], cwd=tmp_path, check=False,
                extra=("-s", "ARCHIVER_FAMILIES=generic", "-s", "ARCHIVER_MAX_LISTING_PAGES=1"))
    line = next(x for x in cut.stdout.splitlines() if x.startswith("site_"))
    pages = -(-len(gold) // per_page)
    stated = f"walked 1 of {pages} listing pages (共{pages}页)" if states_pages else "walked 1 listing pages"
    if states_items:
        stated += f", {per_page} of ~{len(gold)} articles"
    assert cut.returncode == 1 and ": incomplete" in line and stated + ": cut at 1 listing pages" in line, line
