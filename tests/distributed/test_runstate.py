"""Run configuration, the known-articles snapshot and summed reports, in the real Redis."""

from __future__ import annotations

import pytest

from archiver.distributed.runstate import (
    ReportLedger, RunConfig, current_run, load_known, merged_reports, merged_stats, publish_run,
    wait_for_run,
)
from archiver.report import SiteReport
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


def test_reports_of_two_workers_add_up_and_repeated_flushes_count_once(server, keys):
    a, b = (SiteReport("hubei_jingzhou", "http://a.example/ldjh/") for _ in range(2))
    ledger_a, ledger_b = ReportLedger(server, keys), ReportLedger(server, keys)
    a.requests, a.new, a.listed = 5, 3, 8
    a.note("listing page 3 answered HTTP 503")
    ledger_a.flush([a], {"downloader/request_count": 5, "elapsed_time_seconds": 1.5, "finish_reason": "x"})
    a.requests, a.new = 9, 4  # more work since the last flush
    a.complete_columns.append("http://a.example/ldjh/")
    a.entry_points["http://a.example/ldjh/"] = "http://a.example/api"
    ledger_a.flush([a], {"downloader/request_count": 9, "elapsed_time_seconds": 2.0})
    ledger_a.flush([a], {"downloader/request_count": 9, "elapsed_time_seconds": 2.0})  # nothing new
    b.requests, b.updated, b.challenged = 2, 1, True
    ledger_b.flush([b], {"downloader/request_count": 2})
    [merged] = merged_reports(server, keys, TARGETS[:1])
    assert (merged.requests, merged.new, merged.updated, merged.listed) == (11, 4, 1, 8)
    assert merged.challenged is True
    assert merged.complete_columns == ["http://a.example/ldjh/"]
    assert merged.entry_points == {"http://a.example/ldjh/": "http://a.example/api"}
    assert merged.messages == ["listing page 3 answered HTTP 503"]
    stats = merged_stats(server, keys)
    assert stats["downloader/request_count"] == 11
    assert stats["elapsed_time_seconds"] == pytest.approx(2.0)
    assert "finish_reason" not in stats
