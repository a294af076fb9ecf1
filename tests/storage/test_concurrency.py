"""Several crawler processes writing one archive at once (distributed mode, cron overlap)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import text

from storage import db

WRITER = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime
    sys.path.insert(0, {root!r})
    from storage import db, repository
    from tests.storage.helpers import fields, page

    engine = db.make_engine({url!r})
    sessions = db.make_session_factory(engine)
    for i in range({start}, {start} + 20):
        url = f"http://www.example.gov.cn/ldjh/{{i}}.html"
        with sessions.begin() as s:
            p = page(url, f"<p>第{{i}}篇</p>", at=datetime.now(UTC))
            f = repository.record_fetch(s, run_id=None, site_slug="s", page=p, kind="article")
            repository.add_version(s, run_id=None, site_slug="s", url=url, fields=fields(title=f"第{{i}}篇"),
                                   audit=[], extractor="e", fetches=[f], seen_at=p.fetched_at)
    print("done")
""")


def test_same_content_from_two_workers_makes_one_version(db_url: str) -> None:
    """Two workers store the same new URLs, with the same content, at the same moment."""
    root = str(Path(__file__).resolve().parents[2])
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER.format(root=root, url=db_url, start=0)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for w in writers:
        out, err = w.communicate(timeout=240)
        assert w.returncode == 0, err
    engine = db.make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == 20
        assert conn.execute(text("SELECT count(*) FROM fetches")).scalar() == 40
        assert conn.execute(text("SELECT count(*) FROM snapshots")).scalar() == 20
    engine.dispose()


def test_concurrent_writers_share_one_archive(db_url: str) -> None:
    root = str(Path(__file__).resolve().parents[2])
    # Overlapping ranges: 0-19, 10-29, 20-39 -> articles 0..39, 60 fetches, each URL once.
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER.format(root=root, url=db_url, start=start)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for start in (0, 10, 20)
    ]
    for w in writers:
        out, err = w.communicate(timeout=240)
        assert w.returncode == 0 and out.strip() == "done", err
    engine = db.make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == 40
        assert conn.execute(text("SELECT count(*) FROM fetches")).scalar() == 60
        assert conn.execute(text("SELECT count(*) FROM snapshots")).scalar() == 40  # same content: v1 only
        assert conn.execute(text("SELECT count(*) FROM bodies")).scalar() == 40
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
