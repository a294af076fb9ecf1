"""`cppcc-archiver reindex`: the SQLite search index rebuilt from the stored versions."""

from __future__ import annotations

from sqlalchemy import text

from archiver.cli import main
from archiver.lock import ArchiveLock
from storage import db
from storage.search import search
from tests.storage.helpers import fields, store


def test_reindex_restores_a_damaged_index(sqlite_url, capsys) -> None:  # type: ignore[no-untyped-def]
    engine = db.make_engine(sqlite_url)
    with db.make_session_factory(engine)() as s:
        store(s, "http://www.example.gov.cn/1.html", fields(title="政协讲话", body="乡村振兴。"))
        s.execute(text("DELETE FROM snapshot_grams_docsize"))  # a damaged index
        s.execute(text("INSERT INTO snapshot_grams(snapshot_grams) VALUES ('delete-all')"))
        s.commit()
        assert search(s, "乡村振兴") == []
    assert main(["reindex", "--db", sqlite_url]) == 0
    assert "indexed 1 versions" in capsys.readouterr().err
    with db.make_session_factory(engine)() as s:
        assert [h.title for h in search(s, "乡村振兴")] == ["政协讲话"]
    engine.dispose()


def test_reindex_refuses_while_a_crawl_holds_the_archive(sqlite_url, capsys) -> None:  # type: ignore[no-untyped-def]
    with ArchiveLock(sqlite_url):
        assert main(["reindex", "--db", sqlite_url]) == 2
    assert "another crawl is running" in capsys.readouterr().err
