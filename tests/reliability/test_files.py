"""Issue #15: the archive's files under attack or gone.

- A symlink to the SQLite archive: a second crawl through it is refused (the lock is on the
  resolved file, and on its device and inode), not run alongside the first.
- A symlink planted at ``FILE.part`` before an export: it is never written through (the export
  goes to a new exclusive temporary file), the file it points at is untouched.
- A read-only archive folder, and an archive deleted mid-crawl: one clear line, exit 1; the
  same for every command that opens the archive (the distributed coordinator, ``reindex``…).
Then a clean incremental run stores every listed article exactly once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from storage.db import upgrade
from tests.clirun import export_jsonl, run_cli, speech_gold
from tests.reliability.helpers import (
    BATCH_DRIVER, cli_env, count_while_crawling, crawl_args, outcome, run_measured, start_cli, start_slow_crawl, wait_until,
)
from tests.reliability.test_loss import assert_clean_rerun_stores_everything, site_line


@pytest.mark.timeout(240)
def test_a_second_crawl_through_a_symlink_to_the_archive_is_refused(module_replica, tmp_path):
    rp = module_replica
    rp.reset()
    db_path = tmp_path / "archive.sqlite3"
    upgrade(f"sqlite:///{db_path}")
    (tmp_path / "elsewhere").mkdir()
    alias = tmp_path / "elsewhere" / "same.sqlite3"
    alias.symlink_to(db_path)
    procs = []
    for name, path in (("a", db_path), ("b", alias)):
        (tmp_path / name).mkdir()
        procs.append(start_cli(*crawl_args(f"sqlite:///{path}", rp.sites["trs"]["listing"], delay="0.2"),
                               cwd=tmp_path, out=tmp_path / name))
    codes = []
    for proc in procs:
        proc.wait(timeout=180)
        codes.append(proc.returncode)
    errs = [(tmp_path / n / "stderr.txt").read_text() for n in ("a", "b")]
    assert sorted(codes) == [0, 2], (codes, [e[-1500:] for e in errs])
    loser = errs[codes.index(2)]
    assert "another crawl is running" in loser and "Traceback" not in loser, loser
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)


@pytest.mark.timeout(240)
def test_export_never_writes_through_a_symlink_planted_at_the_part_file(module_replica, tmp_path):
    rp = module_replica
    rp.reset()
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    run = run_measured(*crawl_args(db, rp.sites["trs"]["listing"]), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    victim = tmp_path / "precious.txt"
    victim.write_text("not yours\n")
    out = tmp_path / "speeches.jsonl"
    (tmp_path / "speeches.jsonl.part").symlink_to(victim)
    export = run_cli("export", "--db", db, "--format", "jsonl", "--output", str(out), cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    assert victim.read_text() == "not yours\n"
    assert not out.is_symlink()
    urls = [json.loads(line)["url"] for line in out.read_text("utf-8").splitlines()]
    assert sorted(urls) == sorted(speech_gold(rp, site="trs"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".speeches.jsonl.")]  # no temp left
    # A read-only output folder: one line, exit 1.
    readonly = tmp_path / "ro"
    readonly.mkdir()
    blocked = run_readonly(["export", "--db", db, "--format", "jsonl", "--output", str(readonly / "x.jsonl")],
                           folder=readonly, cwd=tmp_path)
    assert blocked.returncode == 1 and "cannot write" in blocked.stderr, blocked.stderr
    assert "Traceback" not in blocked.stderr


def run_readonly(args: list[str], *, folder, cwd, command: list[str] | None = None,
                 stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m archiver ARGS` (or ``command``) with ``folder`` read-only for it alone: a
    read-only bind mount in a mount namespace of its own when run as root (root ignores
    permission bits), else permission bits."""
    command = command or [sys.executable, "-m", "archiver", *args]
    if os.geteuid() == 0:
        if not shutil.which("unshare"):
            pytest.skip("needs unshare(1) to make a folder read-only for root")
        script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
        command = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, str(folder), *command]
    else:
        folder.chmod(0o555)
    try:
        return subprocess.run(command, cwd=cwd, env=cli_env(), capture_output=True, text=True, timeout=120,
                              input=stdin)
    finally:
        folder.chmod(0o755)


