"""search: character unigram + bigram index replaces the trigram index on SQLite

Issue #7: 1-2 character queries (政协, 乡) could not use the trigram index and scanned every
body (9-15 s on 100,000 articles). ``snapshot_grams`` (``storage/search_index.py``) indexes every
character and every pair of adjacent characters, so all query lengths are index lookups
(longer terms as phrases of pairs); it is filled from Python by the storage layer
(``search_index.index_snapshot`` in ``repository.add_version``), not by triggers. The trigram
table and its triggers are dropped: the new index serves 3+ character queries too.

Existing archives are indexed here in batches of ``REBUILD_BATCH`` versions (constant memory;
about 1,000 versions/s on the benchmark machine, so ~2 minutes for 100,000 articles, with a
progress line on stderr for large archives). PostgreSQL keeps its pg_trgm indexes: nothing to do.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from alembic import op

from storage.search_index import drop_search_index, print_progress, rebuild_search_index

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Archives with at least this many versions get a progress line while they are indexed.
PROGRESS_FROM = 10_000

TRIGRAM_SEARCH = (
    "CREATE VIRTUAL TABLE snapshot_search USING fts5("
    "title, body, content='snapshots', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER snapshots_search_insert AFTER INSERT ON snapshots BEGIN "
    "INSERT INTO snapshot_search(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER snapshots_search_delete AFTER DELETE ON snapshots BEGIN "
    "INSERT INTO snapshot_search(snapshot_search, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER snapshots_search_update AFTER UPDATE OF title, body ON snapshots BEGIN "
    "INSERT INTO snapshot_search(snapshot_search, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO snapshot_search(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO snapshot_search(snapshot_search) VALUES ('rebuild')",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for trigger in ("snapshots_search_insert", "snapshots_search_delete", "snapshots_search_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS snapshot_search")
    total = bind.exec_driver_sql("SELECT count(*) FROM snapshots").scalar() or 0
    progress = print_progress(time.perf_counter(), sys.stderr) if total >= PROGRESS_FROM else None
    rebuild_search_index(bind, progress=progress)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    drop_search_index(bind)
    for statement in TRIGRAM_SEARCH:
        op.execute(statement)
