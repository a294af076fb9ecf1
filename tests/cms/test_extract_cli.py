"""`cppcc-archiver extract`: JSONL per input, --url for local files, errors reported, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from archiver.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def _expected(case: str) -> dict:
    return json.loads((FIXTURES / case / "expected.json").read_text("utf-8"))


def test_extract_local_files_with_url(capsys):
    case = "trs/seed"
    exp = _expected(case)
    code = main(["extract", "--url", exp["url"], str(FIXTURES / case / "input.html")])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and len(out) == 1
    record = json.loads(out[0])
    assert record["url"] == exp["url"] and record["family"] == "trs"
    assert record["title"] == exp["fields"]["title"]
    assert record["published_at"] == exp["fields"]["published_at"]
    assert record["extractor"].startswith("cppcc-archiver/")
    assert "蒋鸿" in out[0]  # ensure_ascii=False: readable Chinese


def test_extract_many_files_and_a_broken_one(tmp_path, capsys):
    files = [str(p) for p in sorted(FIXTURES.glob("*/*/input.html"))
             if _expected(f"{p.parent.parent.name}/{p.parent.name}")["kind"] == "article"]
    missing = str(tmp_path / "missing.html")
    code = main(["extract", *files[:5], missing, *files[5:]])
    captured = capsys.readouterr()
    assert code == 1
    assert len(captured.out.splitlines()) == len(files)
    assert "missing.html" in captured.err and captured.err.count("\n") == 1


def test_extract_fetches_urls_with_project_user_agent(replica):
    gold = next(g for g in replica.gold(site="trs") if g["status"] == "live")
    proc = subprocess.run([sys.executable, "-m", "archiver", "extract", gold["url"]], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["title"] == gold["title"]
    agents = {e.get("user_agent") for e in replica.access_log(site="trs")}
    assert any(a and a.startswith("cppcc-archiver/") and "+https://github.com/cppcc-archiver" in a for a in agents)


def test_extract_help_lists_options(capsys):
    try:
        main(["extract", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "--url" in out and "--family" in out