@pytest.mark.timeout(240)
def test_a_read_only_archive_folder_is_one_clear_error(module_replica, tmp_path):
    rp = module_replica
    rp.reset()
    folder = tmp_path / "archive"
    folder.mkdir()
    db_path = folder / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    args = ["crawl", "--db", db, "--delay", "0", "--no-progress", rp.sites["trs"]["listing"]]
    fresh = run_readonly(args, folder=folder, cwd=tmp_path)  # no archive yet
    assert fresh.returncode == 1, fresh.stdout + fresh.stderr
    assert "not starting" in fresh.stderr and "Traceback" not in fresh.stderr, fresh.stderr
    upgrade(db)
    existing = run_readonly(args, folder=folder, cwd=tmp_path)  # an archive that cannot be written
    assert existing.returncode == 1, existing.stdout + existing.stderr
    assert "not starting" in existing.stderr and "Traceback" not in existing.stderr, existing.stderr
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)


# Every command that opens the archive (`grep -n "def " archiver/cli/*.py`): one line, exit 1,
# when its folder is read-only. (`extract`, `sites`, `demo` open no archive of the user's;
# `worker` opens it only once a coordinator's run exists, and the coordinator refuses first.)
ARCHIVE_COMMANDS = {
    "crawl": ["crawl", "--no-progress", "--log-file", "{log}", "http://127.0.0.1:9/x/"],
    "crawl --redis": ["crawl", "--no-progress", "--log-file", "{log}", "--redis", "{redis}",
                      "--idle-exit", "1", "http://127.0.0.1:9/x/"],
    "export": ["export", "--format", "jsonl", "--output", "{out}"],
    "verify": ["verify"],
    "reprocess": ["reprocess"],
    "show": ["show", "http://127.0.0.1:9/x/1.html"],
    "search": ["search", "政协"],
    "stats": ["stats"],
    "runs": ["runs"],
    "db upgrade": ["db", "upgrade"],
    "reindex": ["reindex"],
}


@pytest.fixture(scope="module")
def readonly_results(tmp_path_factory):
    """Every command of ARCHIVE_COMMANDS run once on an archive in a read-only folder, in one
    process (the real argument parsing and handlers, one interpreter start-up)."""
    from tests.services import REDIS_URL, _reachable

    tmp = tmp_path_factory.mktemp("readonly")
    folder = tmp / "archive"
    folder.mkdir()
    db = f"sqlite:///{folder / 'archive.sqlite3'}"
    upgrade(db)
    names = [n for n in ARCHIVE_COMMANDS if n != "crawl --redis" or _reachable(REDIS_URL, 6379)]
    fill = {"log": str(tmp / "crawl.log"), "redis": REDIS_URL, "out": str(tmp / "out.jsonl")}
    argvs = [[part.format(**fill) for part in ARCHIVE_COMMANDS[n]] + ["--db", db] for n in names]
    proc = run_readonly([], folder=folder, cwd=tmp, command=[sys.executable, "-c", BATCH_DRIVER],
                        stdin=json.dumps(argvs))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(zip(names, json.loads(proc.stdout.splitlines()[-1]), strict=True))


@pytest.mark.parametrize("command", list(ARCHIVE_COMMANDS))
def test_every_command_on_a_read_only_archive_folder_says_so_in_one_line(readonly_results, command):
    if command not in readonly_results:
        from tests.services import require_redis

        require_redis()  # skips with one line (fails in CI)
    result = readonly_results[command]
    err = result["stderr"]
    assert result["code"] == 1, (result["code"], err[-3000:])
    assert "Traceback" not in err, err[-3000:]
    last = err.strip().splitlines()[-1]
    assert last.startswith("cppcc-archiver") and "read-only" in last.lower(), err  # names the cause


@pytest.mark.timeout(240)
def test_an_archive_deleted_mid_crawl_is_an_error_and_the_next_run_rebuilds_it(module_replica, tmp_path):
    rp = module_replica
    db_path, db, proc = start_slow_crawl(rp, tmp_path, delay=0.2)
    if wait_until(proc, lambda: count_while_crawling(db_path, "snapshots") >= 2):
        for suffix in ("", "-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    code, out, err = outcome(proc, tmp_path)
    assert code == 1, out + err[-3000:]
    assert "was deleted during the crawl" in site_line(out), out
    assert "Traceback" not in err, err[-3000:]
    assert_clean_rerun_stores_everything(rp, db_path, tmp_path)
    assert len(export_jsonl(db, cwd=tmp_path)) == len(speech_gold(rp, site="trs"))
