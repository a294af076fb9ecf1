"""Issue #15: faults that used to lose listed articles for good. Each test applies the fault to
a real crawl over HTTP, checks the run says what it did not do (never `ok`, exit 1), then runs a
clean *incremental* crawl and checks that every listed article is stored exactly once,
``verify`` is clean and the archive's integrity check is ok (``PRAGMA integrity_check``;
amcheck on PostgreSQL). Where the backend matters, a test runs on SQLite and on a fresh
PostgreSQL database of its own (``archive`` fixture, ``BACKENDS``).
"""

from __future__ import annotations

import json
import resource
import signal
import sqlite3
import time

import pytest

from tests.clirun import export_jsonl, run_cli, speech_gold
from storage.db import upgrade
from tests.reliability.helpers import (
    BACKENDS, count_while_crawling, crawl_args, integrity, is_postgres, last_run_stats, outcome,
    rows, run_measured, start_slow_crawl, wait_until,
)


def assert_clean_rerun_stores_everything(rp, db_path, tmp_path) -> None:
    """A clean incremental run (no --revisit all): every listed article once, verify clean.
    ``db_path``: a SQLite file, or a PostgreSQL URL."""
    rp.clear_faults()
    db = db_path if isinstance(db_path, str) else f"sqlite:///{db_path}"
    run = run_measured(*crawl_args(db, rp.sites["trs"]["listing"]), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert ": ok, " in site_line(run.stdout), run.stdout
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


def summary_of_last_run(archive) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    (run_outcome, summary), = rows(archive, "SELECT outcome, sites_summary FROM crawl_runs ORDER BY id DESC LIMIT 1")
    return run_outcome, (json.loads(summary) if isinstance(summary, str) else summary) or {}


@pytest.mark.parametrize("archive", BACKENDS, indirect=True)
@pytest.mark.timeout(240)
def test_sigterm_with_the_last_pages_articles_queued_leaves_the_column_incomplete(module_replica, tmp_path, archive):
    rp = module_replica
    db_path, _db, proc = start_slow_crawl(rp, tmp_path, delay=0.5, archive=archive)
    # The walk has reached the column's last listing page: its articles are being queued.
    if wait_until(proc, lambda: len(listing_pages_requested(rp)) >= 3):
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
    code, out, err = outcome(proc, tmp_path)
    assert code == 1, out + err[-3000:]
    assert ": interrupted, " in site_line(out), out
    stored = rows(db_path, "SELECT count(*) FROM articles")[0][0]
    assert stored < len(speech_gold(rp, site="trs")), stored  # the fault did cut the run short
    run_outcome, summary = summary_of_last_run(db_path)
    assert run_outcome == "interrupted"
    assert summary[site_line(out).split(":")[0]]["complete_columns"] == [], summary
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)


@pytest.mark.parametrize("archive", BACKENDS, indirect=True)
@pytest.mark.timeout(240)
def test_sigkill_with_the_last_pages_articles_queued_then_a_clean_run_stores_everything(
        module_replica, tmp_path, archive):
    rp = module_replica
    db_path, _db, proc = start_slow_crawl(rp, tmp_path, delay=0.5, archive=archive)
    assert wait_until(proc, lambda: len(listing_pages_requested(rp)) >= 3
                      and count_while_crawling(db_path, "snapshots") >= 1)
    time.sleep(0.3)
    proc.kill()  # no handler, no summary, no lock release: the kernel and the server clean up
    code, _out, _err = outcome(proc, tmp_path)
    assert code == -signal.SIGKILL
    stored = rows(db_path, "SELECT count(*) FROM articles")[0][0]
    assert 1 <= stored < len(speech_gold(rp, site="trs")), stored
    # The killed run recorded no column as walked to its end (it never wrote its summary).
    run_outcome, summary = summary_of_last_run(db_path)
    assert not any(site.get("complete_columns") for site in summary.values()), (run_outcome, summary)
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)


def hold_the_write_lock(archive, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Another program takes the archive's write lock for ``seconds``: SQLite's database lock,
    or on PostgreSQL an EXCLUSIVE lock on the tables a new article goes to (reads still pass)."""
    if is_postgres(archive):
        import psycopg

        with psycopg.connect(archive.replace("postgresql+psycopg://", "postgresql://", 1)) as holder:
            holder.execute("LOCK TABLE articles, snapshots IN EXCLUSIVE MODE")
            time.sleep(seconds)
            holder.rollback()
        return
    holder = sqlite3.connect(archive, timeout=30, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    time.sleep(seconds)
    holder.execute("ROLLBACK")
    holder.close()


@pytest.mark.parametrize("archive", BACKENDS, indirect=True)
@pytest.mark.timeout(240)
def test_a_database_locked_by_another_process_fails_items_the_next_run_stores(module_replica, tmp_path, archive):
    rp = module_replica
    # Another program holds the write lock for a while mid-crawl; the writer waits 0.5 s
    # (a short busy/lock timeout, standing in for the real 30 s against a 100 s hold).
    db_path, _db, proc = start_slow_crawl(rp, tmp_path, "ARCHIVER_SQLITE_BUSY_TIMEOUT=0.5", archive=archive)
    wait_until(proc, lambda: count_while_crawling(db_path, "snapshots") >= 2)
    hold_the_write_lock(db_path, 3)
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


REFUSE = {
    "sqlite": ["CREATE TRIGGER test_refuse BEFORE INSERT ON articles WHEN NEW.url = '{url}' "
               "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"],
    "postgresql": ["CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "IF NEW.url = '{url}' THEN RAISE EXCEPTION 'refused by the test'; END IF; "
                   "RETURN NEW; END $$",
                   "CREATE TRIGGER test_refuse BEFORE INSERT ON articles FOR EACH ROW "
                   "EXECUTE FUNCTION test_refuse()"],
}


def execute(archive, *statements: str) -> None:  # type: ignore[no-untyped-def]
    for statement in statements:
        if is_postgres(archive):
            rows(archive, statement)
        else:
            con = sqlite3.connect(archive, isolation_level=None)
            con.execute(statement)
            con.close()


@pytest.mark.parametrize("archive", BACKENDS, indirect=True)
@pytest.mark.timeout(240)
def test_a_storage_error_mid_batch_fails_one_item_the_next_run_stores(module_replica, tmp_path, archive):
    rp = module_replica
    rp.reset()
    gold = sorted(speech_gold(rp, site="trs"))
    refused = gold[len(gold) // 2]
    db = archive if is_postgres(archive) else f"sqlite:///{archive}"
    upgrade(db)
    # The archive refuses one article (a trigger), as a constraint or a server error would:
    # its batch rolls back, the writer stores the batch's items one by one.
    backend = "postgresql" if is_postgres(archive) else "sqlite"
    execute(archive, *(s.replace("{url}", refused) for s in REFUSE[backend]))
    run = run_measured(*crawl_args(db, rp.sites["trs"]["listing"], extra=("--set", "ARCHIVER_STORAGE_BATCH=5")),
                       cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr[-3000:]
    line = site_line(run.stdout)
    assert ": incomplete, " in line and "1 items not stored" in line, line
    stored = {url for (url,) in rows(archive, "SELECT url FROM articles")}
    assert stored == set(gold) - {refused}, set(gold) ^ stored  # only the refused one is missing
    assert rows(archive, f"SELECT count(*) FROM fetches WHERE kind = 'article-unstored' AND url = '{refused}'") == [(1,)]
    execute(archive, "DROP TRIGGER test_refuse" + (" ON articles" if backend == "postgresql" else ""))
    assert_clean_rerun_stores_everything(rp, archive, tmp_path)


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
