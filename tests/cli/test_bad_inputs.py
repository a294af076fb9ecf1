"""Issue #17: a user's mistake in any command gets one clear line and a documented exit code
(2: usage, 1: the operation failed), never a traceback.

Every row is a real `cppcc-archiver` process, as a user would start it; the rows run in a few
threads (each is a separate process) and each is then judged as its own test.
"""

from __future__ import annotations

import hashlib
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from archiver.replica.registry import registry_toml
from tests.clirun import run_cli

USAGE, FAILED = 2, 1
GOOD, DAMAGED, TEXT = "{good}", "{damaged}", "{text}"

# (id, arguments, exit code). Placeholders: {good} a crawled archive, {damaged} a copy of it with
# pages overwritten, {text} a text file, {tmp} a scratch folder, {listing} a replica column,
# {registry} the replica's registry file.
BAD_INPUTS: list[tuple[str, list[str], int]] = [
    ("no-command", [], USAGE),
    ("unknown-command", ["crawling"], USAGE),
    # --db, for every command that takes one
    ("crawl-db-scheme-typo", ["crawl", "--db", "sqlte:///{tmp}/x.sqlite3", "{listing}"], USAGE),
    ("crawl-db-two-slashes", ["crawl", "--db", "sqlite://data/x.sqlite3", "{listing}"], USAGE),
    ("crawl-db-empty", ["crawl", "--db", "", "{listing}"], USAGE),
    ("crawl-db-folder", ["crawl", "--db", "{tmp}", "{listing}"], USAGE),
    ("crawl-db-no-slashes", ["crawl", "--db", "sqlite:data.sqlite3", "{listing}"], USAGE),
    ("crawl-db-damaged", ["crawl", "--db", DAMAGED, "--delay", "0", "{listing}"], FAILED),
    ("crawl-db-not-sqlite", ["crawl", "--db", TEXT, "--delay", "0", "{listing}"], FAILED),
    ("export-db-scheme-typo", ["export", "--db", "sqlte:///x.sqlite3"], USAGE),
    ("export-db-two-slashes", ["export", "--db", "sqlite://data/x.sqlite3"], USAGE),
    ("export-db-missing-folder", ["export", "--db", "{tmp}/nosuch/archive.sqlite3"], USAGE),
    ("export-db-damaged", ["export", "--db", DAMAGED], FAILED),
    ("export-db-not-sqlite", ["export", "--db", TEXT], FAILED),
    ("verify-db-damaged", ["verify", "--db", DAMAGED], FAILED),
    ("verify-db-not-sqlite", ["verify", "--db", TEXT], FAILED),
    ("verify-db-missing", ["verify", "--db", "{tmp}/nosuch/x.sqlite3"], USAGE),
    ("stats-db-damaged", ["stats", "--db", DAMAGED], FAILED),
    ("stats-db-missing-folder", ["stats", "--db", "{tmp}/nosuch2/x.sqlite3"], USAGE),
    ("stats-db-scheme-typo", ["stats", "--db", "mysql+nosuchdriver://x/y"], USAGE),
    ("runs-db-damaged", ["runs", "--db", DAMAGED], FAILED),
    ("runs-db-bad-url", ["runs", "--db", "postgresql://[::1"], USAGE),
    ("reindex-db-damaged", ["reindex", "--db", DAMAGED], FAILED),
    ("reindex-db-missing", ["reindex", "--db", "{tmp}/nosuch3/x.sqlite3"], USAGE),
    ("reprocess-db-damaged", ["reprocess", "--db", DAMAGED], FAILED),
    ("show-db-damaged", ["show", "http://127.0.0.1/x", "--db", DAMAGED], FAILED),
    ("search-db-damaged", ["search", "政协", "--db", DAMAGED], FAILED),
    ("db-upgrade-damaged", ["db", "upgrade", "--db", DAMAGED], FAILED),
    ("db-upgrade-scheme-typo", ["db", "upgrade", "--db", "sqlte:///x.sqlite3"], USAGE),
    ("db-current-damaged", ["db", "current", "--db", DAMAGED], FAILED),
    ("db-current-two-slashes", ["db", "current", "--db", "sqlite://data/x.sqlite3"], USAGE),
    ("db-unknown-action", ["db", "downgrade"], USAGE),
    # crawl
    ("crawl-nothing", ["crawl"], USAGE),
    ("crawl-unknown-site", ["crawl", "--db", "{tmp}/c.sqlite3", "--site", "nosuch"], USAGE),
    ("crawl-ftp-url", ["crawl", "--db", "{tmp}/c.sqlite3", "ftp://example.org/list"], USAGE),
    ("crawl-not-a-url", ["crawl", "--db", "{tmp}/c.sqlite3", "www.example"], USAGE),
    ("crawl-negative-delay", ["crawl", "--db", "{tmp}/c.sqlite3", "--delay", "-1", "{listing}"], USAGE),
    ("crawl-delay-word", ["crawl", "--delay", "fast", "{listing}"], USAGE),
    ("crawl-revisit-choice", ["crawl", "--revisit", "sometimes", "{listing}"], USAGE),
    ("crawl-storage-batch-abc", ["crawl", "-s", "ARCHIVER_STORAGE_BATCH=abc", "{listing}"], USAGE),
    ("crawl-max-listing-pages-negative", ["crawl", "-s", "ARCHIVER_MAX_LISTING_PAGES=-2", "{listing}"], USAGE),
    ("crawl-revisit-intervals-garbage", ["crawl", "-s", "ARCHIVER_REVISIT_INTERVALS=garbage", "{listing}"], USAGE),
    ("crawl-revisit-intervals-zero", ["crawl", "-s", "ARCHIVER_REVISIT_INTERVALS=7:0", "{listing}"], USAGE),
    ("crawl-setting-no-equals", ["crawl", "-s", "DOWNLOAD_DELAY", "{listing}"], USAGE),
    ("crawl-setting-bool", ["crawl", "-s", "ROBOTSTXT_OBEY=maybe", "{listing}"], USAGE),
    ("crawl-setting-log-level", ["crawl", "-s", "LOG_LEVEL=LOUD", "{listing}"], USAGE),
    ("crawl-setting-batch-zero", ["crawl", "-s", "ARCHIVER_STORAGE_BATCH=0", "{listing}"], USAGE),
    ("crawl-setting-timeout-word", ["crawl", "-s", "DOWNLOAD_TIMEOUT=soon", "{listing}"], USAGE),
    ("crawl-setting-number-word", ["crawl", "-s", "CONCURRENT_REQUESTS=many", "{listing}"], USAGE),
    ("crawl-registry-missing", ["crawl", "--registry", "{tmp}/nosuch.toml", "--all"], USAGE),
    ("crawl-registry-not-toml", ["crawl", "--registry", TEXT, "--all"], USAGE),
    ("crawl-redis-one-slash", ["crawl", "--redis", "rediss:/bad", "{listing}"], USAGE),
    ("crawl-redis-http", ["crawl", "--redis", "http://127.0.0.1:6379", "{listing}"], USAGE),
    ("crawl-redis-bad-port", ["crawl", "--redis", "redis://127.0.0.1:99999/0", "{listing}"], USAGE),
    ("crawl-idle-exit-word", ["crawl", "--idle-exit", "later", "{listing}"], USAGE),
    ("crawl-log-file-under-a-file", ["crawl", "--db", "{tmp}/c.sqlite3", "--log-file", "{text}/crawl.log",
                                     "--delay", "0", "{listing}"], USAGE),
    # export
    ("export-format", ["export", "--db", GOOD, "--format", "csv"], USAGE),
    ("export-output-missing-folder", ["export", "--db", GOOD, "--output", "{tmp}/nosuch/x.jsonl"], USAGE),
    ("export-warc-name", ["export", "--db", GOOD, "--format", "warc", "--output", "{tmp}/x.jsonl"], USAGE),
    ("export-output-folder", ["export", "--db", GOOD, "--output", "{tmp}"], USAGE),
    ("export-output-dotdot", ["export", "--db", GOOD, "--output", "../x.jsonl"], USAGE),
    ("export-since-feb-30", ["export", "--db", GOOD, "--since", "2023-02-30"], USAGE),
    ("export-since-month-13", ["export", "--db", GOOD, "--since", "2023-13"], USAGE),
    ("export-since-word", ["export", "--db", GOOD, "--since", "yesterday"], USAGE),
    ("export-until-short-month", ["export", "--db", GOOD, "--until", "2023-1-5"], USAGE),
    ("export-since-after-until", ["export", "--db", GOOD, "--since", "2024", "--until", "2023-06"], USAGE),
    ("export-changed-since-word", ["export", "--db", GOOD, "--changed-since", "last week"], USAGE),
    ("export-unknown-site", ["export", "--db", GOOD, "--site", "nosuch"], USAGE),
    # search
    ("search-nothing", ["search", "--db", GOOD], USAGE),
    ("search-blank", ["search", "--db", GOOD, "  "], USAGE),
    ("search-limit-zero", ["search", "--db", GOOD, "政协", "--limit", "0"], USAGE),
    ("search-limit-word", ["search", "--db", GOOD, "政协", "--limit", "many"], USAGE),
    ("search-unknown-site", ["search", "--db", GOOD, "政协", "--site", "nosuch"], USAGE),
    ("search-since-feb-30", ["search", "--db", GOOD, "政协", "--since", "2023-02-30"], USAGE),
    ("search-until-month-13", ["search", "--db", GOOD, "政协", "--until", "2023-13"], USAGE),
    ("search-format", ["search", "--db", GOOD, "政协", "--format", "csv"], USAGE),
    # show
    ("show-nothing", ["show", "--db", GOOD], USAGE),
    ("show-empty-url", ["show", "--db", GOOD, ""], USAGE),
    ("show-ftp-url", ["show", "--db", GOOD, "ftp://example.org/a.html"], USAGE),
    ("show-bad-port", ["show", "--db", GOOD, "http://127.0.0.1:99999/a.html"], USAGE),
    ("show-not-archived", ["show", "--db", GOOD, "http://example.org/a.html"], FAILED),
    # stats, runs, reprocess, reindex
    ("stats-format", ["stats", "--db", GOOD, "--format", "xml"], USAGE),
    ("runs-limit-negative", ["runs", "--db", GOOD, "--limit", "-3"], USAGE),
    ("runs-format", ["runs", "--db", GOOD, "--format", "csv"], USAGE),
    ("reprocess-unknown-site", ["reprocess", "--db", GOOD, "--site", "nosuch"], USAGE),
    # extract
    ("extract-nothing", ["extract"], USAGE),
    ("extract-missing-file", ["extract", "{tmp}/nosuch.html"], FAILED),
    ("extract-family", ["extract", "--family", "wordpress", TEXT], USAGE),
    ("extract-url-two-inputs", ["extract", "--url", "http://example.org/", TEXT, TEXT], USAGE),
    ("extract-refused", ["extract", "http://127.0.0.1:9/a.html"], FAILED),
    # sites
    ("sites-check-nothing", ["sites", "check"], USAGE),
    ("sites-check-unknown", ["sites", "check", "nosuch"], USAGE),
    ("sites-action", ["sites", "remove"], USAGE),
    ("sites-registry-missing", ["sites", "--registry", "{tmp}/nosuch.toml"], USAGE),
    # worker
    ("worker-no-redis", ["worker"], USAGE),
    ("worker-redis-one-slash", ["worker", "--redis", "rediss:/bad"], USAGE),
    ("worker-wait-negative", ["worker", "--redis", "redis://127.0.0.1:6379/0", "--wait", "-1"], USAGE),
    ("worker-db-scheme-typo", ["worker", "--redis", "redis://127.0.0.1:6379/0", "--db", "sqlte:///x"], USAGE),
    ("worker-setting", ["worker", "--redis", "redis://127.0.0.1:6379/0", "-s", "ARCHIVER_STORAGE_BATCH=abc"], USAGE),
    ("worker-db-damaged", ["worker", "--redis", "redis://127.0.0.1:6379/0", "--db", DAMAGED, "--wait", "0"], FAILED),
    # demo
    ("demo-scale-zero", ["demo", "--db", "{tmp}/d.sqlite3", "--scale", "0"], USAGE),
    ("demo-scale-word", ["demo", "--scale", "many"], USAGE),
    ("demo-db-scheme-typo", ["demo", "--db", "sqlte:///x.sqlite3"], USAGE),
    ("demo-db-damaged", ["demo", "--db", DAMAGED], FAILED),
]


