"""Issue #17: a demo cut short by Ctrl-C says it was interrupted (not "Try next"), exits 1, and
`runs` records the run as interrupted."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests.clirun import ROOT, run_cli


def stored(db) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_an_interrupted_demo_says_so_and_runs_records_it(tmp_path):
    db = tmp_path / "demo.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ARCHIVER_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "archiver", "demo", "--db", str(db), "--scale", "400"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while stored(db) < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "the demo ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, (proc.returncode, err[-3000:])
    assert "The demo was interrupted" in out and "Try next" not in out
    assert "Traceback" not in err
    summary = [line for line in out.splitlines() if line.startswith(("trs:", "hanweb:", "legacy:", "datepath:", "post:", "detail:"))]
    assert summary and not any(": ok," in line for line in summary), summary
    runs = [json.loads(line) for line in run_cli("runs", "--db", str(db), "--format", "jsonl", cwd=tmp_path,
                                                  check=True).stdout.splitlines()]
    assert runs[0]["outcome"] == "interrupted"
    assert all(s["outcome"] != "ok" for s in runs[0]["sites_summary"].values())
    table = run_cli("runs", "--db", str(db), "--limit", "1", cwd=tmp_path, check=True).stdout
    assert "trs: interrupted" in table or "trs: failed" in table  # each site's own outcome
    assert 0 < stored(db) < 6 * 400
