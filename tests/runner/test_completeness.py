"""Issue #14: a column that states its size (`共4页`) is compared with what the crawl walked; a
shortfall makes the site `incomplete` with the numbers (exit 1, summary, `runs`, stats), never ok."""

from __future__ import annotations

import json
import sqlite3

from tests.clirun import crawl, export_jsonl, run_cli, speech_gold


def last_run(db_path) -> tuple[str, dict, dict]:
    con = sqlite3.connect(db_path)
    outcome, stats, summary = con.execute(
        "SELECT outcome, stats, sites_summary FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return outcome, json.loads(stats), json.loads(summary)


def test_a_column_cut_short_of_its_stated_pages_is_incomplete_with_the_numbers(replica, tmp_path):
    db_path = tmp_path / "a.sqlite3"
    db = f"sqlite:///{db_path}"
    listing = replica.sites["legacy"]["listing"]  # prints 共4页
    proc = crawl(db, listing, cwd=tmp_path, check=False, extra=("-s", "ARCHIVER_MAX_LISTING_PAGES=1"))
    assert proc.returncode == 1
    line = next(x for x in proc.stdout.splitlines() if x.startswith("site_"))
    assert ": incomplete" in line and "walked 1 of 4 listing pages (共4页)" in line
    outcome, stats, summary = last_run(db_path)
    assert outcome == "failed"
    assert stats["archiver/column/stated_pages"] == 4 and stats["archiver/column/walked_pages"] == 1
    assert stats["archiver/column/short"] == 1
    (site,) = summary.values()
    assert site["outcome"] == "incomplete" and site["stated_pages"] == 4
    assert listing not in site["complete_columns"]  # the next run walks it all again
    runs = run_cli("runs", "--db", db, cwd=tmp_path, check=True).stdout
    assert "archiver/column/stated_pages: 4" in runs

    # Walked in full: every page stated, every gold article stored, ok.
    proc = crawl(db, listing, cwd=tmp_path)
    assert ": ok" in proc.stdout
    outcome, stats, summary = last_run(db_path)
    assert stats["archiver/column/walked_pages"] >= 4 and "archiver/column/short" not in stats
    assert set(speech_gold(replica, site="legacy")) <= {r["url"] for r in export_jsonl(db, cwd=tmp_path)}


def test_an_incremental_stop_is_not_a_shortfall(replica, tmp_path):
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    listing = replica.sites["legacy"]["listing"]
    crawl(db, listing, cwd=tmp_path)
    proc = crawl(db, listing, cwd=tmp_path)  # page 1 holds nothing new: the walk stops there
    line = next(x for x in proc.stdout.splitlines() if x.startswith("site_"))
    assert ": ok" in line and proc.returncode == 0


def test_a_failed_listing_page_is_a_shortfall_and_the_walk_goes_on(fresh_replica, tmp_path):
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    fresh_replica.fault("legacy", "/news_list.php?id=12&page=2", "status", status=500)
    proc = crawl(db, fresh_replica.sites["legacy"]["listing"], cwd=tmp_path, check=False,
                 extra=("-s", "RETRY_ENABLED=False"))
    paths = [e["path"] for e in fresh_replica.access_log(site="legacy") if "news_list" in e["path"]]
    assert any("page=3" in p for p in paths), paths  # past the failed page
    line = next(x for x in proc.stdout.splitlines() if x.startswith("site_"))
    assert proc.returncode == 1 and ": incomplete" in line and "could not be read" in line


def test_a_list_api_column_stays_walkable_run_after_run(fresh_replica, tmp_path):
    # Run 1 learns that the column page only points at its list API; run 2 (nothing new) starts
    # there; run 3, after new articles, must still find them (it once stopped at the empty shell).
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    sites = ("jeecmsapi", "siteserverjs")
    listings = [fresh_replica.sites[s]["listing"] for s in sites]
    for day in (1, 1, 2):
        fresh_replica.set_day(day)
        proc = crawl(db, *listings, cwd=tmp_path, check=False, extra=("-s", "ARCHIVER_FAMILIES=generic"))
        assert proc.returncode == 0, proc.stdout
    stored = {r["url"] for r in export_jsonl(db, cwd=tmp_path)}
    for site in sites:
        assert set(speech_gold(fresh_replica, day=2, site=site)) <= stored
