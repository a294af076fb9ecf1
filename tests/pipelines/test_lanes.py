"""ProcessLane (archiver/pipelines/lanes.py) on a real reactor with real child processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_calls_errors_and_dying_children(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "tests.pipelines.drive_lane", str(tmp_path / "died-once")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["double"] == [["ok", 2 * i] for i in range(20)]  # in order, across two children
    # What a child logs (WARNING and up, Python warnings too) reaches the parent's logging.
    assert got["warn"] == ["ok", "warned"]
    hello = [line for line in got["logged"] if "child says hello" in line]
    assert hello[0] == "tests.lane WARNING child says hello (in the test process)"
    assert hello[1].startswith("py.warnings WARNING") and "child says hello (a Python warning)" in hello[1]
    assert len(hello) == 2  # INFO stays below the line
    assert "child says hello" not in run.stderr  # not printed by the child behind the log's back
    assert got["fail"] == ["ChildError", "ValueError: bad page"]
    assert got["unpicklable"][0] == "ChildError" and "cannot send" in got["unpicklable"][1]
    # A child that dies is replaced and the call sent once more; dying twice fails the call.
    assert got["die_once"] == ["ok", "answered after a restart"]
    assert got["die"][0] == "ChildDied"
    assert got["after"] == ["ok", 42]  # the lane goes on
    assert got["restarts"] == 3 and got["children"] == 2
    assert any("starting a new one" in line for line in got["logged"])
    # Closed: every child has exited and been reaped.
    assert not [p for p in got["pids"] if Path(f"/proc/{p}").exists()]
    # Watchdog: five 0.8 s calls queued at once (4 s in all) are not late, each answered in
    # time; a child that stops is killed after 2 s without an answer, twice, and the call
    # fails instead of waiting for ever; the lane goes on.
    assert got["naps"] == [["ok", 0.8]] * 5
    assert got["stopped"][0] == "ChildDied" and got["hung"] == 2
    assert got["after_stopped"] == ["ok", 8]
    assert any("has not answered in" in line for line in got["logged"])
