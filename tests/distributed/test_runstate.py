"""Run configuration, the known-articles snapshot and summed reports, in the real Redis."""

from __future__ import annotations

import pytest

from archiver.distributed.runstate import (
    ReportLedger, RunConfig, current_run, load_known, merged_reports, merged_stats, publish_run,
    wait_for_run,
)
from archiver.report import SiteReport, from_stats
from archiver.spiders.column import CrawlTarget, KnownArticle

pytestmark = pytest.mark.redis

TARGETS = [
    CrawlTarget("hubei_jingzhou", "http://a.example/ldjh/", "trs", {"title_xpath": "//h1"}, full_walk=False),
    CrawlTarget("zhejiang_jinhua", "http://b.example/col/", None, {}, start_url="http://b.example/api"),
]


def test_a_published_run_is_found_with_everything_a_worker_needs(server, keys):
    config = RunConfig(run_id=7, token=keys.token, targets=TARGETS, revisit="all", delay=0.5,
                       idle_exit=4, settings={"ARCHIVER_REDIS_LEASE": "3"}, started_at="2026-11-27T18:00:00+00:00")
    known = {"http://a.example/1.html": KnownArticle("http://a.example/1.html", "live", etag='"x"', due=True),
             "http://a.example/2.html": KnownArticle("http://a.example/2.html", "removed")}
    publish_run(server, keys, config, known)
    found_keys, found = current_run(server, keys.prefix)
    assert found_keys == keys
    assert found == config  # targets, overrides, full_walk and start_url survive
    assert load_known(server, keys) == known
    assert wait_for_run(server, keys.prefix, wait=0)[1].run_id == 7
    server.set(keys.state, "finished")
    assert wait_for_run(server, keys.prefix, wait=0) is None


def _site(name: str) -> str:
    return f"archiver/site/hubei_jingzhou/{name}"


def test_reports_of_two_workers_add_up_and_repeated_flushes_count_once(server, keys):
    # Each worker's report as its spider makes it: its walk with the counts of its own stats.
    walk_a, walk_b = (SiteReport("hubei_jingzhou", "http://a.example/ldjh/") for _ in range(2))
    ledger_a, ledger_b = ReportLedger(server, keys), ReportLedger(server, keys)
    stats_a = {"downloader/request_count": 5, "elapsed_time_seconds": 1.5, "finish_reason": "x",
               _site("requests"): 5, _site("new"): 3, _site("listed"): 8,
               _site("messages"): ["listing page 3 answered HTTP 503"]}
    ledger_a.flush([from_stats(walk_a, stats_a)], stats_a)
    stats_a.update({"downloader/request_count": 9, "elapsed_time_seconds": 2.0,
                    _site("requests"): 9, _site("new"): 4})  # more work since the last flush
    walk_a.complete_columns.append("http://a.example/ldjh/")
    walk_a.entry_points["http://a.example/ldjh/"] = "http://a.example/api"
    ledger_a.flush([from_stats(walk_a, stats_a)], stats_a)
    ledger_a.flush([from_stats(walk_a, stats_a)], stats_a)  # nothing new
    stats_b = {"downloader/request_count": 2, _site("requests"): 2, _site("updated"): 1, _site("challenged"): 1}
    ledger_b.flush([from_stats(walk_b, stats_b)], stats_b)
    stats = merged_stats(server, keys)
    [merged] = merged_reports(server, keys, TARGETS[:1], stats)
    assert (merged.requests, merged.new, merged.updated, merged.listed) == (11, 4, 1, 8)
    assert merged.challenged is True
    assert merged.complete_columns == ["http://a.example/ldjh/"]
    assert merged.entry_points == {"http://a.example/ldjh/": "http://a.example/api"}
    assert merged.messages == ["listing page 3 answered HTTP 503"]
    # The counts are kept once, in the stats: the site's own hash holds only what no stat says.
    assert not set(server.hkeys(keys.report("hubei_jingzhou"))) & {b"requests", b"new", b"challenged"}
    assert stats["downloader/request_count"] == 11
    assert stats["elapsed_time_seconds"] == pytest.approx(2.0)
    assert "finish_reason" not in stats


def test_a_sites_notes_reach_the_run_as_one_process_orders_them(server, keys):
    # Issue #18: a site's notes are kept in the stats (report.note) and by its walk (a file the
    # site no longer has); the run's report lists them as report.from_stats does in one process,
    # whichever came first and however many flushes there were.
    walk = SiteReport("hubei_jingzhou", "http://a.example/ldjh/")
    ledger = ReportLedger(server, keys)
    stats: dict = {_site("requests"): 1}
    walk.note("attachment http://a.example/1.pdf: gone: HTTP 404")
    ledger.flush([from_stats(walk, stats)], stats)
    stats[_site("messages")] = ["listing page 3 answered HTTP 503"]  # after the first flush
    ledger.flush([from_stats(walk, stats)], stats)
    ledger.flush([from_stats(walk, stats)], stats)  # nothing new
    other = ReportLedger(server, keys)
    other_stats = {_site("messages"): ["http://a.example/2.html: soft 404"]}
    other.flush([from_stats(SiteReport("hubei_jingzhou", "http://a.example/ldjh/"), other_stats)], other_stats)
    merged_run = merged_stats(server, keys)
    [merged] = merged_reports(server, keys, TARGETS[:1], merged_run)
    assert merged.messages == ["listing page 3 answered HTTP 503", "http://a.example/2.html: soft 404",
                               "attachment http://a.example/1.pdf: gone: HTTP 404"]
    assert merged_run[_site("messages")] == merged.messages[:2]  # in the run's stats, as in one process
