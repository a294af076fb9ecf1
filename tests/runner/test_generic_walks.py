"""Issue #14, must reach: with every family module off (`ARCHIVER_FAMILIES=generic`), a crawl of
every replica platform's speech column over real HTTP stores all its articles, nothing of other
columns, fetches nothing off site, and is ok; each pager/API form is one of these platforms
(archiver/replica: jeecms onclick + goPage(), dede page-URL select, empire 0-based GET form,
phpcms laypage + turnPage(), wp POST load-more API, jeecmsapi JSONP offset API, phpcmsapi fetch API)."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

import pytest

from archiver.replica.sites import MODELLED_SITES, NEW_SITES
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
