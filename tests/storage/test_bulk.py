"""The writer's bulk path (storage/bulk.py) stores exactly what the one-by-one path stores.

Each test writes the same items twice into an empty archive: item by item through ``work.store``
(the one-by-one path, each item its own transaction), then, after emptying it, as one batch
through ``Writer.write_batch`` (new articles and lone fetches in bulk, the rest one by one). Both
must leave the same rows, compared by content (ids may differ), search index included.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from archiver.items import ArticleItem, FetchItem, UnchangedItem
from archiver.pipelines.work import Tally, WriteFailure, Writer, store
from storage import bulk
from storage.db import make_engine, make_session_factory
from archiver.extract.files import FileResult
from storage.models import Article, Body, Fetch, FileText, Site, Snapshot, SnapshotFetch, SnapshotFile
from tests.storage.conftest import _empty_pg
from tests.storage.helpers import T0, fields, page

BASE = "http://www.jzszx.gov.cn"


def article(n: int, *, title: str | None = None, pages: int = 1, **kw: Any) -> ArticleItem:
    url = f"{BASE}/ldjh/2023/{n}.html"
    first = page(url, f"<html><h1>文章{n}</h1>政协委员建言资政{n}</html>", at=T0 + timedelta(minutes=n),
                 headers=[("Content-Type", "text/html; charset=utf-8"), ("ETag", f'"e{n}"'),
                          ("Last-Modified", "Mon, 22 May 2023 03:15:00 GMT")])
    more = [page(f"{BASE}/ldjh/2023/{n}_{i}.html", f"<html>第{i}页{n}</html>", at=T0 + timedelta(minutes=n))
            for i in range(1, pages)]
    return ArticleItem(
        site="hubei_jingzhou", url=url, pages=[first, *more], run_id=None, family="trs",
        listing_url=f"{BASE}/ldjh/index.html", listing_title=f"文章{n}", listing_date="2023-05-22",
        fields=fields(title=title or f"在市政协全体会议上的讲话（{n}）", body=f"各位委员：\n乡村振兴第{n}项工作。"),
        audit=[{"rule": "icp", "text": "鄂ICP备05003号"}], extractor="cppcc-archiver/test", **kw,
    )


def listing(n: int) -> FetchItem:
    return FetchItem(site="hubei_jingzhou", page=page(f"{BASE}/ldjh/index_{n}.html", f"<ul>{n}</ul>"), kind="listing")


def one_by_one(db_url: str, items: list) -> None:
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    for item in items:
        with sessions.begin() as session:
            store(session, item, Tally())
    engine.dispose()


def contents(db_url: str) -> dict[str, Any]:
    """Everything stored, keyed by URLs and digests instead of ids."""
    engine = make_engine(db_url)
    with Session(engine) as s:
        url_of = dict(s.execute(select(Article.id, Article.url)).all())
        slug_of = dict(s.execute(select(Site.id, Site.slug)).all())
        fetch_of = {f.id: f for f in s.scalars(select(Fetch))}
        articles = sorted(
            (a.url, slug_of[a.site_id], a.status, a.current_version, a.etag, a.last_modified,
             a.first_seen_at, a.last_seen_at, a.next_check_at, a.unchanged_streak)
            for a in s.scalars(select(Article)))
        fetches = sorted(
            (f.url, f.kind, f.status, url_of.get(f.article_id), slug_of.get(f.site_id), f.body_sha256,
             f.listing_url, str(f.request_headers), str(f.response_headers), f.fetched_at, f.referer)
            for f in fetch_of.values())
        links: dict[int, list] = {}
        for link in s.scalars(select(SnapshotFetch).order_by(SnapshotFetch.position)):
            links.setdefault(link.snapshot_id, []).append(fetch_of[link.fetch_id].url)
        snapshots = sorted(
            (url_of[v.article_id], v.version, v.content_hash, str(v.fields), str(v.audit), str(v.context),
             v.extractor, v.reason, v.title, v.body, v.speaker, v.published_at, v.created_at,
             tuple(links.get(v.id, ())))
            for v in s.scalars(select(Snapshot)))
        bodies = sorted(s.execute(select(Body.sha256, Body.size, Body.compressed_size)).all())
        files = sorted(
            (url_of[v.article_id], v.version, f.position, f.role, f.url, f.status, f.sha256,
             fetch_of[f.fetch_id].url if f.fetch_id else None)
            for f, v in s.execute(select(SnapshotFile, Snapshot).join(Snapshot, Snapshot.id == SnapshotFile.snapshot_id)))
        texts = sorted((t.sha256, t.media_type, t.status, t.reason, t.text, t.chars, t.pages, t.extractor)
                       for t in s.scalars(select(FileText)))
        found = None
        if engine.dialect.name == "sqlite":
            found = sorted(url_of[article_id] for (article_id,) in s.execute(text(
                "SELECT article_id FROM snapshots WHERE id IN (SELECT rowid FROM snapshot_grams "
                "WHERE snapshot_grams MATCH 'body_pairs:\"乡村 村振 振兴\"')")))
    engine.dispose()
    return {"articles": articles, "fetches": fetches, "snapshots": snapshots, "bodies": bodies, "search": found,
            "files": files, "texts": texts}


@pytest.fixture
def emptied(db_url: str, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Empties the archive at ``db_url`` again (to store the same items the other way)."""

    def empty() -> None:
        if db_url.startswith("sqlite"):
            path = Path(db_url.removeprefix("sqlite:///"))
            for journal in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                journal.unlink(missing_ok=True)
            shutil.copyfile(request.getfixturevalue("sqlite_migrated"), path)
        else:
            _empty_pg(db_url)

    return empty


