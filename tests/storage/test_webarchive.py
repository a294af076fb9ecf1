"""Issue #20: WACZ replayed by a real pywb, CDXJ that points into the WARC export, Atom feeds of
exactly the replica's day-two events. Everything crawled from the replica over real HTTP."""

from __future__ import annotations

import email.utils
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import feedparser
import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.replica.testing import ReplicaProcess
from storage.blobs import decompress
from tests.clirun import crawl, run_cli, speech_gold

SITE = "trs"


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """One site crawled on day 1, then on day 2 with every article revisited."""
    tmp = tmp_path_factory.mktemp("webarchive")
    db = f"sqlite:///{tmp}/archive.sqlite3"
    with ReplicaProcess(scale=12, sites=[SITE]) as rp:
        listing = rp.sites[SITE]["listing"]
        crawl(db, listing, cwd=tmp)
        day1 = speech_gold(rp, day=1)
        rp.set_day(2)
        crawl(db, listing, cwd=tmp, extra=("--revisit", "all"))
        day2 = speech_gold(rp, day=2, status=None)
    yield tmp, db, day1, day2


def _versions(db_file: Path) -> list[tuple[str, int, str, str]]:
    """(article url, version, first page's fetch time, body sha256) of every stored version."""
    with sqlite3.connect(db_file) as con:
        return con.execute(
            "SELECT a.url, s.version, f.fetched_at, f.body_sha256 FROM snapshots s "
            "JOIN articles a ON a.id = s.article_id JOIN snapshot_fetches sf ON sf.snapshot_id = s.id "
            "AND sf.position = 0 JOIN fetches f ON f.id = sf.fetch_id ORDER BY s.id").fetchall()


def _stored_body(db_file: Path, sha: str) -> bytes:
    with sqlite3.connect(db_file) as con:
        data, size = con.execute("SELECT data, size FROM bodies WHERE sha256 = ?", (sha,)).fetchone()
    return decompress(data, size)


def _ts14(fetched_at: str) -> str:
    return fetched_at.replace("-", "").replace(" ", "").replace(":", "").replace("T", "")[:14]


