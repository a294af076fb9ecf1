"""Issue #15: faults that used to lose listed articles for good. Each test applies the fault to
a real crawl over HTTP, checks the run says what it did not do (never `ok`, exit 1), then runs a
clean *incremental* crawl and checks that every listed article is stored exactly once,
``verify`` is clean and ``PRAGMA integrity_check`` is ok.
"""

from __future__ import annotations

import json
import resource
import signal
import sqlite3
import time

import pytest

from tests.clirun import export_jsonl, run_cli, speech_gold
from tests.reliability.helpers import (
    count_while_crawling, crawl_args, integrity, last_run_stats, outcome, rows, run_measured,
    start_slow_crawl, wait_until,
)


def assert_clean_rerun_stores_everything(rp, db_path, tmp_path) -> None:
    """A clean incremental run (no --revisit all): every listed article once, verify clean.
    ``db_path``: a SQLite file, or a PostgreSQL URL."""
    rp.clear_faults()
    db = db_path if isinstance(db_path, str) else f"sqlite:///{db_path}"
    run = run_measured(*crawl_args(db, rp.sites["trs"]["listing"]), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert ": ok, " in site_line(run.stdout), run.stdout
    if not isinstance(db_path, str):
        assert integrity(db_path) == "ok"
    urls = [r["url"] for r in export_jsonl(db, cwd=tmp_path)]
    assert len(urls) == len(set(urls)), urls
    assert set(urls) == set(speech_gold(rp, site="trs")), set(speech_gold(rp, site="trs")) ^ set(urls)
    assert query(db, "SELECT url, count(*) FROM articles GROUP BY url HAVING count(*) > 1") == []
    verify = run_cli("verify", "--db", db, cwd=tmp_path)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def query(db: str, sql: str) -> list[tuple]:
    """Rows of ``sql`` on any archive (SQLite or PostgreSQL)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def site_line(stdout: str) -> str:
    """The summary line of the one site crawled (a listing URL's site is named after its host)."""
    return next(l for l in stdout.splitlines() if l.startswith("site_"))


def listing_pages_requested(rp) -> set[str]:
    return {e["path"] for e in rp.access_log(site="trs") if e["path"].startswith("/ldjh/index")}


@pytest.mark.timeout(240)
def test_sigterm_with_the_last_pages_articles_queued_leaves_the_column_incomplete(module_replica, tmp_path):
    rp = module_replica
    db_path, _db, proc = start_slow_crawl(rp, tmp_path, delay=0.5)
    # The walk has reached the column's last listing page: its articles are being queued.
    if wait_until(proc, lambda: len(listing_pages_requested(rp)) >= 3):
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
    code, out, err = outcome(proc, tmp_path)
    assert code == 1, out + err[-3000:]
    assert ": interrupted, " in site_line(out), out
    stored = rows(db_path, "SELECT count(*) FROM articles")[0][0]
    assert stored < len(speech_gold(rp, site="trs")), stored  # the fault did cut the run short
    (run_outcome, summary), = rows(db_path, "SELECT outcome, sites_summary FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert run_outcome == "interrupted"
    assert json.loads(summary)[site_line(out).split(":")[0]]["complete_columns"] == [], summary
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)


@pytest.mark.timeout(240)
def test_a_database_locked_by_another_process_fails_items_the_next_run_stores(module_replica, tmp_path):
    rp = module_replica
    # Another program holds SQLite's write lock for a while mid-crawl; the writer waits 0.5 s
    # (a short busy timeout, standing in for the real 30 s against a 100 s hold).
    db_path, _db, proc = start_slow_crawl(rp, tmp_path, "ARCHIVER_SQLITE_BUSY_TIMEOUT=0.5")
    wait_until(proc, lambda: count_while_crawling(db_path, "snapshots") >= 2)
    holder = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    time.sleep(3)
    holder.execute("ROLLBACK")
    holder.close()
    code, out, err = outcome(proc, tmp_path)
    assert code == 1, out + err[-3000:]
    line = site_line(out)
    assert ": incomplete, " in line, out
    stats = last_run_stats(db_path)
    failed = stats.get("archiver/storage/errors", 0)
    assert failed > 0 and f"{failed} items not stored" in line, (stats, line)
    # The raw pages of the articles that failed are kept, to be re-extracted.
    unstored = rows(db_path, "SELECT count(*) FROM fetches WHERE kind = 'article-unstored'")[0][0]
    assert unstored > 0
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)


@pytest.mark.timeout(240)
def test_a_disk_full_after_the_last_listing_page_leaves_the_column_incomplete(module_replica, tmp_path):
    rp = module_replica
    db_path, _db, proc = start_slow_crawl(rp, tmp_path)
    if wait_until(proc, lambda: len(listing_pages_requested(rp)) >= 3):
        # The disk fills up now, for the crawl (its writer thread, and its log: that is
        # reported once): every file it grows past 4 kB fails with EFBIG, as with ENOSPC
        # (Python ignores SIGXFSZ). Its stdout is still under 4 kB: the summary gets out.
        resource.prlimit(proc.pid, resource.RLIMIT_FSIZE, (4096, 4096))
    code, out, err = outcome(proc, tmp_path)
    assert code == 1, out + err[-3000:]
    assert "disk full" in site_line(out) and ": incomplete, " in site_line(out), out
    assert integrity(db_path) == "ok"
    stored = rows(db_path, "SELECT count(*) FROM articles")[0][0]
    assert stored < len(speech_gold(rp, site="trs")), stored
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)
