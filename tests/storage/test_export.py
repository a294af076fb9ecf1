"""The JSONL export contract (issue #2): exact fields, UTF-8, versions, filters, streaming."""

from __future__ import annotations

import hashlib
import json
import types
from datetime import timedelta

import pytest
from sqlalchemy import event, insert

from archiver.cli import main
from storage import repository
from storage.export import RECORD_FIELDS, iter_export_records
from storage.models import Article, Snapshot
from tests.storage.helpers import T0, fields, store

URL = "http://www.jzzx.gov.cn/ldjh/202305/t20230522_1.html"
EXPECTED_FIELDS = [
    "url", "site", "title", "published_at", "source", "author", "body", "speaker",
    "speaker_title", "delivered_on", "images", "attachments", "status", "version", "versions",
    "first_seen_at", "fetched_at", "sha256", "snapshot_id", "crawl_run_id", "extractor",
]


def export(db_url: str, tmp_path, *extra: str) -> list[dict]:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.jsonl"
    assert main(["export", "--db", db_url, "--format", "jsonl", "--output", str(out), *extra]) == 0
    raw = out.read_bytes()
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


def test_record_has_exactly_the_contract_fields(session, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = repository.start_run(session, args={}, software_version="0.1.0")
    raw = "<html><h1>讲话</h1></html>".encode()
    outcome = store(session, URL, raw=raw, run_id=run.id)
    [record] = export(db_url, tmp_path)
    assert list(record) == EXPECTED_FIELDS == list(RECORD_FIELDS)
    assert record == {
        "url": URL,
        "site": "hubei_jingzhou",
        "title": "在市政协十届三次会议闭幕会上的讲话",
        "published_at": "2023-05-22T11:15:00+08:00",
        "source": "市政协办公室",
        "author": None,
        "body": "各位委员：\n同志们：\n今天会议圆满完成各项议程。",
        "speaker": "段鸣",
        "speaker_title": "市政协主席",
        "delivered_on": "2023-05-22",
        "images": [{"url": "http://www.example.gov.cn/img/1.jpg", "caption": "会议现场"}],
        "attachments": [],
        "status": "live",
        "version": 1,
        "versions": 1,
        "first_seen_at": "2026-03-01T08:00:00Z",
        "fetched_at": "2026-03-01T08:00:00Z",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "snapshot_id": outcome.snapshot_id,
        "crawl_run_id": run.id,
        "extractor": "cppcc-archiver/1",
    }


def test_utf8_without_escapes_and_nfc(session, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    decomposed = "Cafe\u0301 讲话"  # e + combining acute: must come out composed
    store(session, URL, fields(title=decomposed))
    out = tmp_path / "out.jsonl"
    assert main(["export", "--db", db_url, "--output", str(out)]) == 0
    raw = out.read_bytes()
    assert "在市政协".encode() not in raw or True
    assert "各位委员".encode("utf-8") in raw and b"\\u" not in raw
    assert json.loads(raw)["title"] == "Caf\u00e9 讲话"


def test_stdout_is_the_default_output(session, db_url, capfdbinary) -> None:  # type: ignore[no-untyped-def]
    store(session, URL)
    assert main(["export", "--db", db_url]) == 0
    out = capfdbinary.readouterr().out
    assert out.count(b"\n") == 1 and "段鸣".encode() in out


def test_latest_by_default_all_versions_on_request(session, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store(session, URL)
    store(session, URL, fields(body="修改后的正文。"), at=T0 + timedelta(days=1))
    store(session, URL + "?2", at=T0 + timedelta(days=1))
    latest = export(db_url, tmp_path)
    assert [(r["url"], r["version"], r["versions"]) for r in latest] == [(URL, 2, 2), (URL + "?2", 1, 1)]
    assert latest[0]["body"] == "修改后的正文。"
    every = export(db_url, tmp_path, "--all-versions")
    assert [(r["url"], r["version"]) for r in every] == [(URL, 1), (URL, 2), (URL + "?2", 1)]
    assert every[0]["fetched_at"] == "2026-03-01T08:00:00Z"
    assert every[1]["fetched_at"] == "2026-03-02T08:00:00Z"


def test_removed_articles_are_exported_with_status(session, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store(session, URL)
    repository.mark_removed(session, run_id=None, url=URL, how="http-404", seen_at=T0 + timedelta(days=1), fetch=None)
    session.commit()
    [record] = export(db_url, tmp_path)
    assert record["status"] == "removed" and record["body"]


def test_filters(session, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store(session, URL, fields(published_at="2021-12-31", speaker="段鸣"))
    store(session, URL + "?b", fields(published_at="2022-06-23T10:00:00+08:00", speaker="王  强"), site="hubei_wuhan")
    store(session, URL + "?c", fields(published_at="2023-01-01", speaker="王强"))
    urls = lambda *a: [r["url"] for r in export(db_url, tmp_path, *a)]  # noqa: E731
    assert urls("--site", "hubei_wuhan") == [URL + "?b"]
    assert urls("--since", "2022-01-01") == [URL + "?b", URL + "?c"]
    assert urls("--until", "2022-06-23") == [URL, URL + "?b"]
    assert urls("--since", "2022", "--until", "2022") == [URL + "?b"]
    assert urls("--until", "2022-06") == [URL, URL + "?b"]
    assert urls("--speaker", "王 强") == [URL + "?b", URL + "?c"]
    assert urls("--speaker", "段鸣", "--site", "hubei_wuhan") == []


def test_changed_since(session, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store(session, URL)
    store(session, URL + "?b")
    store(session, URL, fields(body="改了。"), at=T0 + timedelta(days=10))
    repository.mark_removed(session, run_id=None, url=URL + "?b", how="soft-404",
                            seen_at=T0 + timedelta(days=12), fetch=None)
    session.commit()
    store(session, URL + "?c", at=T0 + timedelta(days=3))
    got = lambda ts, *a: [(r["url"], r["version"]) for r in export(db_url, tmp_path, "--changed-since", ts, *a)]  # noqa: E731
    assert got("2026-03-05") == [(URL, 2), (URL + "?b", 1)]
    assert got("2026-03-11T12:00:00+00:00") == [(URL + "?b", 1)]
    assert got("2026-03-03T08:00:00Z") == [(URL, 2), (URL + "?b", 1), (URL + "?c", 1)]
    assert got("2026-03-05", "--all-versions") == [(URL, 2), (URL + "?b", 1)]
    assert got("2027-01-01") == []


def test_bad_arguments_exit_2(sqlite_url, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["export", "--db", sqlite_url, "--output", "../escape.jsonl"]) == 2
    assert main(["export", "--db", sqlite_url, "--output", str(tmp_path / "a" / ".." / "b.jsonl")]) == 2
    assert "'..'" in capsys.readouterr().err
    assert main(["export", "--db", sqlite_url, "--format", "warc", "--output", str(tmp_path / "a.warc")]) == 2
    assert main(["export", "--db", f"sqlite:///{tmp_path / 'missing.sqlite3'}"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["export", "--db", sqlite_url, "--since", "last week"])
    assert exc.value.code == 2


def test_streaming_uses_bounded_batches(session) -> None:  # type: ignore[no-untyped-def]
    site = repository.get_or_add_site(session, "s")
    n = 3000
    # Bulk rows (the crawler's path is tested elsewhere; here only the reading matters).
    session.execute(insert(Article), [
        {"id": i + 1, "site_id": site.id, "url": f"http://example.gov.cn/a/{i}.html", "first_seen_at": T0,
         "last_seen_at": T0, "status": "live", "current_version": 1, "unchanged_streak": 0}
        for i in range(n)
    ])
    session.execute(insert(Snapshot), [
        {"article_id": i + 1, "version": 1, "content_hash": "0" * 64, "fields": fields(title=f"讲话{i}"),
         "title": f"讲话{i}", "audit": [], "extractor": "e", "reason": "crawl", "created_at": T0}
        for i in range(n)
    ])
    session.commit()

    statements: list[tuple[str, int]] = []

    def count_rows(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, cursor.rowcount))

    engine = session.get_bind()
    event.listen(engine, "after_cursor_execute", count_rows)
    try:
        records = iter_export_records(session, batch=200)
        assert isinstance(records, types.GeneratorType)
        assert statements == []  # nothing runs until the first record is asked for
        first = next(records)
        assert first["title"] == "讲话0" and len(statements) == 1
        assert "LIMIT" in statements[0][0].upper()
        titles = [first["title"]] + [r["title"] for r in records]
    finally:
        event.remove(engine, "after_cursor_execute", count_rows)
    assert titles == [f"讲话{i}" for i in range(n)]
    # One bounded query per batch of 200: never one query returning every row.
    assert len(statements) == n // 200 + 1
    assert all("LIMIT" in s.upper() for s, _ in statements)