def test_a_batch_of_new_articles_is_stored_as_one_by_one(db_url: str, emptied) -> None:  # type: ignore[no-untyped-def]
    items = [listing(1), article(1), article(2, pages=3), listing(2), article(3)]
    one_by_one(db_url, items)
    expected = contents(db_url)
    emptied()
    writer = Writer(db_url)
    statements: list[str] = []
    event.listen(writer.engine, "before_cursor_execute", lambda conn, cursor, sql, *a: statements.append(sql))
    results = writer.write_batch(items)
    writer.close()
    # The point of the bulk path: one statement per table, not a dozen per article (five items
    # took 40 one by one). SQLite's ordered RETURNING runs one INSERT per row, so the count
    # is a ceiling there, not an exact number.
    inserts = [sql for sql in statements if sql.lstrip().upper().startswith("INSERT")]
    assert len(statements) <= 12 + (len(inserts) if db_url.startswith("sqlite") else 0), statements
    assert [r.report.get("new", 0) for r in results] == [0, 1, 1, 0, 1]
    assert [r.stats for r in results] == [["archiver/storage/fetches/listing"], ["archiver/storage/new"],
                                          ["archiver/storage/new"], ["archiver/storage/fetches/listing"],
                                          ["archiver/storage/new"]]
    stored = contents(db_url)
    assert len(stored["articles"]) == 3 and len(stored["fetches"]) == 7 and len(stored["snapshots"]) == 3
    assert stored["search"] is None or len(stored["search"]) == 3
    assert stored == expected


def with_files(n: int) -> ArticleItem:
    """An article linking a stored PDF (with its text), a failed image and a skipped file."""
    item = article(n)
    pdf = f"{BASE}/upload/{n}.pdf"
    item.files = [
        FileResult(role="attachment", index=0, url=pdf, status="stored", sha256=None, media_type="application/pdf",
                   text_status="text", text=f"附件正文{n}", pages=2,
                   page=page(pdf, f"%PDF-1.4 附件{n}".encode(), at=T0)),
        FileResult(role="image", index=0, url=f"{BASE}/img/{n}.jpg", status="failed", reason="http-404",
                   page=page(f"{BASE}/img/{n}.jpg", b"gone", status=404, at=T0)),
        FileResult(role="attachment", index=1, url=f"{BASE}/upload/{n}.zip", status="skipped", reason="too big"),
    ]
    item.files[0].sha256 = hashlib.sha256(item.files[0].page.body).hexdigest()
    return item


