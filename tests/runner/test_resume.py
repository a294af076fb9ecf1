"""Issue #6: a crawl killed at any moment is completed by the next one without refetching what
was stored; SIGTERM stops cleanly; a second crawl on the same archive refuses to start."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.clirun import ROOT, crawl, export_jsonl, run_cli, speech_gold


def start_crawl(db: str, url: str, cwd: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", "crawl", "--db", db, "--no-progress", *extra, url],
        cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def stored_articles(db_path: Path) -> set[str]:
    if not db_path.exists():
        return set()
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            return {row[0] for row in con.execute("SELECT url FROM articles")}
        finally:
            con.close()
    except sqlite3.OperationalError:  # schema not created yet
        return set()


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_sigkill_mid_crawl_then_rerun_completes_without_refetching(fresh_replica, tmp_path):
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    listing = fresh_replica.sites["trs"]["listing"]
    proc = start_crawl(db, listing, tmp_path, "--delay", "0.15")
    wait_for(lambda: len(stored_articles(db_path)) >= 5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before_kill = stored_articles(db_path)
    assert 5 <= len(before_kill)

    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()

    fresh_replica.clear_log()
    rerun = crawl(db, listing, cwd=tmp_path, check=False)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr[-2000:]
    assert "stale lock" in rerun.stderr or "stale lock" in (tmp_path / "logs" / "crawl.log").read_text()

    gold = set(speech_gold(fresh_replica, site="trs"))
    records = export_jsonl(db, cwd=tmp_path)
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls)), "no duplicates"
    assert gold <= set(urls)
    assert all(r["versions"] == 1 for r in records)
    base = fresh_replica.sites["trs"]["base"]
    refetched = {base + e["path"] for e in fresh_replica.access_log()} & before_kill
    assert not refetched, f"stored before the kill, fetched again: {sorted(refetched)[:3]}"


def test_sigterm_stops_cleanly_and_keeps_what_was_fetched(fresh_replica, tmp_path):
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    proc = start_crawl(db, fresh_replica.sites["trs"]["listing"], tmp_path, "--delay", "0.3")
    wait_for(lambda: len(stored_articles(db_path)) >= 2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err[-2000:]
    assert "(interrupted)" in out
    assert "Traceback" not in err
    runs = run_cli("runs", "--db", db, cwd=tmp_path, check=True).stdout
    assert "interrupted" in runs
    assert len(stored_articles(db_path)) >= 2


def test_second_crawl_on_the_same_archive_refuses_and_names_the_holder(fresh_replica, tmp_path):
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    first = start_crawl(db, fresh_replica.sites["trs"]["listing"], tmp_path, "--delay", "0.3")
    try:
        wait_for(lambda: len(stored_articles(db_path)) >= 1)
        second = crawl(db, fresh_replica.sites["trs"]["listing"], cwd=tmp_path, check=False)
        assert second.returncode == 2
        assert f"pid {first.pid}" in second.stderr and "another crawl is running" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)
