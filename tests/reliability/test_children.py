"""Issue #15: the storage child process dies after COMMIT, stops (SIGSTOP) or hangs.

- Killed between COMMIT and its answer: the batch is sent again to its replacement, which
  recognises it (its key was recorded in the same transaction): no fetch row or version stored
  twice, and the run's counts are exact.
- Stopped: the lane's watchdog (``ARCHIVER_CHILD_CALL_TIMEOUT``, short here) kills and replaces
  it and the crawl completes; with SIGTERM on top, the crawl still stops in bounded time and
  releases the lock.
Each ends with a clean incremental run that stores every listed article exactly once.
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
    count_while_crawling, crawl_args, outcome, start_cli, start_slow_crawl, wait_until,
)
from tests.reliability.test_lanes import lane_children
from tests.reliability.test_loss import assert_clean_rerun_stores_everything, query, site_line

FAULTS = ROOT / "tests" / "fixtures" / "die_after_commit"


def storage_child(pid: int) -> int | None:
    for child in lane_children(pid):
        if Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")[-2:-1] == [b"storage"]:
            return child
    return None


def fresh(rp, tmp_path: Path) -> tuple[Path, str]:
    rp.reset()
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    upgrade(db)
    return db_path, db


def crawl_dying_after_commit(rp, db: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    marker = tmp_path / "died.txt"
    # Small batches, so that the third is written mid-crawl with articles in it.
    proc = start_cli(*crawl_args(db, rp.sites["trs"]["listing"], extra=("--set", "ARCHIVER_STORAGE_BATCH=2")),
                     cwd=tmp_path, env={"ARCHIVER_TEST_DIE_AFTER_COMMIT": str(marker),
                                        "PYTHONPATH": f"{ROOT}{os.pathsep}{FAULTS}"})
    proc.wait(timeout=180)
    out, err = (tmp_path / "stdout.txt").read_text(), (tmp_path / "stderr.txt").read_text()
    assert marker.exists(), "the fault never fired: " + err[-2000:]
    log = next(tmp_path.glob("**/crawl.log")).read_text()
    assert "storage process died" in log, log[-2000:]
    assert proc.returncode == 0, out + err[-3000:]
    gold = speech_gold(rp, site="trs")
    assert f": ok, {len(gold)} new, " in site_line(out), out  # counted once each, exactly
    assert query(db, "SELECT url, count(*) FROM fetches GROUP BY url, run_id HAVING count(*) > 1") == []
    assert query(db, "SELECT count(*) FROM snapshots") == [(len(gold),)]
    assert query(db, "SELECT count(*) FROM stored_batches") == [(0,)]  # cleared at the run's end


@pytest.mark.timeout(240)
def test_a_batch_resent_after_its_writer_died_past_commit_is_stored_once(module_replica, tmp_path):
    rp = module_replica
    db_path, db = fresh(rp, tmp_path)
    crawl_dying_after_commit(rp, db, tmp_path)
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)


@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_a_batch_resent_after_its_writer_died_past_commit_is_stored_once_on_postgresql(
        module_replica, pg_url, tmp_path):
    rp = module_replica
    rp.reset()
    upgrade(pg_url)
    crawl_dying_after_commit(rp, pg_url, tmp_path)
    assert_clean_rerun_stores_everything(rp, pg_url, tmp_path)


def crawl_with_a_stopped_writer(rp, tmp_path: Path, *settings: str, then=None):  # type: ignore[no-untyped-def]
    """A crawl whose writer is SIGSTOPped once two articles are stored (``then(proc)`` right
    after); the writer and the crawl are cleaned up whatever happens. Exit code, stdout."""
    db_path, _db, proc = start_slow_crawl(rp, tmp_path, *settings, delay=0.2)
    stopped = []
    try:
        assert wait_until(proc, lambda: storage_child(proc.pid) and count_while_crawling(db_path, "snapshots") >= 2)
        stopped.append(storage_child(proc.pid))
        os.kill(stopped[0], signal.SIGSTOP)
        if then is not None:
            then(proc)
        code, out, err = outcome(proc, tmp_path, timeout=120)  # the old code waited for ever
    finally:
        for pid in stopped:
            if Path(f"/proc/{pid}").exists():
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
    return db_path, code, out + err[-3000:]


@pytest.mark.timeout(240)
def test_a_stopped_writer_is_replaced_and_the_crawl_completes(module_replica, tmp_path):
    rp = module_replica
    db_path, code, out = crawl_with_a_stopped_writer(rp, tmp_path, "ARCHIVER_CHILD_CALL_TIMEOUT=10")
    log = (tmp_path / "logs" / "crawl.log").read_text()
    assert "has not answered in" in log and "killing it" in log, log[-3000:]
    assert code == 0, out
    assert f": ok, {len(speech_gold(rp, site='trs'))} new, " in site_line(out), out
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)


@pytest.mark.timeout(240)
def test_sigterm_with_a_stopped_writer_stops_the_crawl_and_releases_the_lock(module_replica, tmp_path):
    def terminate(proc):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)

    rp = module_replica
    # The call deadline is the default (300 s); once stopping, a child gets 8 s without an
    # answer at most, and as long to exit.
    db_path, code, out = crawl_with_a_stopped_writer(rp, tmp_path, "ARCHIVER_CHILD_STOP_TIMEOUT=8", then=terminate)
    assert code == 1, out
    assert ": interrupted, " in site_line(out), out
    # The lock is free: the next (clean) run starts and stores everything.
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)
