"""Issue #2: one command crawls a TRS column into SQLite and exports it as JSONL.

The expected values come from the seed page's text (tests/fixtures/seed/), never from what the
crawler produced.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import urllib.request
from pathlib import Path

import zstandard

from archiver.cli import build_parser
from archiver.cli.commands import PROGRAM, texts
from tests.clirun import crawl, export_jsonl, run_cli, speech_gold

ROOT = Path(__file__).resolve().parents[2]
# The real page's text, bundled with the tests (issue #18: a clone needs nothing beside it).
SEED = ROOT / "tests" / "fixtures" / "seed" / "jingzhou-ldjh-2023-05-22.txt"
SEED_TITLE = "市政协主席蒋鸿在全市县市区政协主席座谈会上的讲话"
CHROME = ["您现在的位置", "首页>领导讲话", "打印", "关闭", "地址:荆州市", "邮政编码", "版权所有",
          "技术支持", "鄂ICP备12009254-1号", "京公网安备42100302000031", "信息来源", "发布时间"]


def seed_body_paragraphs() -> list[str]:
    lines = [line.strip() for line in SEED.read_text("utf-8").splitlines()]
    start = lines.index("奋力书写加强和改进政协工作的荆州答卷")
    end = next((i for i, line in enumerate(lines) if line.startswith("打印")), len(lines))
    return [line for line in lines[start:end] if line]


def test_crawl_then_export_reproduces_the_seed_article_exactly(replica, tmp_path):
    db = f"sqlite:///{tmp_path}/archive.sqlite3"
    proc = crawl(db, replica.sites["trs"]["listing"], cwd=tmp_path)
    assert " ok, " in proc.stdout and "run 1:" in proc.stdout

    records = export_jsonl(db, cwd=tmp_path)
    seed = [r for r in records if r["title"] == SEED_TITLE]
    assert len(seed) == 1, [r["title"] for r in records]
    record = seed[0]
    assert record["published_at"] == "2023-05-22T11:15:00+08:00"
    assert record["source"] == "荆州市政协"
    assert record["body"].split("\n") == seed_body_paragraphs()
    for chrome in CHROME:
        assert chrome not in record["body"], chrome
    assert record["speaker"] == "蒋鸿" and record["speaker_title"] == "市政协主席"
    assert record["status"] == "live" and record["version"] == 1 and record["versions"] == 1
    assert record["url"].startswith(replica.sites["trs"]["base"])
    assert record["extractor"].startswith("cppcc-archiver/")

    # Every gold article of the column is there, once.
    gold_urls = set(speech_gold(replica, site="trs"))
    assert len(gold_urls) >= 10 and gold_urls <= {r["url"] for r in records}
    assert len({r["url"] for r in records}) == len(records)


def test_raw_bytes_and_headers_are_stored_and_sha256_matches_what_the_server_sent(replica, tmp_path):
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    crawl(db, replica.sites["trs"]["listing"], cwd=tmp_path)
    records = export_jsonl(db, cwd=tmp_path)
    record = next(r for r in records if r["title"] == SEED_TITLE)

    with urllib.request.urlopen(record["url"]) as response:
        served = response.read()
    assert hashlib.sha256(served).hexdigest() == record["sha256"]

    con = sqlite3.connect(db_path)
    rows = con.execute(
        "SELECT f.status, f.response_headers, b.data, b.sha256 FROM fetches f "
        "JOIN bodies b ON b.sha256 = f.body_sha256 WHERE f.url = ?", (record["url"],)
    ).fetchall()
    assert rows, "no fetch stored for the article"
    for status, headers, data, sha in rows:
        assert status == 200 and "Content-Type" in headers
        raw = zstandard.ZstdDecompressor().decompress(data)
        assert raw == served and hashlib.sha256(raw).hexdigest() == sha
    # Every exchange was recorded, listings included, each with a body hash.
    kinds = dict(con.execute("SELECT kind, count(*) FROM fetches GROUP BY kind").fetchall())
    assert kinds.get("listing", 0) >= 2 and kinds.get("article", 0) >= len(records)


def test_export_is_utf8_without_escapes(replica, tmp_path):
    db = f"sqlite:///{tmp_path}/archive.sqlite3"
    crawl(db, replica.sites["trs"]["listing"], cwd=tmp_path)
    out = tmp_path / "export.jsonl"
    run_cli("export", "--db", db, "--format", "jsonl", "--output", str(out), cwd=tmp_path, check=True)
    raw = out.read_bytes()
    assert "荆州".encode("utf-8") in raw and b"\\u" not in raw


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every (sub)command of the real parser, nested ones (`db upgrade`) included."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _commands(sub, (*path, name))


def _undocumented(commands) -> list:  # type: ignore[no-untyped-def]
    """(command, option) pairs without help or missing from the command's --help."""
    out = []
    for path, sub in commands:
        text = sub.format_help()
        assert "usage: cppcc-archiver " + " ".join(path) in text
        for action in sub._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            shown = all(option in text for option in action.option_strings)
            if not action.help or action.help == argparse.SUPPRESS or not shown:
                out.append((" ".join(path), action.option_strings or action.dest))
    return out


def test_every_command_documents_every_option():
    """Issue #18: walks the parser `cppcc-archiver` really builds (reindex included): an option
    without help, or missing from its command's --help, fails."""
    top = run_cli("--help", check=True).stdout
    commands = list(_commands(build_parser()))
    assert {"crawl", "export", "reindex", "extract", "worker", "db"} <= {path[0] for path, _ in commands}
    for path, _ in commands:
        if len(path) == 1:
            assert path[0] in top, path
    assert not _undocumented(commands)
    crawl_help = run_cli("crawl", "--help", check=True).stdout
    for option in ["--db", "--site", "--all", "--delay", "--revisit", "-s NAME=VALUE", "LISTING_URL"]:
        assert option in crawl_help, option


def test_the_help_walk_sees_an_undocumented_option():
    """The walk above can fail: a bare option added to `reindex` is caught."""
    parser = build_parser()
    commands = list(_commands(parser))
    dict(commands)[("reindex",)].add_argument("--undocumented-option")
    assert _undocumented(commands) == [("reindex", ["--undocumented-option"])]


def test_the_commands_table_holds_every_command_and_nothing_else():
    """archiver/cli/commands.toml is the one place of the commands' prose: an entry for every
    command of the real parser (each parser takes its description from it), and none left over
    from a command that is gone."""
    paths = {" ".join(path) for path, _ in _commands(build_parser())}
    assert set(texts()) == paths | {PROGRAM}
    for path, sub in _commands(build_parser()):
        assert sub.description == texts()[" ".join(path)]["description"]


def test_crawl_without_targets_is_a_usage_error(tmp_path):
    proc = run_cli("crawl", "--db", f"sqlite:///{tmp_path}/a.sqlite3", cwd=tmp_path)
    assert proc.returncode == 2 and "--all" in proc.stderr and "Traceback" not in proc.stderr


def test_unreachable_site_ends_with_a_summary_and_exit_1_not_a_traceback(tmp_path):
    # A closed port on 127.0.0.1: connection refused, like a machine without network.
    import socket
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    proc = crawl(db, f"http://127.0.0.1:{port}/ldjh/index.shtml", cwd=tmp_path, check=False,
                 extra=("-s", "RETRY_TIMES=0"))
    assert proc.returncode == 1
    assert f"site_127_0_0_1_{port}: failed" in proc.stdout
    assert "Traceback" not in proc.stderr
