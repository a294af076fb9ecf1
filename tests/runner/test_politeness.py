"""Issue #21: one request at a time per host, always — at --delay 0 too (Scrapy's downloader
handed a host two or three queued requests at once when no delay was set)."""

from __future__ import annotations

from tests.clirun import crawl

SLOW = 0.3  # seconds every answer of the site takes


def test_one_request_at_a_time_per_host_at_delay_0(fresh_replica, tmp_path):
    fresh_replica.fault("trs", None, "slow", delay=SLOW)
    proc = crawl(f"sqlite:///{tmp_path}/a.sqlite3", fresh_replica.sites["trs"]["listing"], cwd=tmp_path)
    assert ": ok," in proc.stdout, proc.stdout
    log = sorted(fresh_replica.access_log(site="trs"), key=lambda e: e["t"])
    assert len(log) > 10
    # A request may start only once the one before it was answered (>= SLOW later).
    overlapping = [(round(b["t"] - a["t"], 3), a["path"], b["path"]) for a, b in zip(log, log[1:])
                   if b["t"] - a["t"] < SLOW - 0.02]
    assert overlapping == [], overlapping
