"""Attachments and images over real HTTP against the replica (issue #19): fetched with the
crawl, stored content-addressed and verified, their text searchable, exported and in the WARC;
speech fields read from a file; bad inputs end as per-file statuses; revisits notice a changed
and a removed file; ``reprocess`` re-reads texts from the stored bytes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.replica.files import FILE_PHRASE, REVISION_LINE
from archiver.replica.testing import ReplicaProcess
from tests.clirun import crawl, export_jsonl, run_cli

SITE = "trs"


def _gold(rp) -> dict[str, dict]:
    return {g["key"]: g for g in rp.gold(site=SITE, boilerplate=False) if g["key"].startswith("file-")}


def _stats(db: Path, run: int = -1) -> dict:
    rows = sqlite3.connect(db).execute("SELECT stats FROM crawl_runs ORDER BY id").fetchall()
    return json.loads(rows[run][0])


def _by_url(records: list[dict]) -> dict[str, dict]:
    return {r["url"]: r for r in records}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("files")
    with ReplicaProcess(scale=20, sites=[SITE]) as rp:
        db = tmp / "a.sqlite3"
        proc = crawl(f"sqlite:///{db}", rp.sites[SITE]["listing"], cwd=tmp)
        yield rp, db, tmp, proc


def test_files_are_stored_hashed_and_verified(crawled):
    rp, db, tmp, proc = crawled
    gold = _gold(rp)
    stats = _stats(db)
    assert stats["archiver/files/attachment/stored"] >= 3 + 5  # pdf, docx, wps + the bad ones kept
    assert stats["archiver/files/image/stored"] >= 2
    assert stats["archiver/files/speech_from_attachment"] == 2
    url = gold["file-pdf"]["attachments"][0]["url"]
    with urllib.request.urlopen(url) as answer:
        digest = hashlib.sha256(answer.read()).hexdigest()
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM bodies WHERE sha256 = ?", (digest,)).fetchone() == (1,)
    fetch = con.execute("SELECT kind, status, referer, article_id FROM fetches WHERE url = ?", (url,)).fetchone()
    assert fetch[:3] == ("attachment", 200, gold["file-pdf"]["url"]) and fetch[3] is not None
    # the version that linked it
    assert con.execute("SELECT count(*) FROM snapshot_files WHERE sha256 = ?", (digest,)).fetchone()[0] >= 1
    verify = run_cli("verify", "--db", f"sqlite:///{db}", cwd=tmp)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_export_carries_file_fields_text_and_speech_from_the_file(crawled):
    rp, db, tmp, _ = crawled
    gold = _gold(rp)
    records = _by_url(export_jsonl(f"sqlite:///{db}", cwd=tmp))
    pdf = records[gold["file-pdf"]["url"]]
    entry = pdf["attachments"][0]
    assert {k: entry[k] for k in ("media_type", "status", "text_status")} == {
        "media_type": "application/pdf", "status": "stored", "text_status": "text"}
    assert len(entry["sha256"]) == 64 and entry["size"] > 0 and FILE_PHRASE["pdf"] in entry["text"]
    assert FILE_PHRASE["pdf"] not in pdf["body"]  # only in the file
    assert (pdf["speaker"], pdf["speaker_title"], pdf["delivered_on"]) == ("韩立明", "市政协主席", "2019-06-12")
    docx = records[gold["file-docx"]["url"]]
    assert docx["speaker"] == "鲁振华" and FILE_PHRASE["docx"] in docx["attachments"][0]["text"]
    wps = records[gold["file-wps"]["url"]]["attachments"][0]
    assert (wps["status"], wps["reason"]) == ("stored", "no text: format WPS/Works")
    scan = records[gold["file-scan"]["url"]]["images"]
    assert [i["media_type"] for i in scan] == ["image/png", "image/jpeg"] and all(i["sha256"] for i in scan)


def test_bad_inputs_end_as_per_file_statuses(crawled):
    rp, db, tmp, proc = crawled
    bad = _by_url(export_jsonl(f"sqlite:///{db}", cwd=tmp))[_gold(rp)["file-bad"]["url"]]
    got = [(a["status"], a.get("media_type"), a.get("reason") or "") for a in bad["attachments"]]
    assert got[0][0] == "stored" and got[0][2].startswith("zip bomb refused")
    assert got[1][0] == "stored" and got[1][2].startswith("text of the first")  # million pages
    assert got[2][0] == "stored" and got[2][2].startswith("unreadable PDF")
    assert got[3] == ("failed", "text/html", "soft-404: an HTML page instead of the file")
    assert got[4][:2] == ("stored", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert bad["attachments"][5]["text_status"] == "text" and "filename" not in bad["attachments"][5]  # GBK name decoded
    assert "ok" in proc.stdout.splitlines()[-1]  # the crawl went on; the site's truths are not shortfalls


def test_search_finds_a_phrase_only_in_the_attachment(crawled):
    rp, db, tmp, _ = crawled
    out = run_cli("search", "--db", f"sqlite:///{db}", FILE_PHRASE["pdf"], "--format", "jsonl", cwd=tmp, check=True)
    hits = [json.loads(line) for line in out.stdout.splitlines()]
    assert _gold(rp)["file-pdf"]["url"] in [h["url"] for h in hits]
    assert all(h["found_in"].startswith("attachment http") for h in hits)
    pages = run_cli("search", "--db", f"sqlite:///{db}", FILE_PHRASE["pdf"], "--pages-only", "--format", "jsonl",
                    cwd=tmp, check=True)
    assert pages.stdout.strip() == ""
    shown = run_cli("show", "--db", f"sqlite:///{db}", _gold(rp)["file-pdf"]["url"], cwd=tmp, check=True)
    assert FILE_PHRASE["pdf"] in shown.stdout and "attachment  stored  application/pdf" in shown.stdout


def test_warc_holds_the_file_records_and_passes_warcio_check(crawled):
    rp, db, tmp, _ = crawled
    gold = _gold(rp)
    warc = tmp / "speech.warc.gz"
    run_cli("export", "--db", f"sqlite:///{db}", "--format", "warc", "--speaker", "韩立明", "--output", str(warc),
            cwd=tmp, check=True)
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with warc.open("rb") as stream:
        responses = {r.rec_headers.get_header("WARC-Target-URI"): r.rec_headers.get_header("WARC-Payload-Digest")
                     for r in ArchiveIterator(stream) if r.rec_type == "response"}
    url = gold["file-pdf"]["attachments"][0]["url"]
    assert url in responses and gold["file-pdf"]["url"] in responses


def test_revisit_notices_a_changed_and_a_removed_file_and_reprocess_rereads(tmp_path):
    with ReplicaProcess(scale=20, sites=[SITE]) as rp:
        db, listing = tmp_path / "a.sqlite3", rp.sites[SITE]["listing"]
        crawl(f"sqlite:///{db}", listing, cwd=tmp_path)
        gold = _gold(rp)
        rp.fault(SITE, None, "revised_files")
        docx_path = gold["file-docx"]["attachments"][0]["url"].split(rp.sites[SITE]["base"], 1)[1]
        rp.fault(SITE, docx_path, "status", status=404)
        proc = crawl(f"sqlite:///{db}", listing, cwd=tmp_path, extra=("--revisit", "all"), check=False)
        records = _by_url(export_jsonl(f"sqlite:///{db}", cwd=tmp_path))
        pdf, docx = records[gold["file-pdf"]["url"]], records[gold["file-docx"]["url"]]
        assert pdf["version"] == 2 and REVISION_LINE in pdf["attachments"][0]["text"]
        assert docx["version"] == 2 and (docx["attachments"][0]["status"], docx["attachments"][0]["reason"]) \
            == ("removed", "http-404")
        assert _stats(db)["archiver/storage/files_removed"] == 1
        # Files served byte-identical again make no version (generated files are deterministic).
        assert records[gold["file-wps"]["url"]]["version"] == records[gold["file-scan"]["url"]]["version"] == 1
        diff = run_cli("show", "--db", f"sqlite:///{db}", gold["file-pdf"]["url"], "--diff", cwd=tmp_path, check=True)
        assert "attachments" in diff.stdout and gold["file-pdf"]["attachments"][0]["url"] in diff.stdout
        assert "files removed" not in proc.stdout  # a removal is a note, not a shortfall
    again = run_cli("reprocess", "--db", f"sqlite:///{db}", cwd=tmp_path, check=True)
    assert "attachment texts re-read" in again.stderr and " 0 changed" in again.stderr
    reread = sqlite3.connect(db).execute("SELECT count(*) FROM file_texts").fetchone()[0]
    assert reread >= 5


TEXT_COLUMNS = "sha256, media_type, status, reason, text, chars, pages, extractor"


def test_a_file_linked_by_many_sites_is_read_once(tmp_path):
    """Issue #21: every site links the same speech files; their texts go to the child once per
    distinct file (sha256 and media type), and the archive holds the same texts as without the cache."""
    sites = ["trs", "hanweb", "legacy"]
    runs = {}
    with ReplicaProcess(scale=5, sites=sites) as rp:
        listings = [rp.sites[s]["listing"] for s in sites]
        for name, extra in (("cached", ()), ("off", ("-s", "ARCHIVER_FILE_TEXT_CACHE_ENTRIES=0"))):
            db = tmp_path / f"{name}.sqlite3"
            crawl(f"sqlite:///{db}", *listings, cwd=tmp_path, extra=extra)
            links = [(e["sha256"], e["media_type"]) for r in export_jsonl(f"sqlite:///{db}", cwd=tmp_path)
                     for e in r.get("attachments") or [] if e.get("status") == "stored"]
            texts = sqlite3.connect(db).execute(f"SELECT {TEXT_COLUMNS} FROM file_texts ORDER BY sha256").fetchall()
            runs[name] = (_stats(db), links, texts)
    (cached, links, texts), (off, links_off, texts_off) = runs["cached"], runs["off"]
    assert sorted(links) == sorted(links_off) and len(set(links)) < len(links)  # the same files, shared
    assert cached["archiver/files/text/reads"] == len(set(links))
    assert cached["archiver/files/text/cache_hits"] == len(links) - len(set(links))
    assert off["archiver/files/text/reads"] == len(links) and "archiver/files/text/cache_hits" not in off
    # Bytes linked under two media types (an OLE2 file named .doc here, .wps there) are read
    # twice, and the archive keeps whichever text was stored first (one row per sha256).
    both = {sha for sha, kind in set(links) if sum(sha == other for other, _ in set(links)) > 1}
    assert len(texts) >= 5
    assert [row if row[0] not in both else row[:1] + row[4:] for row in texts] == \
        [row if row[0] not in both else row[:1] + row[4:] for row in texts_off]