def _pywb_bin() -> Path:
    """pywb lives in a venv of its own (`make test` builds it): it pins redis 2.x, we need 5."""
    where = Path(os.environ.get("ARCHIVER_PYWB", Path(sys.prefix) / "pywb")) / "bin"
    if (where / "wayback").exists():
        return where
    reason = f"pywb not installed at {where} (make test installs it)"
    if os.environ.get("ARCHIVER_REQUIRE_SERVICES"):
        pytest.fail(reason + " (required in CI)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_wacz_validates_and_pywb_replays_every_version(two_days, tmp_path):
    tmp, db, _day1, _day2 = two_days
    package = tmp_path / "speeches.wacz"
    proc = run_cli("export", "--db", db, "--format", "wacz", "--output", str(package), cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    check = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(package)],
                           capture_output=True, text=True)
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout + check.stderr

    with sqlite3.connect(tmp / "archive.sqlite3") as con:
        files = con.execute("SELECT f.url, f.body_sha256 FROM snapshot_files sf JOIN fetches f "
                            "ON f.id = sf.fetch_id WHERE sf.status = 'stored'").fetchall()
    assert files, "the replica links attachments and images (issue #19)"
    versions = _versions(tmp / "archive.sqlite3")
    edited = sorted({url for url, version, _t, _s in versions if version == 2})
    assert edited, "the replica edits articles on day 2"
    url = edited[0]
    mine = [(v, t, s) for u, v, t, s in versions if u == url]

    pywb = _pywb_bin()
    root = tmp_path / "pywb"
    root.mkdir()
    subprocess.run([pywb / "wb-manager", "init", "coll"], cwd=root, check=True, capture_output=True)
    subprocess.run([pywb / "wb-manager", "add", "--unpack-wacz", "coll", str(package)], cwd=root,
                   check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([pywb / "wayback", "--bind", "127.0.0.1", "-p", str(port)], cwd=root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/coll"
        for _ in range(150):
            try:
                _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                time.sleep(0.2)
        for version, fetched_at, sha in mine:
            status, body = _get(f"{base}/{_ts14(fetched_at)}id_/{url}")
            assert status == 200, (version, status)
            assert body == _stored_body(tmp / "archive.sqlite3", sha), f"version {version} replayed other bytes"
        for file_url, sha in files[:3]:  # the files the versions linked replay as stored
            status, body = _get(f"{base}/2id_/{file_url}")
            assert status == 200 and body == _stored_body(tmp / "archive.sqlite3", sha), file_url
        status, timemap = _get(f"{base}/timemap/link/{url}")
        assert status == 200
        listed = {email.utils.parsedate_to_datetime(part.split('datetime="', 1)[1].split('"', 1)[0])
                  .strftime("%Y%m%d%H%M%S")
                  for part in timemap.decode().split(",\n") if 'rel="memento"' in part}
        assert {_ts14(t) for _v, t, _s in mine} <= listed
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_cdxj_points_into_the_warc_export(two_days, tmp_path):
    tmp, db, _day1, _day2 = two_days
    warc, index = tmp_path / "speeches.warc.gz", tmp_path / "speeches.cdxj"
    assert run_cli("export", "--db", db, "--format", "warc", "--output", str(warc), cwd=tmp).returncode == 0
    proc = run_cli("export", "--db", db, "--format", "cdxj", "--output", str(index), cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    lines = index.read_text("utf-8").splitlines()
    assert lines and lines == sorted(lines)
    import json

    responses = 0
    with open(warc, "rb") as fh:
        for line in lines:
            entry = json.loads(line.split(" ", 2)[2])
            assert entry["filename"] == "speeches.warc.gz"
            fh.seek(int(entry["offset"]))
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]
            responses += record.rec_type == "response"
    with sqlite3.connect(tmp / "archive.sqlite3") as con:
        stored = con.execute("SELECT count(*) FROM fetches WHERE status IS NOT NULL").fetchone()[0]
    assert responses == stored


def test_atom_feed_has_exactly_the_days_events(two_days, tmp_path):
    tmp, db, day1, day2 = two_days
    feed_file = tmp_path / "changes.xml"
    proc = run_cli("export", "--db", db, "--format", "atom", "--feed-limit", "0",
                   "--output", str(feed_file), cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    feed = feedparser.parse(feed_file.read_bytes())
    assert not feed.bozo, feed.bozo_exception
    got: dict[str, list[str]] = {}
    for entry in feed.entries:
        kinds = [t.term for t in entry.tags if not t.term.startswith("site:")]
        got.setdefault(kinds[0], []).append(entry.link)
    by_url = {g["url"]: g for g in day2.values()}
    new = set(day1) | {u for u, g in by_url.items() if u not in day1 and g["status"] == "live"}
    edited = {u for u, g in by_url.items() if g.get("edited_on_day") == 2 and g["status"] == "live"}
    removed = {u for u, g in by_url.items() if g["status"] == "removed" and u in day1}
    assert edited and removed
    assert sorted(got.get("new", [])) == sorted(new)
    assert sorted(got.get("edited", [])) == sorted(edited)
    assert sorted(got.get("removed", [])) == sorted(removed)
    assert "restored" not in got
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids))
    stamps = [e.updated_parsed for e in feed.entries]
    assert stamps == sorted(stamps, reverse=True)


def test_feed_survives_control_characters_and_cdata_ends(tmp_path):
    from storage.feeds import entry_title, Event
    from datetime import UTC, datetime

    event = Event("new", datetime(2024, 1, 1, tzinfo=UTC), 1, "http://x/a.html", "s",
                  "讲话\x08]]>标题\x1b", "snapshot/1", "")
    assert entry_title(event) == "New: 讲话]]>标题"


def test_empty_selection_is_a_valid_empty_feed_and_package(two_days, tmp_path):
    tmp, db, _day1, _day2 = two_days
    feed_file = tmp_path / "none.xml"
    proc = run_cli("export", "--db", db, "--format", "atom", "--until", "1900",
                   "--output", str(feed_file), cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    feed = feedparser.parse(feed_file.read_bytes())
    assert not feed.bozo and feed.entries == []
    package = tmp_path / "none.wacz"
    proc = run_cli("export", "--db", db, "--format", "wacz", "--until", "1900",
                   "--output", str(package), cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    check = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(package)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize("args, message", [
    (("--format", "wacz", "--output", "-"), "give --output FILE.wacz"),
    (("--format", "wacz", "--output", "x.zip"), "*.wacz"),
    (("--format", "atom", "--output", "missing/feed.xml"), "does not exist"),
])
def test_bad_outputs_are_one_clear_line(two_days, tmp_path, args, message):
    tmp, db, _day1, _day2 = two_days
    proc = run_cli("export", "--db", db, *args, cwd=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_damaged_or_missing_bodies_are_left_out_with_a_line_and_the_package_stays_valid(two_days, tmp_path):
    import shutil

    tmp, _db, _day1, _day2 = two_days
    copy = tmp_path / "damaged.sqlite3"
    shutil.copy(tmp / "archive.sqlite3", copy)
    with sqlite3.connect(copy) as con:
        shas = [r[0] for r in con.execute(
            "SELECT f.body_sha256 FROM snapshot_fetches sf JOIN fetches f ON f.id = sf.fetch_id "
            "ORDER BY f.id LIMIT 2")]
        con.execute("PRAGMA foreign_keys = OFF")
        con.execute("DELETE FROM bodies WHERE sha256 = ?", (shas[0],))
        good = con.execute("SELECT data FROM bodies WHERE sha256 != ? LIMIT 1", (shas[1],)).fetchone()[0]
        con.execute("UPDATE bodies SET data = ? WHERE sha256 = ?", (good, shas[1]))
    package = tmp_path / "damaged.wacz"
    proc = run_cli("export", "--db", f"sqlite:///{copy}", "--format", "wacz", "--output", str(package),
                   cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    left = [line for line in proc.stderr.splitlines() if "left out" in line]
    assert any("missing" in line for line in left) and any("fixity" in line for line in left), proc.stderr
    assert "Traceback" not in proc.stderr
    check = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(package)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_atom_search_selects_the_articles_mentioning_the_terms(two_days, tmp_path):
    tmp, db, _day1, _day2 = two_days
    with sqlite3.connect(tmp / "archive.sqlite3") as con:
        title, url = con.execute("SELECT s.title, a.url FROM snapshots s JOIN articles a ON a.id = s.article_id "
                                 "WHERE s.version = a.current_version ORDER BY s.id LIMIT 1").fetchone()
    term = title[-6:]
    out = tmp_path / "one.xml"
    proc = run_cli("export", "--db", db, "--format", "atom", "--search", term, "--output", str(out), cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    links = {e.link for e in feedparser.parse(out.read_bytes()).entries}
    assert url in links
    with sqlite3.connect(tmp / "archive.sqlite3") as con:
        expected = {u for (u,) in con.execute(
            "SELECT a.url FROM snapshots s JOIN articles a ON a.id = s.article_id "
            "WHERE s.version = a.current_version AND (instr(s.title, ?) OR instr(s.body, ?))", (term, term))}
    assert links == expected