def damage(path: Path) -> None:
    """Overwrite a stretch of every third page after the first two (the header stays valid)."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        for offset in range(8192, size, 3 * 4096):
            handle.seek(offset + 100)
            handle.write(b"\xde\xad\xbe\xef" * 64)


@pytest.fixture(scope="module")
def places(replica, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad-inputs")
    registry = tmp / "replica.toml"
    registry.write_text(registry_toml(replica.sites), "utf-8")
    good = tmp / "good.sqlite3"
    run_cli("crawl", "--db", str(good), "--registry", str(registry), "--site", "trs", "--delay", "0",
            "--no-progress", cwd=tmp, check=True)
    damaged = tmp / "damaged.sqlite3"
    shutil.copy(good, damaged)
    damage(damaged)
    text = tmp / "notes.txt"
    text.write_text("not an archive\n", "utf-8")
    return {"good": str(good), "damaged": str(damaged), "text": str(text), "tmp": str(tmp),
            "listing": replica.sites["trs"]["listing"], "registry": str(registry),
            "damaged_sha": sha256(damaged)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def outcomes(places):
    work = Path(places["tmp"]) / "cwd"
    work.mkdir()

    def run(row):
        name, args, _ = row
        return name, run_cli(*(a.format(**places) for a in args), cwd=work, timeout=300)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, BAD_INPUTS))


def test_the_table_covers_every_command_with_enough_rows():
    from archiver.cli import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    covered = {args[0] for _, args, _ in BAD_INPUTS if args}
    assert commands <= covered, commands - covered
    assert len(BAD_INPUTS) >= 60 and len({name for name, _, _ in BAD_INPUTS}) == len(BAD_INPUTS)


@pytest.mark.parametrize("name,args,code", BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS])
def test_bad_input_gets_one_clear_line_and_its_exit_code(outcomes, name, args, code):
    proc = outcomes[name]
    assert "Traceback" not in proc.stderr and "Unhandled error" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == code, (proc.returncode, proc.stderr[-2000:])
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines, "no message"
    if name == "no-command":  # the help, on stderr
        assert lines[0].startswith("usage: cppcc-archiver") and not proc.stdout
    elif proc.stderr.startswith("usage:"):  # argparse: the usage, then one error line
        assert lines[-1].startswith("cppcc-archiver") and ": error: " in lines[-1], lines
    elif code == USAGE or name.endswith(("damaged", "not-sqlite")):
        # One line, saying which command; no Python exception names standing in for a reason.
        assert len(lines) == 1 and lines[0].startswith(("cppcc-archiver", f"{args[0]}:")), lines
        assert not any(word in lines[0] for word in ("ArgumentError", "NoSuchModuleError", "ValueError")), lines


def test_read_commands_never_create_a_missing_archive_or_its_folder(outcomes, places):
    tmp = Path(places["tmp"])
    for folder in ("nosuch", "nosuch2", "nosuch3"):
        assert not (tmp / folder).exists(), folder
    assert not (tmp / "cwd" / "data").exists()


def test_the_damaged_archive_is_named_and_nothing_wrote_into_it(outcomes, places):
    for name in ("crawl-db-damaged", "demo-db-damaged", "worker-db-damaged", "db-upgrade-damaged"):
        assert "damaged" in outcomes[name].stderr and "run " not in outcomes[name].stdout, name
    verify = outcomes["verify-db-damaged"]
    # SQLite's own words: the damaged pages ("Page 7: …") or, when a table's root page is hit
    # (which pages are depends on the schema), its verdict that the image is malformed.
    assert any(line.startswith("DAMAGED sqlite: ") and ("page" in line.lower() or "malformed" in line)
               for line in verify.stdout.splitlines()), verify.stdout
    # Not a byte changed by any of the commands that met it (crawl, demo, worker, db upgrade…).
    assert sha256(Path(places["damaged"])) == places["damaged_sha"]
    assert "not an SQLite database" in outcomes["export-db-not-sqlite"].stderr


def test_a_removed_setting_is_ignored_with_one_warning_line_and_the_crawl_runs(places):
    # Issue #21 deleted the child-process runtime modes. A cron job still passing their keys
    # (with any value) must archive tonight, and say once why the key no longer does anything.
    work = Path(places["tmp"]) / "removed"
    work.mkdir()
    proc = run_cli("crawl", "--db", str(work / "a.sqlite3"), "--delay", "0", "--no-progress",
                   "-s", "ARCHIVER_EXTRACT_PROCESSES=2", "-s", "ARCHIVER_STORAGE_PROCESS=maybe",
                   places["listing"], cwd=work, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert ": ok, " in proc.stdout, proc.stdout
    warnings = [line for line in proc.stderr.splitlines() if "is ignored" in line]
    assert [w.split(" is ignored")[0] for w in warnings] == [
        "cppcc-archiver: warning: -s ARCHIVER_EXTRACT_PROCESSES",
        "cppcc-archiver: warning: -s ARCHIVER_STORAGE_PROCESS"], proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
