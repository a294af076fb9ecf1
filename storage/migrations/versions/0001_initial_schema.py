"""initial schema: sites, runs, articles, versions, fetches, bodies, events, search

Full-text search is backend-specific and lives only here (models.SEARCH_OBJECTS):

* SQLite: an FTS5 table with the ``trigram`` tokenizer over every version's title and body
  (external content = ``snapshots``, so the text is not stored twice), kept in sync by
  triggers. Trigrams need no Chinese word segmentation; queries of 1-2 characters fall back to
  LIKE in ``storage.search``.
* PostgreSQL: ``pg_trgm`` GIN indexes on title and body, used by ILIKE.

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bodies',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('compressed_size', sa.Integer(), nullable=False),
    sa.Column('compression', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_bodies'))
    )
    op.create_table('crawl_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('software_version', sa.String(length=100), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('sites_summary', sa.JSON(), nullable=True),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('host', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_runs'))
    )
    op.create_table('sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('base_url', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    sa.UniqueConstraint('slug', name=op.f('uq_sites_slug'))
    )
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_how', sa.String(length=32), nullable=True),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('unchanged_streak', sa.Integer(), nullable=False),
    sa.Column('next_check_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('live', 'removed')", name=op.f('ck_articles_status')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_articles_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('url', name=op.f('uq_articles_url'))
    )
    op.create_index('ix_articles_site_id_status', 'articles', ['site_id', 'status'], unique=False)

    op.create_table('fetches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('request_headers', sa.JSON(), nullable=False),
    sa.Column('request_body', sa.LargeBinary(), nullable=True),
    sa.Column('response_headers', sa.JSON(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=True),
    sa.Column('referer', sa.Text(), nullable=True),
    sa.Column('listing_url', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_fetches_article_id_articles')),
    sa.ForeignKeyConstraint(['body_sha256'], ['bodies.sha256'], name=op.f('fk_fetches_body_sha256_bodies')),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_fetches_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_fetches_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fetches'))
    )
    op.create_index(op.f('ix_fetches_article_id'), 'fetches', ['article_id'], unique=False)
    op.create_index(op.f('ix_fetches_body_sha256'), 'fetches', ['body_sha256'], unique=False)
    op.create_index(op.f('ix_fetches_fetched_at'), 'fetches', ['fetched_at'], unique=False)
    op.create_index(op.f('ix_fetches_run_id'), 'fetches', ['run_id'], unique=False)
    op.create_index('ix_fetches_url', 'fetches', ['url'], unique=False)

    op.create_table('snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published_at', sa.String(length=40), nullable=True),
    sa.Column('speaker', sa.String(length=100), nullable=True),
    sa.Column('speaker_title', sa.Text(), nullable=True),
    sa.Column('delivered_on', sa.String(length=10), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('author', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('audit', sa.JSON(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=True),
    sa.Column('extractor', sa.String(length=100), nullable=False),
    sa.Column('previous_extractor', sa.String(length=100), nullable=True),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason IN ('crawl', 'reextract')", name=op.f('ck_snapshots_reason')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_snapshots_version_positive')),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_snapshots_article_id_articles')),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_snapshots_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshots')),
    sa.UniqueConstraint('article_id', 'version', name='uq_snapshots_article_id_version')
    )
    op.create_index(op.f('ix_snapshots_article_id'), 'snapshots', ['article_id'], unique=False)
    op.create_index(op.f('ix_snapshots_created_at'), 'snapshots', ['created_at'], unique=False)
    op.create_index(op.f('ix_snapshots_published_at'), 'snapshots', ['published_at'], unique=False)
    op.create_index(op.f('ix_snapshots_speaker'), 'snapshots', ['speaker'], unique=False)

    op.create_table('article_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('how', sa.String(length=32), nullable=True),
    sa.Column('fetch_id', sa.Integer(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('removed', 'restored')", name=op.f('ck_article_events_kind')),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_events_article_id_articles')),
    sa.ForeignKeyConstraint(['fetch_id'], ['fetches.id'], name=op.f('fk_article_events_fetch_id_fetches')),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_article_events_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_events'))
    )
    op.create_index(op.f('ix_article_events_article_id'), 'article_events', ['article_id'], unique=False)

    op.create_table('snapshot_fetches',
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('fetch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fetch_id'], ['fetches.id'], name=op.f('fk_snapshot_fetches_fetch_id_fetches')),
    sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id'], name=op.f('fk_snapshot_fetches_snapshot_id_snapshots')),
    sa.PrimaryKeyConstraint('snapshot_id', 'position', name=op.f('pk_snapshot_fetches'))
    )
    op.create_index(op.f('ix_snapshot_fetches_fetch_id'), 'snapshot_fetches', ['fetch_id'], unique=False)


    _create_search()


def _create_search() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_snapshots_title_trgm ON snapshots USING gin (title gin_trgm_ops)"
        )
        op.execute(
            "CREATE INDEX ix_snapshots_body_trgm ON snapshots USING gin (body gin_trgm_ops)"
        )


def _drop_search() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS snapshots_search_insert")
        op.execute("DROP TRIGGER IF EXISTS snapshots_search_delete")
        op.execute("DROP TRIGGER IF EXISTS snapshots_search_update")
        op.execute("DROP TABLE IF EXISTS snapshot_search")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_snapshots_title_trgm")
        op.execute("DROP INDEX IF EXISTS ix_snapshots_body_trgm")


SQLITE_SEARCH = (
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
    # Index whatever rows already exist (none on a fresh archive; kept for re-runs).
    "INSERT INTO snapshot_search(snapshot_search) VALUES ('rebuild')",
)


def downgrade() -> None:
    _drop_search()
    op.drop_index(op.f('ix_snapshot_fetches_fetch_id'), table_name='snapshot_fetches')

    op.drop_table('snapshot_fetches')
    op.drop_index(op.f('ix_article_events_article_id'), table_name='article_events')

    op.drop_table('article_events')
    op.drop_index(op.f('ix_snapshots_speaker'), table_name='snapshots')
    op.drop_index(op.f('ix_snapshots_published_at'), table_name='snapshots')
    op.drop_index(op.f('ix_snapshots_created_at'), table_name='snapshots')
    op.drop_index(op.f('ix_snapshots_article_id'), table_name='snapshots')

    op.drop_table('snapshots')
    op.drop_index('ix_fetches_url', table_name='fetches')
    op.drop_index(op.f('ix_fetches_run_id'), table_name='fetches')
    op.drop_index(op.f('ix_fetches_fetched_at'), table_name='fetches')
    op.drop_index(op.f('ix_fetches_body_sha256'), table_name='fetches')
    op.drop_index(op.f('ix_fetches_article_id'), table_name='fetches')

    op.drop_table('fetches')
    op.drop_index('ix_articles_site_id_status', table_name='articles')

    op.drop_table('articles')
    op.drop_table('sites')
    op.drop_table('crawl_runs')
    op.drop_table('bodies')
