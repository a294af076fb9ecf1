"""The SQLite unigram + bigram index: every query length, separators, ranking rules, filters,
and archives indexed by migration 0002 (issue #7)."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from storage import db, search as search_module, search_index
from storage.search import search
from storage.search_index import SEPARATOR, grams, pairs, rebuild_search_index, term_runs
from tests.storage.helpers import fields, store

BASE = "http://www.example.gov.cn/ldjh/"


def urls(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.url.removeprefix(BASE) for h in hits]


def test_grams_break_at_every_non_alphanumeric_character() -> None:
    assert grams("政协ABC，委员\n会") == ("政 协 a b c 委 员 会", "政协 协a ab bc zzz 委员")
    assert grams("") == grams(None) == ("", "")
    assert grams("乡") == ("乡", "")
    assert term_runs("100%的a_b") == ["100", "的a", "b"]


def reference_grams(value: str) -> tuple[str, str]:
    """The grams as the docstring defines them, one string per gram (what ``grams`` makes in
    bulk, issue #21)."""
    runs = term_runs(value)
    return (" ".join("".join(runs)),
            f" {SEPARATOR} ".join(" ".join(pairs(run)) for run in runs if len(run) > 1))


def _texts() -> list[str]:
    rnd = random.Random(21)
    alphabet = "ab政协委员，。 \n_1İ🀄\x00"  # İ lower-cases to two characters; \x00 is grams' BREAK
    return ["a", "ab", "a，b", "ab，c", "a，bc", "，，ab，，", "𠀀𠀁 🀄🀄", "乡村振兴" * 50 + "。" + "a" * 70] + [
        "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 60))) for _ in range(3000)]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, search_index.CHUNK])
def test_grams_made_in_bulk_and_in_chunks_are_the_grams_one_by_one(monkeypatch, chunk) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(search_index, "CHUNK", chunk)  # every seam between chunks is crossed
    texts = _texts()
    assert [grams(t) for t in texts] == [reference_grams(t) for t in texts]


# The unigram + bigram index is SQLite's (PostgreSQL searches with pg_trgm): these tests run on
# SQLite only instead of being generated for PostgreSQL and skipped.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def corpus(session):  # type: ignore[no-untyped-def]
    docs = [
        # url, title, body, speaker, published
        ("1", "在政协全体会议上的讲话", "各位委员：今天召开政协会议。同心圆画得更大。", "段鸣", "2023-05-22"),
        ("2", "关于乡村振兴的调研报告", "调研组走访了十个村，协商议事。", "王强", "2022-03-01"),
        ("3", "专题协商会讲话", "要以乡村振兴统领全局。委员委员委员委员委员。", "段鸣", "2021-07-01"),
        ("4", "新闻", "乡村，振兴两件事。AB，BC不相连。", None, "2020-01-01"),
        ("5", "通知", "请你来协商：委员们畅所欲言。", "李明", "2024-01-10"),
        ("6", "委员风采", "一位委员的故事。", "李明", None),
    ]
    for key, title, body, speaker, published in docs:
        store(session, f"{BASE}{key}.html", fields(title=title, body=body, speaker=speaker, published_at=published))
    return session


@pytest.mark.parametrize("query, expected", [
    ("乡", {"2", "3", "4"}),                      # 1 character
    ("委员", {"1", "3", "5", "6"}),               # 2 characters
    ("协商会", {"3"}),                             # 3 characters
    ("乡村振兴", {"2", "3"}),                      # 4+: "乡村，振兴" in 4 is not a match
    ("请你来协商", {"5"}),
    ("同心圆 协商", set()),                        # mixed: every term must match
    ("同心圆 会议", {"1"}),
    ("abc", set()),                                # "AB，BC" is not "ABC"
    ("Ab", {"4"}),                                 # case-insensitive
    ("量子", set()),
])
def test_every_query_length_matches_substrings(corpus, query, expected) -> None:  # type: ignore[no-untyped-def]
    assert {u.removesuffix(".html") for u in urls(search(corpus, query))} == expected


def test_title_hits_first_then_bm25_when_selective(corpus) -> None:  # type: ignore[no-untyped-def]
    hits = search(corpus, "委员")
    # 6 has 委员 in its title; of the body hits, 3 says it five times and outranks newer 5 and 1.
    assert urls(hits)[:2] == ["6.html", "3.html"]
    assert [h.title_hit for h in hits] == [True, False, False, False]


@sqlite_only
@pytest.mark.parametrize("dense_share, sort_below", [(1000, 1000), (1, 1), (1, 1000)],
                         ids=["probe-walk", "set-walk", "sort"])
def test_frequent_terms_are_listed_title_hits_first_then_newest_first(  # type: ignore[no-untyped-def]
        corpus, monkeypatch, dense_share, sort_below) -> None:
    monkeypatch.setattr(search_module, "RANK_LIMIT", 1)
    monkeypatch.setattr(search_module, "DENSE_SHARE", dense_share)
    monkeypatch.setattr(search_module, "SORT_BELOW", sort_below)
    hits = search(corpus, "委员")
    assert urls(hits) == ["6.html", "5.html", "1.html", "3.html"]  # 6: title; then by date
    assert [h.title_hit for h in hits] == [True, False, False, False]
    assert urls(search(corpus, "讲话")) == ["1.html", "3.html"]  # both titles, newest first
    assert urls(search(corpus, "委员", limit=2)) == ["6.html", "5.html"]
    assert urls(search(corpus, "委员", speaker="段鸣")) == ["1.html", "3.html"]
    assert urls(search(corpus, "委员", since="2022", until="2023-12")) == ["1.html"]
    assert urls(search(corpus, "委员", site="other_site")) == []
    assert urls(search(corpus, "乡村振兴")) == ["2.html", "3.html"]


def test_filters_apply_on_the_ranked_path(corpus) -> None:  # type: ignore[no-untyped-def]
    assert urls(search(corpus, "委员", speaker="李明")) == ["6.html", "5.html"]
    assert urls(search(corpus, "协商", since="2022-01-01")) == ["5.html", "2.html"]
    assert urls(search(corpus, "", speaker="李明")) == ["5.html", "6.html"]  # undated last


def test_only_current_versions_on_every_path(corpus, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store(corpus, BASE + "5.html", fields(title="通知", body="会议改期。", speaker="李明", published_at="2024-01-10"))
    assert "5.html" not in urls(search(corpus, "请你来协商"))
    monkeypatch.setattr(search_module, "RANK_LIMIT", 1)
    assert "5.html" not in urls(search(corpus, "委员"))
    assert urls(search(corpus, "改期")) == ["5.html"]


@sqlite_only
def test_rebuild_matches_the_incremental_index(corpus) -> None:  # type: ignore[no-untyped-def]
    before = [urls(search(corpus, q)) for q in ("乡", "委员", "乡村振兴", "同心圆 会议")]
    connection = corpus.connection()
    assert rebuild_search_index(connection, batch=2) == 6
    corpus.commit()
    assert [urls(search(corpus, q)) for q in ("乡", "委员", "乡村振兴", "同心圆 会议")] == before


@pytest.mark.fresh_schema
def test_migration_indexes_an_archive_made_at_0001(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    # Today's models cannot write a 0001 schema (later migrations add columns: sites.region), so
    # the archive is written at head and taken down to 0001, which drops the bigram index and
    # rebuilds 0001's trigram index from the versions: what an archive made at 0001 holds.
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with db.make_session_factory(engine)() as s:
        store(s, BASE + "1.html", fields(title="在政协全体会议上的讲话", body="乡村振兴。委员们好。"))
        store(s, BASE + "2.html", fields(title="调研报告", body="民生实事。", published_at="2020-01-01"))
        store(s, BASE + "2.html", fields(title="调研报告（修订）", body="民生实事。", published_at="2020-01-01"))
    engine.dispose()
    command.downgrade(db.alembic_config(url), "0001")
    assert db.current_revision(url) == "0001"
    with db.make_engine(url).connect() as conn:
        names = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
    assert "snapshot_grams" not in names and "snapshot_search" in names
    db.upgrade(url)
    assert db.current_revision(url) == db.HEAD_REVISION
    engine = db.make_engine(url)
    with db.make_session_factory(engine)() as s:
        assert s.execute(text("SELECT count(*) FROM snapshot_grams_docsize")).scalar() == 3
        assert urls(search(s, "政协")) == ["1.html"]
        assert urls(search(s, "乡")) == ["1.html"]
        assert urls(search(s, "民生")) == ["2.html"]
        assert urls(search(s, "修订")) == ["2.html"]
        assert urls(search(s, "乡村振兴 委员")) == ["1.html"]
        names = set(s.execute(text("SELECT name FROM sqlite_master")).scalars())
        assert "snapshot_search" not in names
        # New versions are indexed by the storage layer from now on.
        store(s, BASE + "3.html", fields(title="新闻", body="量子计算"))
        assert urls(search(s, "量子")) == ["3.html"]
    engine.dispose()
    # And back: 0001's trigram index is rebuilt from the versions.
    command.downgrade(db.alembic_config(url), "0001")
    engine = db.make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT rowid FROM snapshot_search WHERE snapshot_search MATCH '\"量子计\"'"))
        assert found.scalars().all() == [4]
    engine.dispose()
