"""Content-based versioning, removals, restorations, body dedup, runs, article state."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import zstandard

from sqlalchemy import func, select

from archiver.settings import ARCHIVER_REVISIT_INTERVALS
from archiver.state import load_known
from storage import repository
from storage.blobs import ZSTD_LEVEL, compress, get_body, sha256_hex
from storage.models import Article, ArticleEvent, Body, CrawlRun, Fetch, Snapshot, SnapshotFetch
from tests.storage.helpers import T0, fields, page, store

URL = "http://www.jzzx.gov.cn/ldjh/202305/t20230522_1.html"


def count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model))


def test_first_sight_creates_article_and_version_1(session) -> None:  # type: ignore[no-untyped-def]
    outcome = store(session, URL)
    assert outcome.created and outcome.version == 1 and not outcome.restored
    article = session.scalar(select(Article))
    assert article.url == URL and article.status == "live" and article.current_version == 1
    assert article.first_seen_at == T0 == article.last_seen_at
    snap = session.get(Snapshot, outcome.snapshot_id)
    assert snap.title == "在市政协十届三次会议闭幕会上的讲话" and snap.speaker == "段鸣"
    assert snap.reason == "crawl" and snap.extractor == "cppcc-archiver/1"
    assert snap.audit == [{"rule": "icp", "text": "鄂ICP备05003号"}]
    links = session.scalars(select(SnapshotFetch).where(SnapshotFetch.snapshot_id == snap.id)).all()
    assert [link.position for link in links] == [0]


def test_same_content_refetched_adds_no_version(session) -> None:  # type: ignore[no-untyped-def]
    store(session, URL)
    outcome = store(session, URL, at=T0 + timedelta(days=3))
    assert not outcome.created and outcome.version == 1
    assert count(session, Snapshot) == 1
    assert count(session, Fetch) == 2  # the refetch is still recorded
    article = session.scalar(select(Article))
    assert article.last_seen_at == T0 + timedelta(days=3) and article.first_seen_at == T0
    assert article.unchanged_streak == 1
    assert session.scalar(select(Fetch.article_id).order_by(Fetch.id.desc()).limit(1)) == article.id


def test_sidebar_only_change_adds_no_version(session) -> None:  # type: ignore[no-untyped-def]
    store(session, URL, raw="<html><aside>阅读 100 次</aside><p>正文</p></html>")
    outcome = store(session, URL, raw="<html><aside>阅读 101 次 热点新闻</aside><p>正文</p></html>",
                    at=T0 + timedelta(days=1))
    assert not outcome.created
    assert count(session, Snapshot) == 1
    assert count(session, Body) == 2  # both raw pages kept, as fetched


def test_provenance_only_field_change_adds_no_version(session) -> None:  # type: ignore[no-untyped-def]
    store(session, URL)
    outcome = store(session, URL, fields(published_from="meta", author="", keywords=[], editor=None))
    assert not outcome.created


def test_edited_body_makes_version_2(session) -> None:  # type: ignore[no-untyped-def]
    first = store(session, URL)
    edited = fields(body="各位委员：\n同志们：\n今天会议圆满完成了各项议程。")
    second = store(session, URL, edited, at=T0 + timedelta(days=2))
    assert second.created and second.version == 2 and second.snapshot_id != first.snapshot_id
    article = session.scalar(select(Article))
    assert article.current_version == 2 and article.unchanged_streak == 0
    versions = list(repository.iter_versions(session, article.id))
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].body.endswith("完成了各项议程。")
    assert repository.get_article(session, URL).current_version == 2


def test_crawl_with_a_new_extractor_notes_the_old_one(session) -> None:  # type: ignore[no-untyped-def]
    store(session, URL)
    second = store(session, URL, fields(body="更干净的正文。"), extractor="cppcc-archiver/2")
    snap = session.get(Snapshot, second.snapshot_id)
    assert snap.reason == "crawl" and snap.previous_extractor == "cppcc-archiver/1"
    third = store(session, URL, fields(body="再次修改。"), extractor="cppcc-archiver/2")
    assert session.get(Snapshot, third.snapshot_id).previous_extractor is None


def test_continuation_pages_are_linked_in_order(session) -> None:  # type: ignore[no-untyped-def]
    pages = [page(URL.replace(".html", f"_{i}.html"), f"第{i + 1}页") for i in (1, 2)]
    outcome = store(session, URL, extra_pages=pages)
    fetches = repository.iter_snapshot_fetches(session, outcome.snapshot_id)
    assert [f.url for f in fetches] == [URL, pages[0].url, pages[1].url]


def test_removal_then_return(session) -> None:  # type: ignore[no-untyped-def]
    store(session, URL)
    gone = repository.record_fetch(session, run_id=None, site_slug="hubei_jingzhou",
                                   page=page(URL, "Not Found", status=404), kind="article")
    at = T0 + timedelta(days=5)
    assert repository.mark_removed(session, run_id=None, url=URL, how="http-404", seen_at=at, fetch=gone)
    session.commit()
    article = repository.get_article(session, URL)
    assert article.status == "removed" and article.removed_at == at
    # Idempotent: a second 404 changes nothing and records no second event.
    assert not repository.mark_removed(session, run_id=None, url=URL, how="http-404",
                                       seen_at=at + timedelta(days=1), fetch=None)
    events = session.scalars(select(ArticleEvent)).all()
    assert [(e.kind, e.how, e.fetch_id) for e in events] == [("removed", "http-404", gone.id)]
    # Unknown URLs are not invented.
    assert not repository.mark_removed(session, run_id=None, url=URL + "x", how="soft-404",
                                       seen_at=at, fetch=None)

    back = store(session, URL, at=T0 + timedelta(days=9))
    assert back.restored and not back.created
    article = session.scalar(select(Article))
    assert article.status == "live" and article.removed_at is None
    kinds = session.scalars(select(ArticleEvent.kind).order_by(ArticleEvent.id)).all()
    assert kinds == ["removed", "restored"]


def test_identical_bodies_are_stored_once(session, db_url) -> None:  # type: ignore[no-untyped-def]
    raw = os.urandom(200_000)  # incompressible: any second copy would show in the file size
    store(session, URL, raw=raw)
    assert count(session, Body) == 1
    size_before = _db_size(session, db_url)
    for day in range(1, 21):
        store(session, URL, raw=raw, at=T0 + timedelta(days=day))
    assert count(session, Body) == 1 and count(session, Fetch) == 21
    assert _db_size(session, db_url) - size_before < len(raw) // 2
    assert get_body(session, sha256_hex(raw)) == raw
    body = session.get(Body, sha256_hex(raw))
    assert body.size == len(raw)


def _db_size(session, db_url: str) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    if db_url.startswith("sqlite"):
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        path = db_url.removeprefix("sqlite:///")
        return os.path.getsize(path)
    return session.execute(text("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE n.nspname = current_schema() AND c.relkind = 'r'")).scalar()


def test_bodies_are_compressed(session) -> None:  # type: ignore[no-untyped-def]
    raw = ("<p>各位委员，同志们：</p>" * 2000).encode("utf-8")
    store(session, URL, raw=raw)
    body = session.get(Body, sha256_hex(raw))
    assert body.compressed_size < body.size // 10 and len(body.data) == body.compressed_size


def test_the_reused_compressor_writes_what_a_new_one_writes() -> None:
    """Issue #21: each thread reuses one compressor; frames compressed one after another, on
    two threads at once, are byte for byte those of a compressor made for each."""
    bodies = [("<p>各位委员：</p>" * n).encode("utf-8") for n in (2000, 1, 300, 0, 5000)] + [os.urandom(5000)]
    fresh = [zstandard.ZstdCompressor(level=ZSTD_LEVEL, write_checksum=True).compress(b) for b in bodies]
    made: dict[int, list[bytes]] = {}

    def run(n: int) -> None:
        made[n] = [compress(b) for b in bodies * 20][-len(bodies):]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == {0: fresh, 1: fresh}


def test_etag_and_last_modified_from_first_page(session) -> None:  # type: ignore[no-untyped-def]
    headers = [("ETag", '"abc"'), ("Last-Modified", "Mon, 22 May 2023 03:15:00 GMT")]
    fetch = repository.record_fetch(session, run_id=None, site_slug="s",
                                    page=page(URL, "x", headers=headers), kind="article")
    repository.add_version(session, run_id=None, site_slug="s", url=URL, fields=fields(),
                           audit=[], extractor="e/1", fetches=[fetch], seen_at=T0)
    session.commit()
    # What the crawl reads back (issue #18: the crawl's own load_known, no test-only API).
    known = load_known(session, ["s"], now=T0 + timedelta(days=1), intervals=ARCHIVER_REVISIT_INTERVALS)
    assert list(known) == [URL]
    assert known[URL].etag == '"abc"' and known[URL].last_modified.startswith("Mon, 22 May 2023")
    assert known[URL].status == "live" and not known[URL].due  # published 2023: every 180 days
    assert load_known(session, ["other"], now=T0, intervals=ARCHIVER_REVISIT_INTERVALS) == {}
    assert repository.get_article(session, URL + "?nope") is None


def test_runs_start_and_finish(session) -> None:  # type: ignore[no-untyped-def]
    run = repository.start_run(session, args={"sites": ["hubei_jingzhou"]}, software_version="0.1.0")
    session.commit()
    assert run.outcome == "running" and run.pid == os.getpid() and run.host
    store(session, URL, run_id=run.id)
    repository.finish_run(session, run.id, stats={"item_scraped_count": 1, "finish_time": T0},
                          outcome="ok", sites_summary={"hubei_jingzhou": {"new": 1}})
    session.commit()
    runs = list(repository.iter_runs(session, limit=5))
    assert [r.id for r in runs] == [run.id]
    assert runs[0].outcome == "ok" and runs[0].stats["item_scraped_count"] == 1
    assert runs[0].finished_at is not None and runs[0].sites_summary["hubei_jingzhou"]["new"] == 1
    assert session.get(CrawlRun, run.id).args == {"sites": ["hubei_jingzhou"]}


def test_failed_request_is_recorded_with_error(session) -> None:  # type: ignore[no-untyped-def]
    failed = page(URL, b"", status=0)
    fetch = repository.record_fetch(session, run_id=None, site_slug="s", page=failed,
                                    kind="article-error", error="TimeoutError: 30s")
    session.commit()
    assert fetch.status is None and fetch.body_sha256 is None and fetch.error.startswith("Timeout")


def test_functions_only_flush_never_commit(session) -> None:  # type: ignore[no-untyped-def]
    fetch = repository.record_fetch(session, run_id=None, site_slug="s", page=page(URL), kind="article")
    repository.add_version(session, run_id=None, site_slug="s", url=URL, fields=fields(),
                           audit=[], extractor="e/1", fetches=[fetch], seen_at=T0)
    session.rollback()
    assert count(session, Article) == 0 and count(session, Fetch) == 0 and count(session, Body) == 0
