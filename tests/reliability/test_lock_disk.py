"""Issue #9: two cron runs at once, and a disk that fills up in the middle of a crawl.

- Two crawls started at the same moment on one archive (SQLite, and PostgreSQL when the server
  is there): exactly one crawls, the other exits 2 and names the holder.
- A file-size limit (RLIMIT_FSIZE) on the crawl process, so that SQLite's writes fail with
  EFBIG mid-crawl as they would with ENOSPC: a clear "disk full" error, exit 1, and an archive
  that is intact with nothing half-written.
"""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from tests.clirun import last_run_stats, run_cli, site_counts
from tests.reliability.helpers import (
    article_state, cli_env, crawl_args, integrity, rows, run_measured, start_cli,
)


def two_at_once(db: str, listing: str, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    args = crawl_args(db, listing, delay="0.2")
    first = start_cli(*args, cwd=tmp_path, out=tmp_path / "a")
    second = start_cli(*args, cwd=tmp_path, out=tmp_path / "b")
    results = []
    for proc, out in ((first, tmp_path / "a"), (second, tmp_path / "b")):
        proc.wait(timeout=300)
        results.append((proc.pid, proc.returncode, (out / "stdout.txt").read_text(),
                        (out / "stderr.txt").read_text()))
    return results


def assert_one_refused(results, db: str):
    codes = sorted(code for _, code, _, _ in results)
    assert codes == [0, 2], [(code, err[-1500:]) for _, code, _, err in results]
    (winner,) = [r for r in results if r[1] == 0]
    (loser,) = [r for r in results if r[1] == 2]
    assert "another crawl is running" in loser[3] and f"pid {winner[0]}" in loser[3], loser[3]
    assert "Traceback" not in loser[3]
    assert loser[2] == ""  # nothing crawled, no summary: the refusal is the whole output
    assert " ok, " in winner[2], winner[2]
    assert list(site_counts(last_run_stats(db), "new").values()) == [20], winner[2]  # the winner's run


def test_two_cron_runs_at_once_on_an_existing_sqlite_archive(module_replica, tmp_path):
    module_replica.reset()
    db = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    run_cli("db", "upgrade", "--db", db, cwd=tmp_path, check=True)
    assert_one_refused(two_at_once(db, module_replica.sites["trs"]["listing"], tmp_path), db)


@pytest.mark.postgres
def test_two_cron_runs_at_once_on_postgresql(module_replica, pg_url, tmp_path):
    module_replica.reset()
    run_cli("db", "upgrade", "--db", pg_url, cwd=tmp_path, check=True)
    results = two_at_once(pg_url, module_replica.sites["trs"]["listing"], tmp_path)
    codes = sorted(code for _, code, _, _ in results)
    assert codes == [0, 2], [(code, err[-1500:]) for _, code, _, err in results]
    (loser,) = [r for r in results if r[1] == 2]
    # Not asserted: which pid it names. The holder is looked up in pg_locks by key alone, so
    # while another archive on the same server is being crawled it can name that crawl
    # (RELIABILITY.md, "routed").
    assert "another crawl is running" in loser[3] and "Traceback" not in loser[3], loser[3]


DISK_LIMIT = 384 * 1024  # bytes per file: the WAL outgrows it after a handful of articles


def test_disk_full_stops_the_crawl_with_a_clear_error_and_nothing_half_written(module_replica, tmp_path):
    module_replica.reset()
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    run_cli("db", "upgrade", "--db", db, cwd=tmp_path, check=True)
    assert db_path.stat().st_size < DISK_LIMIT

    def limit_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (DISK_LIMIT, DISK_LIMIT))

    run = run_measured(*crawl_args(db, module_replica.sites["trs"]["listing"]), cwd=tmp_path,
                       preexec_fn=limit_file_size)
    assert run.returncode == 1, run.stdout + run.stderr[-3000:]
    assert "ERROR: disk full while storing" in run.stderr, run.stderr[-3000:]
    # The log file is on the same full disk: said once, not a traceback per record (issue #15).
    assert "Traceback" not in run.stderr and "--- Logging error ---" not in run.stderr, run.stderr[-3000:]
    assert "(disk_full)" in run.stdout and "disk full" in run.stdout, run.stdout
    assert integrity(db_path) == "ok"
    stored = article_state(db_path)
    assert 0 < len(stored) < 20, stored  # it stopped mid-crawl, keeping what it had committed
    half = {url: s for url, s in stored.items() if s[0] < 1 or s[1] < 1 or s[2] < 1}
    assert not half, half
    # The run is not left "running": it was closed (or, if even that could not be written,
    # the next run sees an unfinished run and walks the column again).
    (outcome,), = rows(db_path, "SELECT outcome FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert outcome in ("disk_full", "running"), outcome


def test_a_schema_creation_cut_short_leaves_an_archive_the_next_run_can_use(tmp_path):
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"

    def tiny_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    first = run_measured("db", "upgrade", "--db", db, cwd=tmp_path, preexec_fn=tiny_disk)
    assert first.returncode != 0  # the disk filled up during the schema creation
    again = run_cli("db", "upgrade", "--db", db, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-1500:]


def test_a_log_file_on_a_full_disk_is_reported_once_not_per_record(tmp_path):
    # /dev/full fails every write with ENOSPC, as a log file on a full disk does.
    script = (
        "import logging, sys\n"
        "from scrapy.settings import Settings\n"
        "from archiver import settings as defaults\n"
        "from archiver.runner import setup_logging\n"
        "s = Settings(); s.setmodule(defaults)\n"
        "setup_logging(s, '/dev/full')\n"
        "for i in range(50): logging.getLogger('x').warning('record %d', i)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=cli_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "--- Logging error ---" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.stderr.count("cannot write the log file /dev/full") == 1, proc.stderr[-2000:]
    assert "record 49" in proc.stderr  # the console still gets every record
