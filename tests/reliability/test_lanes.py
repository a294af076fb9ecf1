"""The crawl's child process (archiver/pipelines/lanes.py: attachment text, the one lane left
after issue #21) dies mid-crawl: nothing is lost.

The files process is SIGKILLed while the crawl runs; the lane starts a new one and sends it the
calls that were not answered, so the run still ends with every article of the column stored
exactly once, with its fields. A child SIGSTOPped (alive to the kernel, answering nothing) is
killed by the call deadline and replaced the same way. A crawl stopped with SIGTERM (what a
service manager sends the whole process group) leaves no child behind.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from archiver.replica.files import FILE_PHRASE
from storage.db import upgrade
from tests.clirun import export_jsonl, speech_gold
from tests.reliability.helpers import count_while_crawling, crawl_args, integrity, kill_leftovers, start_cli


def lane_children(pid: int, lanes: tuple[str, ...] | None = None) -> list[int]:
    """Pids of the `archiver.pipelines.lane_child` processes of ``lanes`` (None: any) whose
    parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        args = cmdline.split(b"\0")
        if ppid == pid and b"archiver.pipelines.lane_child" in args and (
                lanes is None or args[args.index(b"archiver.pipelines.lane_child") + 1].decode() in lanes):
            found.append(int(entry.name))
    return sorted(found)


def start_crawl(rp, tmp_path: Path, *, delay: str, **popen) -> tuple[Path, str, object]:  # type: ignore[no-untyped-def]
    """A crawl of the replica's TRS column into a fresh archive, in the background, with
    attachments on (so that the files process exists, whatever the default)."""
    rp.reset()
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    upgrade(db)
    args = crawl_args(db, rp.sites["trs"]["listing"], delay=delay, extra=("--set", "ARCHIVER_FILES=1"))
    return db_path, db, start_cli(*args, cwd=tmp_path, **popen)


@pytest.mark.timeout(180)
def test_a_killed_child_process_is_replaced_and_the_crawl_completes(module_replica, tmp_path):
    rp = module_replica
    db_path, db, proc = start_crawl(rp, tmp_path, delay="0.1")
    killed: list[int] = []
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and not killed:
        children = lane_children(proc.pid)
        if len(children) == 1 and count_while_crawling(db_path, "snapshots") >= 3:
            os.kill(children[0], signal.SIGKILL)  # the files process
            killed.append(children[0])
        time.sleep(0.05)
    proc.wait(timeout=120)
    stdout, stderr = (tmp_path / "stdout.txt").read_text(), (tmp_path / "stderr.txt").read_text()
    log = (tmp_path / "logs" / "crawl.log").read_text()
    assert killed, "the crawl ended before its child process could be killed"
    assert proc.returncode == 0, stdout + stderr[-3000:]
    assert "files process died" in log and "starting a new one" in log, log[-3000:]
    assert integrity(db_path) == "ok"
    records = export_jsonl(db, cwd=tmp_path)
    urls = [r["url"] for r in records]
    assert len(urls) == len(set(urls))
    gold = speech_gold(rp, site="trs")
    assert set(urls) == set(gold)
    assert all(r["title"] == gold[r["url"]]["title"] and r["body"] for r in records)


@pytest.mark.timeout(120)
def test_sigterm_to_the_process_group_stops_cleanly_and_leaves_no_child(module_replica, tmp_path):
    db_path, _db, proc = start_crawl(module_replica, tmp_path, delay="0.2", preexec_fn=os.setsid)
    deadline = time.monotonic() + 60
    children: list[int] = []
    while proc.poll() is None and time.monotonic() < deadline:
        children = lane_children(proc.pid)
        if len(children) == 1 and count_while_crawling(db_path, "snapshots") >= 2:
            break
        time.sleep(0.05)
    assert len(children) == 1, "the crawl's child process never appeared"
    os.killpg(proc.pid, signal.SIGTERM)  # as systemd stops a service: every process of the group
    proc.wait(timeout=60)
    stdout = (tmp_path / "stdout.txt").read_text()
    assert proc.returncode == 1, stdout
    assert "(interrupted)" in stdout, stdout
    assert integrity(db_path) == "ok"
    time.sleep(0.5)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()
                and "Z" not in (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0]]


@pytest.mark.timeout(240)
def test_a_stopped_child_with_work_is_killed_by_the_watchdog_and_its_calls_resent(module_replica, tmp_path):
    """SIGSTOP, unlike SIGKILL, leaves a child that looks alive: only the call deadline
    (ARCHIVER_CHILD_CALL_TIMEOUT) can tell. It kills the child, a new one gets the unanswered
    calls, and every attachment still gets its text."""
    rp = module_replica
    rp.reset()
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    upgrade(db)
    proc = start_cli(*crawl_args(db, rp.sites["trs"]["listing"], delay="0.1",
                                 extra=("--set", "ARCHIVER_FILES=1", "--set", "ARCHIVER_CHILD_CALL_TIMEOUT=3")),
                     cwd=tmp_path)
    stopped: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline and not stopped:
            children = lane_children(proc.pid)
            # early: the file articles (and so the child's work) are still ahead
            if len(children) == 1 and count_while_crawling(db_path, "snapshots") >= 1:
                os.kill(children[0], signal.SIGSTOP)
                stopped.append(children[0])
            time.sleep(0.05)
        proc.wait(timeout=180)
    finally:
        kill_leftovers(proc, stopped)
    stdout, stderr = (tmp_path / "stdout.txt").read_text(), (tmp_path / "stderr.txt").read_text()
    log = (tmp_path / "logs" / "crawl.log").read_text()
    assert stopped, "the crawl ended before its child process could be stopped"
    assert proc.returncode == 0, stdout + stderr[-3000:]
    # it had work when the watchdog found it: a call was pending, and was resent
    assert f"files process {stopped[0]} has not answered in" in log, log[-3000:]
    assert "files process died with" in log and "starting a new one" in log, log[-3000:]
    assert not lane_children(proc.pid)
    records = export_jsonl(db, cwd=tmp_path)
    gold = speech_gold(rp, site="trs")
    assert {r["url"] for r in records} == set(gold)
    files = [a for r in records for a in r["attachments"]]
    assert files and all(a.get("text_status") for a in files if a["status"] == "stored")
    lost = [(a["url"], a.get("reason")) for a in files if "crashed" in (a.get("reason") or "")]
    assert not lost, lost
    texts = "\n".join(a.get("text") or "" for a in files)
    assert all(phrase in texts for phrase in FILE_PHRASE.values()), texts[:2000]
