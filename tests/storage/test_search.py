"""Full-text search for Chinese without segmentation: 1, 2 and 3+ characters, ranking, literals."""

from __future__ import annotations

import json

import pytest

from archiver.cli import main
from storage import repository
from storage.search import MARK_END, MARK_START, search
from tests.storage.helpers import fields, store

BASE = "http://www.example.gov.cn/ldjh/"


@pytest.fixture
def archive(session):  # type: ignore[no-untyped-def]
    store(session, BASE + "1.html", fields(
        title="在全市政协工作会议上的讲话", body="各位委员：\n今天召开全市政协工作会议。\n乡村振兴是大事。",
        speaker="段鸣", published_at="2023-05-22"))
    store(session, BASE + "2.html", fields(
        title="关于乡村振兴的调研报告", body="调研组走访了十个村。", speaker="王强", published_at="2022-03-01"))
    store(session, BASE + "3.html", fields(
        title="在专题协商会上的讲话", body="要以乡村振兴统领全局，推进100%覆盖和a_b试点，\"双碳\"目标与'三农'工作。",
        speaker="段鸣", published_at="2021-07-01"))
    store(session, BASE + "4.html", fields(
        title="新闻", body="一般新闻，不相关。政", speaker=None, published_at="2020-01-01"), site="other_site")
    return session


def urls(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.url.removeprefix(BASE) for h in hits]


def test_three_or_more_characters_use_the_index_and_rank_titles_first(archive) -> None:  # type: ignore[no-untyped-def]
    hits = search(archive, "乡村振兴")
    assert urls(hits)[0] == "2.html"
    assert hits[0].title_hit and not hits[1].title_hit
    assert set(urls(hits)) == {"1.html", "2.html", "3.html"}
    assert f"{MARK_START}乡村振兴{MARK_END}" in hits[1].snippet


def test_two_characters(archive) -> None:  # type: ignore[no-untyped-def]
    hits = search(archive, "调研")
    assert urls(hits) == ["2.html"]
    assert set(urls(search(archive, "讲话"))) == {"1.html", "3.html"}


def test_one_character(archive) -> None:  # type: ignore[no-untyped-def]
    hits = search(archive, "政")
    assert urls(hits)[:1] == ["1.html"]  # the title hit first
    assert set(urls(hits)) == {"1.html", "4.html"}


def test_several_terms_must_all_match(archive) -> None:  # type: ignore[no-untyped-def]
    assert urls(search(archive, "乡村振兴 调研")) == ["2.html"]
    assert urls(search(archive, "乡村 协商")) == ["3.html"]


@pytest.mark.parametrize("query, expected", [
    ("100%", ["3.html"]),
    ("%", ["3.html"]),
    ("a_b", ["3.html"]),
    ("_", ["3.html"]),
    ('"双碳"', ["3.html"]),
    ("'三农'", ["3.html"]),
    ("10_%", []),
    ("'; DROP TABLE articles; --", []),
    ('") OR ("', []),
    ("NEAR(乡村 振兴)", []),
])
def test_metacharacters_match_literally(archive, query, expected) -> None:  # type: ignore[no-untyped-def]
    assert urls(search(archive, query)) == expected
    assert urls(search(archive, "乡村振兴"))  # and the archive is intact


def test_filters_and_speaker_alone(archive) -> None:  # type: ignore[no-untyped-def]
    assert set(urls(search(archive, "乡村振兴", speaker="段鸣"))) == {"1.html", "3.html"}
    assert urls(search(archive, "乡村振兴", since="2022", until="2022-12-31")) == ["2.html"]
    assert urls(search(archive, "", speaker="段 鸣")) == ["1.html", "3.html"]  # newest first
    assert urls(search(archive, "新闻", site="other_site")) == ["4.html"]
    assert search(archive, "新闻", site="hubei_jingzhou") == []
    assert len(search(archive, "", site="hubei_jingzhou", limit=2)) == 2


def test_only_the_current_version_is_searched(archive) -> None:  # type: ignore[no-untyped-def]
    store(archive, BASE + "2.html", fields(title="关于农业的调研报告", body="调研组走访了十个村。",
                                           speaker="王强", published_at="2022-03-01"))
    assert urls(search(archive, "乡村振兴"))[0] != "2.html"
    assert "2.html" not in urls(search(archive, "乡村振兴"))
    assert urls(search(archive, "关于农业")) == ["2.html"]


def test_removed_articles_are_found_and_flagged(archive) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    repository.mark_removed(archive, run_id=None, url=BASE + "2.html", how="http-404",
                            seen_at=datetime(2026, 4, 1, tzinfo=UTC), fetch=None)
    archive.commit()
    hit = search(archive, "调研报告")[0]
    assert hit.status == "removed"


def test_cli_table_and_jsonl(archive, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["search", "乡村振兴", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "关于乡村振兴的调研报告" in out and "3 result(s)" in out
    # The snippet's highlight markers become styling, never text (they were printed as "\x02").
    assert "\\x02" not in out and "\\x03" not in out and "\x02" not in out, out
    assert main(["search", "乡村振兴", "--db", db_url, "--format", "jsonl", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "\\u" not in lines[0]
    assert json.loads(lines[0])["title"] == "关于乡村振兴的调研报告"
    assert main(["search", "--speaker", "王强", "--db", db_url, "--format", "jsonl"]) == 0
    assert json.loads(capsys.readouterr().out)["speaker"] == "王强"
    assert main(["search", "--db", db_url]) == 2


def test_sqlite_index_is_kept_in_sync_by_the_storage_layer(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from storage import db

    engine = db.make_engine(sqlite_url)
    with db.make_session_factory(engine)() as s:
        store(s, BASE + "1.html", fields(title="乡村振兴讲话", body="正文"))
        store(s, BASE + "1.html", fields(title="乡村振兴讲话（修订）", body="正文"))
        match = "SELECT rowid FROM snapshot_grams WHERE snapshot_grams MATCH :q ORDER BY rowid"
        assert s.execute(text(match), {"q": '"乡村 村振 振兴"'}).scalars().all() == [1, 2]
        assert s.execute(text(match), {"q": '"修订"'}).scalars().all() == [2]
        assert s.execute(text(match), {"q": '"修"'}).scalars().all() == [2]
        assert s.execute(text(match), {"q": '"话修"'}).scalars().all() == []  # （ breaks the pair
        assert urls(search(s, "修订")) == ["1.html"]
        plan = " ".join(str(r) for r in s.execute(text(
            "EXPLAIN QUERY PLAN SELECT rowid FROM snapshot_grams WHERE snapshot_grams MATCH 'ab'")))
        assert "VIRTUAL TABLE INDEX" in plan
        # No trigram table or triggers any more (migration 0002).
        names = set(s.execute(text("SELECT name FROM sqlite_master")).scalars())
        assert "snapshot_search" not in names and not {n for n in names if n.startswith("snapshots_search")}
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_uses_the_trigram_index_for_chinese(db_url, session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select, text

    from storage.models import Snapshot

    store(session, BASE + "1.html", fields(title="乡村振兴讲话"))
    session.execute(text("SET LOCAL enable_seqscan = off"))  # a 1-row table would be scanned
    query = select(Snapshot.id).where(Snapshot.body.icontains("圆满完成", autoescape=True))
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = "\n".join(session.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert "ix_snapshots_body_trgm" in plan
    # CJK characters yield trigrams under this server's locale (with LC_CTYPE=C they would not).
    assert session.execute(text("SELECT array_length(show_trgm('乡村振兴'), 1)")).scalar() >= 2
