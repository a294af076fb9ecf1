"""Issues #15 and #21: what can go wrong around the writer now that it is a thread of the crawl.

- The crawl process SIGKILLed right after a batch's COMMIT (before the spider heard of it):
  nothing committed is lost or half-written, and the next (clean) run stores every listed
  article exactly once, the committed ones found unchanged. (The kill loop, test_kill.py, does
  the same at random moments; this is the worst one, every time.)
- The writer thread raising on a batch (a bug; ``write_batch`` describes the failures it
  expects): the batch's articles are storage errors, the site says `errors`, the exit code is 1,
  the column stays incomplete and the next run stores everything.
- The one child process left (attachment text, files.py) SIGSTOPped, then SIGTERM: the crawl
  still stops in bounded time and releases the lock.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from storage.db import upgrade
from tests.clirun import ROOT, speech_gold
from tests.reliability.helpers import (
    count_while_crawling, crawl_args, integrity, kill_leftovers, outcome, start_cli, start_slow_crawl, wait_until,
)
from tests.reliability.test_lanes import lane_children
from tests.reliability.test_loss import assert_clean_rerun_stores_everything, query, site_line

FAULTS = ROOT / "tests" / "fixtures" / "writer_faults"


def fresh(rp, tmp_path: Path) -> tuple[Path, str]:
    rp.reset()
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    upgrade(db)
    return db_path, db


def crawl_with_fault(db: str, rp, tmp_path: Path, fault: str):  # type: ignore[no-untyped-def]
    """A crawl of the TRS column with one of the writer faults (fixtures/writer_faults); small
    batches, so that the third is written mid-crawl with articles in it."""
    marker = tmp_path / "fault.txt"
    proc = start_cli(*crawl_args(db, rp.sites["trs"]["listing"], extra=("--set", "ARCHIVER_STORAGE_BATCH=2")),
                     cwd=tmp_path, env={fault: str(marker), "PYTHONPATH": f"{ROOT}{os.pathsep}{FAULTS}"})
    code, out, err = outcome(proc, tmp_path, timeout=180)
    assert marker.exists(), "the fault never fired: " + err[-2000:]
    return code, out, err


def crawl_killed_after_commit(rp, db: str, tmp_path: Path) -> None:
    code, out, err = crawl_with_fault(db, rp, tmp_path, "ARCHIVER_TEST_DIE_AFTER_COMMIT")
    assert code == -signal.SIGKILL, (code, out + err[-3000:])
    # What the third batch committed is there, whole: each article with its version and fetches.
    stored = query(db, "SELECT count(*) FROM articles")[0][0]
    assert stored >= 1, "no article was committed before the kill"
    assert query(db, "SELECT a.url FROM articles a LEFT JOIN snapshots s ON s.article_id = a.id "
                     "WHERE s.id IS NULL") == []


@pytest.mark.timeout(240)
def test_a_crawl_killed_right_after_a_commit_loses_nothing_and_the_next_run_completes(module_replica, tmp_path):
    rp = module_replica
    db_path, db = fresh(rp, tmp_path)
    crawl_killed_after_commit(rp, db, tmp_path)
    assert integrity(db_path) == "ok"
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)
    # Stored once each: one version per article, whichever run stored it.
    assert query(db, "SELECT count(*) FROM snapshots") == [(len(speech_gold(rp, site="trs")),)]


@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_a_crawl_killed_right_after_a_commit_loses_nothing_on_postgresql(module_replica, pg_url, tmp_path):
    rp = module_replica
    rp.reset()
    upgrade(pg_url)
    crawl_killed_after_commit(rp, pg_url, tmp_path)
    assert_clean_rerun_stores_everything(rp, pg_url, tmp_path)
    assert query(pg_url, "SELECT count(*) FROM snapshots") == [(len(speech_gold(rp, site="trs")),)]


@pytest.mark.timeout(240)
def test_a_writer_thread_that_raises_makes_storage_errors_never_ok(module_replica, tmp_path):
    rp = module_replica
    db_path, db = fresh(rp, tmp_path)
    code, out, err = crawl_with_fault(db, rp, tmp_path, "ARCHIVER_TEST_WRITER_RAISES")
    assert code == 1, out + err[-3000:]
    line = site_line(out)
    assert ": ok, " not in line and "errors" in line, line
    log = (tmp_path / "logs" / "crawl.log").read_text()
    assert "writer fault injected by the test" in log, log[-3000:]
    # The run went on past the failed batch: more articles were stored after it.
    assert query(db, "SELECT count(*) FROM articles")[0][0] >= len(speech_gold(rp, site="trs")) - 2
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)


def files_child(pid: int) -> int | None:
    for child in lane_children(pid):
        if Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")[-2:-1] == [b"files"]:
            return child
    return None


@pytest.mark.timeout(240)
def test_sigterm_with_a_stopped_child_stops_the_crawl_and_releases_the_lock(module_replica, tmp_path):
    rp = module_replica
    # The call deadline is the default (300 s); once stopping, a child gets 8 s to exit at most.
    db_path, _db, proc = start_slow_crawl(rp, tmp_path, "ARCHIVER_FILES=1", "ARCHIVER_CHILD_STOP_TIMEOUT=8", delay=0.2)
    stopped = []
    try:
        assert wait_until(proc, lambda: files_child(proc.pid) and count_while_crawling(db_path, "snapshots") >= 2)
        stopped.append(files_child(proc.pid))
        os.kill(stopped[0], signal.SIGSTOP)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        code, out, err = outcome(proc, tmp_path, timeout=120)  # the old code waited for ever
    finally:
        kill_leftovers(proc, stopped)
    assert code == 1, out + err[-3000:]
    assert ": interrupted, " in site_line(out), out
    # The lock is free: the next (clean) run starts and stores everything.
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)
