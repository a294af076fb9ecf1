"""WARC export: request/response per fetch, honest headers, digests, provenance, warcio check."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.cli import main
from storage import repository
from tests.storage.helpers import T0, fields, page, store

URL = "http://www.jzzx.gov.cn/ldjh/202305/t20230522_1.html"


def read_warc(path: Path) -> list[dict]:  # type: ignore[type-arg]
    records = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            records.append({
                "type": rec.rec_type,
                "uri": rec.rec_headers.get_header("WARC-Target-URI"),
                "headers": rec.rec_headers,
                "http": rec.http_headers,
                "payload": rec.content_stream().read(),
            })
    return records


def warcio_check(path: Path) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", str(path)],
                          capture_output=True, text=True)


def populate(session) -> tuple[bytes, int]:  # type: ignore[no-untyped-def]
    run = repository.start_run(session, args={"sites": ["hubei_jingzhou"]}, software_version="0.1.0")
    raw = "<html><head><meta charset=utf-8></head><h1>讲话</h1><p>各位委员</p></html>".encode()
    # Scrapy hands us the decoded body but the original headers: gzip + chunked must not survive.
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
               ("Transfer-Encoding", "chunked"), ("Content-Length", "17")]
    listing = repository.record_fetch(
        session, run_id=run.id, site_slug="hubei_jingzhou", kind="listing",
        page=page("http://www.jzzx.gov.cn/ldjh/index.html", "<ul><li>讲话</li></ul>"),
    )
    assert listing.id
    first = repository.record_fetch(session, run_id=run.id, site_slug="hubei_jingzhou", kind="article",
                                    page=page(URL, raw, headers=headers),
                                    listing_url="http://www.jzzx.gov.cn/ldjh/index.html")
    second = repository.record_fetch(session, run_id=run.id, site_slug="hubei_jingzhou", kind="article",
                                     page=page(URL.replace(".html", "_1.html"), "<p>第二页</p>"))
    repository.add_version(session, run_id=run.id, site_slug="hubei_jingzhou", url=URL, fields=fields(),
                           audit=[{"rule": "icp", "text": "鄂ICP备05003号"}], extractor="cppcc-archiver/1",
                           fetches=[first, second], seen_at=T0)
    failed = page("http://www.jzzx.gov.cn/ldjh/broken.html", b"", status=0)
    repository.record_fetch(session, run_id=run.id, site_slug="hubei_jingzhou", kind="article-error",
                            page=failed, error="TimeoutError: took longer than 30 s")
    session.commit()
    return raw, run.id


def test_warc_records_and_warcio_check(session, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    raw, run_id = populate(session)
    out = tmp_path / "archive.warc.gz"
    assert main(["export", "--db", db_url, "--format", "warc", "--output", str(out)]) == 0
    assert not (tmp_path / "archive.warc.gz.part").exists()

    result = warcio_check(out)
    assert result.returncode == 0, result.stdout + result.stderr

    records = read_warc(out)
    types = [r["type"] for r in records]
    assert types[0] == "warcinfo"
    assert types.count("response") == 3 and types.count("request") == 4  # the failed one has no response
    assert all(r["headers"].protocol == "WARC/1.1" for r in records)

    response = next(r for r in records if r["type"] == "response" and r["uri"] == URL)
    assert response["payload"] == raw  # the bytes as stored
    http = response["http"]
    assert http.get_statuscode() == "200"
    assert http.get_header("Content-Encoding") is None and http.get_header("Transfer-Encoding") is None
    assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert http.get_header("Content-Length") == str(len(raw))
    digest = response["headers"].get_header("WARC-Payload-Digest")
    assert digest == "sha256:" + base64.b32encode(hashlib.sha256(raw).digest()).decode()
    assert response["headers"].get_header("WARC-Date") == "2026-03-01T08:00:00.000000Z"
    assert response["headers"].get_header("WARC-Archiver-Crawl-Run") == str(run_id)

    request = next(r for r in records if r["type"] == "request" and r["uri"] == URL)
    assert request["headers"].get_header("WARC-Concurrent-To") == response["headers"].get_header("WARC-Record-ID")
    assert request["http"].protocol == "GET" or request["http"].statusline.startswith("GET /ldjh/")
    assert request["http"].get_header("Host") == "www.jzzx.gov.cn"

    metadata = [r for r in records if r["type"] == "metadata"]
    version = next(json.loads(r["payload"]) for r in metadata if b"snapshot_id" in r["payload"])
    assert version["crawl_run_id"] == run_id and version["extractor"] == "cppcc-archiver/1"
    assert version["fields"]["body"].startswith("各位委员") and version["version"] == 1
    assert version["cleaning_audit"] == [{"rule": "icp", "text": "鄂ICP备05003号"}]
    assert version["crawl_run"]["software_version"] == "0.1.0"
    meta_record = next(r for r in metadata if b"snapshot_id" in r["payload"])
    assert meta_record["headers"].get_header("WARC-Refers-To") == response["headers"].get_header("WARC-Record-ID")
    assert len(version["fetch_records"]) == 2
    errors = [json.loads(r["payload"]) for r in metadata if b"TimeoutError" in r["payload"]]
    assert errors and errors[0]["error"].startswith("TimeoutError")


def test_warc_filtered_by_article(session, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    populate(session)
    store(session, URL + "?other", fields(speaker="王强"), at=T0 + timedelta(days=1))
    out = tmp_path / "wang.warc.gz"
    assert main(["export", "--db", db_url, "--format", "warc", "--speaker", "王强", "-o", str(out)]) == 0
    assert warcio_check(out).returncode == 0
    records = read_warc(out)
    assert {r["uri"] for r in records if r["type"] == "response"} == {URL + "?other"}
    assert sum(r["type"] == "metadata" for r in records) == 1


def test_warc_to_stdout(session, db_url, capfdbinary) -> None:  # type: ignore[no-untyped-def]
    populate(session)
    assert main(["export", "--db", db_url, "--format", "warc"]) == 0
    assert capfdbinary.readouterr().out[:2] == b"\x1f\x8b"