def test_new_articles_with_files_are_stored_in_bulk_as_one_by_one(db_url: str, emptied) -> None:  # type: ignore[no-untyped-def]
    """Issue #21: a first crawl's articles with attachments go in bulk too (one by one, they cost
    five times the CPU of the others); files, their fetches and texts stored alike."""
    items = [with_files(1), article(2), with_files(3), listing(4)]
    one_by_one(db_url, items)
    expected = contents(db_url)
    emptied()
    writer = Writer(db_url)
    bulked = []
    real = bulk.store_new
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bulk, "store_new", lambda session, arts, fetches: (bulked.extend(a.url for a in arts),
                                                                      real(session, arts, fetches)))
        results = writer.write_batch(items)
    writer.close()
    assert [dict(r.report) for r in results] == [{"new": 1}, {"new": 1}, {"new": 1}, {}]
    assert bulked == [items[0].url, items[1].url, items[2].url]
    stored = contents(db_url)
    assert len(stored["files"]) == 6 and len(stored["texts"]) == 2
    assert stored == expected


def test_a_mixed_batch_takes_both_paths_and_matches_one_by_one(db_url: str, emptied) -> None:  # type: ignore[no-untyped-def]
    known, edited = article(1), article(1, title="修改后的标题")
    soft = article(4, soft_404=True)
    empty = article(5)
    empty.fields = {"title": "", "body": ""}
    seen_again = UnchangedItem(site="hubei_jingzhou", url=known.url, page=page(known.url, b"", status=304, at=T0 + timedelta(days=1)))
    first = [known]
    batch = [article(2), edited, soft, empty, article(3), article(2, title="同一批里改了"), seen_again, listing(9)]
    one_by_one(db_url, first + batch)
    expected = contents(db_url)
    emptied()
    one_by_one(db_url, first)
    writer = Writer(db_url)
    results = writer.write_batch(batch)
    writer.close()
    assert not any(isinstance(r, WriteFailure) for r in results)
    reports = [dict(r.report) for r in results]
    assert reports == [{"new": 1}, {"updated": 1}, {"errors": 1}, {"errors": 1}, {"new": 1}, {"updated": 1},
                       {"not_modified": 1}, {}]
    assert contents(db_url) == expected


def test_a_url_stored_meanwhile_sends_the_batch_one_by_one(db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Another writer stored one of the URLs between the check and the insert: the bulk insert
    fails, the batch rolls back and is stored again item by item; nothing is lost or doubled."""
    items = [article(1), article(2), article(3)]
    one_by_one(db_url, [items[1]])  # "another writer" was first with article 2
    real_new_urls, calls = bulk.new_urls, []

    def missed_once(session, urls):  # type: ignore[no-untyped-def]
        calls.append(list(urls))
        return set(urls) if len(calls) == 1 else real_new_urls(session, urls)

    monkeypatch.setattr(bulk, "new_urls", missed_once)  # the first check misses article 2
    writer = Writer(db_url)
    results = writer.write_batch(items)
    writer.close()
    assert [dict(r.report) for r in results] == [{"new": 1}, {"unchanged": 1}, {"new": 1}]
    assert len(calls) == 4  # the batch, then each item again on its own
    stored = contents(db_url)
    assert [a[0] for a in stored["articles"]] == sorted(i.url for i in items)
    assert len(stored["snapshots"]) == 3
    assert len(stored["fetches"]) == 4  # article 2 fetched twice, stored once



def test_the_writer_looks_sites_up_once_and_forgets_a_site_its_rollback_undid(db_url: str) -> None:  # type: ignore[no-untyped-def]
    """Issue #21: the writer remembers site ids across batches, but only committed ones. The
    first batch creates the site and rolls back as a whole: the next must create it again
    (a remembered id would name no row)."""
    writer = Writer(db_url)
    calls = []

    def fails_once(session):  # type: ignore[no-untyped-def]
        calls.append(session)  # the site row is in the transaction by now
        if len(calls) == 1:
            raise RuntimeError("injected failure at the first commit")

    event.listen(writer.sessions, "before_commit", fails_once)
    (failed,) = writer.write_batch([article(1)])
    assert isinstance(failed, WriteFailure)
    assert writer.write_batch([article(2)])[0].report == {"new": 1}
    statements: list[str] = []
    event.listen(writer.engine, "before_cursor_execute", lambda conn, cursor, sql, *a: statements.append(sql))
    assert writer.write_batch([article(3)])[0].report == {"new": 1}
    writer.close()
    assert not [sql for sql in statements if "FROM sites" in sql]  # remembered from the second batch
    assert [a[0] for a in contents(db_url)["articles"]] == [article(n).url for n in (2, 3)]
