"""Crash safety: SIGKILL a writer mid-transaction; the archive stays whole and consistent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import db

WRITER = textwrap.dedent("""
    import os, sys
    from datetime import UTC, datetime
    sys.path.insert(0, {root!r})
    from storage import db, repository
    from tests.storage.helpers import fields, page

    engine, sessions = db.open_archive({url!r})
    for i in range(100000):
        url = f"http://www.example.gov.cn/ldjh/{{i}}.html"
        with sessions.begin() as s:  # one transaction per article (the crawl commits batches)
            pages = [page(url + ("" if k == 0 else f"?p={{k}}"), os.urandom(40000),
                          at=datetime.now(UTC)) for k in range(3)]
            fetches = [repository.record_fetch(s, run_id=None, site_slug="s", page=p, kind="article")
                       for p in pages]
            repository.add_version(s, run_id=None, site_slug="s", url=url, fields=fields(title=f"第{{i}}篇"),
                                   audit=[], extractor="e", fetches=fetches, seen_at=pages[0].fetched_at)
        print(url, flush=True)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_write_leaves_a_consistent_archive(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    root = str(Path(__file__).resolve().parents[2])
    child = subprocess.Popen([sys.executable, "-c", WRITER.format(root=root, url=url)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    committed = []
    try:
        assert child.stdout is not None
        while len(committed) < 40:
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else "writer died"
            committed.append(line.strip())
    finally:
        os.kill(child.pid, signal.SIGKILL)  # almost surely inside the next transaction
        child.wait()
    assert child.returncode == -signal.SIGKILL

    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        # The search index agrees with the versions it indexes (raises if not).
        conn.execute(text("INSERT INTO snapshot_grams(snapshot_grams) VALUES ('integrity-check')"))
        assert conn.execute(text("SELECT count(*) FROM snapshot_grams_docsize")).scalar() == conn.execute(
            text("SELECT count(*) FROM snapshots")).scalar()
        urls = set(conn.execute(text("SELECT url FROM articles")).scalars())
        assert set(committed) <= urls  # nothing committed is lost
        # Every article present is whole: one version, linked to its 3 fetches, bodies stored.
        incomplete = conn.execute(text("""
            SELECT a.url FROM articles a
            LEFT JOIN snapshots s ON s.article_id = a.id AND s.version = a.current_version
            LEFT JOIN snapshot_fetches sf ON sf.snapshot_id = s.id
            LEFT JOIN fetches f ON f.id = sf.fetch_id
            LEFT JOIN bodies b ON b.sha256 = f.body_sha256
            GROUP BY a.url HAVING count(DISTINCT f.id) != 3 OR count(DISTINCT b.sha256) != 3
        """)).all()
        assert incomplete == []
        assert conn.execute(text("SELECT count(*) FROM fetches")).scalar() == 3 * len(urls)
        assert conn.execute(text("SELECT count(*) FROM fetches WHERE article_id IS NULL")).scalar() == 0
    engine.dispose()
