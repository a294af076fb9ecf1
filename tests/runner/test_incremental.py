"""Issue #6: nightly crawls are incremental, find edits and takedowns, and cost little when
nothing changed. Everything runs against the replica over real HTTP; counts come from the
replica's access log, expectations from its gold answers."""

from __future__ import annotations

from collections import Counter

import pytest

from archiver.replica.sites import MODELLED_SITES
from tests.clirun import crawl, export_jsonl, last_run_stats, modelled_listings, site_counts, speech_gold


def listings(replica) -> list[str]:
    return modelled_listings(replica)  # the six modelled families (issue #14: see clirun)


@pytest.fixture
def crawled_day1(fresh_replica, tmp_path):
    db = f"sqlite:///{tmp_path}/archive.sqlite3"
    crawl(db, *listings(fresh_replica), cwd=tmp_path)
    return fresh_replica, db, tmp_path


def test_repeat_crawl_with_nothing_new_costs_at_most_two_requests_per_site(fresh_replica, tmp_path):
    # Every served site, the issue #14 platforms included: a column whose page only points at its
    # list API starts there next time, whether the API is asked by GET or by POST (gap14).
    db = f"sqlite:///{tmp_path}/archive.sqlite3"
    every = [site["listing"] for site in fresh_replica.sites.values()]
    crawl(db, *every, cwd=tmp_path)
    fresh_replica.clear_log()
    proc = crawl(db, *every, cwd=tmp_path)
    per_site = Counter(entry["site"] for entry in fresh_replica.access_log())
    assert set(per_site) == set(fresh_replica.sites) and len(per_site) > len(MODELLED_SITES)
    assert max(per_site.values()) <= 2, per_site  # robots.txt + the first listing (or list API) page
    stats = last_run_stats(db)
    assert proc.returncode == 0 and len(site_counts(stats, "requests")) == len(every)  # every site ok, counted
    assert sum(site_counts(stats, "new").values()) == 0


def test_day_two_new_articles_found_and_revisit_all_finds_edit_and_takedown(crawled_day1):
    replica, db, tmp_path = crawled_day1
    before = {r["url"]: r for r in export_jsonl(db, cwd=tmp_path)}
    day1 = speech_gold(replica, day=1)
    assert set(day1) <= set(before)

    replica.set_day(2)
    day2 = list(speech_gold(replica, day=2, status=None).values())
    new_urls = {g["url"] for g in day2 if g["url"] not in day1 and g["status"] == "live"}
    assert new_urls, "the replica adds articles on day 2"
    replica.clear_log()
    crawl(db, *listings(replica), cwd=tmp_path)
    after_due = {r["url"]: r for r in export_jsonl(db, cwd=tmp_path)}
    assert new_urls <= set(after_due)
    # The incremental walk stopped early: far fewer listing requests than a full walk.
    fetched = {e["path"] for e in replica.access_log()}
    assert len(fetched) < len(day1) // 2

    crawl(db, *listings(replica), cwd=tmp_path, extra=("--revisit", "all"))
    final = {r["url"]: r for r in export_jsonl(db, cwd=tmp_path)}
    edited = [g for g in day2 if g.get("edited_on_day") == 2]
    removed = [g for g in day2 if g["status"] == "removed"]
    assert edited and removed
    for g in edited:
        assert final[g["url"]]["version"] == 2 and final[g["url"]]["versions"] == 2
        assert final[g["url"]]["body"] == g["body"]
    for g in removed:
        assert final[g["url"]]["status"] == "removed"
    # Sidebars and counters changed on every page, yet nothing else got a new version.
    changed = {u for u, r in final.items() if r["versions"] > 1}
    assert changed == {g["url"] for g in edited}

    history = [r for r in export_jsonl(db, "--all-versions", cwd=tmp_path) if r["url"] == edited[0]["url"]]
    assert [r["version"] for r in sorted(history, key=lambda r: r["version"])] == [1, 2]


def test_revisits_use_conditional_requests_and_304_costs_no_version(crawled_day1):
    replica, db, tmp_path = crawled_day1
    replica.clear_log()
    proc = crawl(db, *listings(replica), cwd=tmp_path, extra=("--revisit", "all"))
    log = replica.access_log()
    conditional = [e for e in log if e.get("if_none_match") or e.get("if_modified_since")]
    assert conditional, "known articles are revisited with If-None-Match / If-Modified-Since"
    assert all(e["status"] == 304 for e in conditional)
    stats = last_run_stats(db)
    assert sum(site_counts(stats, "not_modified").values()) == len(conditional)  # every 304 counted
    assert sum(site_counts(stats, "updated").values()) == 0
    assert all(r["versions"] == 1 for r in export_jsonl(db, cwd=tmp_path))


LISTING_PATHS = {"trs": "/ldjh/index", "legacy": "/news_list.php", "datepath": "/cqzx_content/node_",
                 "detail": "/content/column/"}


def test_a_listing_pages_articles_are_fetched_before_the_next_listing_page(crawled_day1):
    """Memory stays flat on long columns: the crawl does not queue a whole column's articles by
    walking every listing page first (issue #6, peak RSS)."""
    replica, _, _ = crawled_day1
    gold = speech_gold(replica)
    for site, prefix in LISTING_PATHS.items():
        log = [e for e in replica.access_log(site) if e["path"] != "/robots.txt"]
        listings = [i for i, e in enumerate(log) if e["path"].startswith(prefix)]
        articles = [i for i, e in enumerate(log) if replica.sites[site]["base"] + e["path"] in gold]
        assert len(listings) >= 3 and len(articles) >= 20, (site, len(listings), len(articles))
        # Before each listing page after the first, most articles listed so far were fetched:
        # at most one listing page's worth (plus its continuation pages) is still waiting.
        before_last = sum(1 for i in articles if i < listings[-1])
        assert before_last >= len(articles) * 0.6, (site, before_last, len(articles))
