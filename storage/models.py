"""The archive schema (SQLAlchemy 2.0 typed models).

Identity and history:

* an ``Article`` is one canonical first-page URL; it lives for ever, even after the site drops it
  (``status = "removed"``);
* a ``Snapshot`` is one *version* of an article's cleaned content; a new one is made only when
  the hash of the extracted fields changes, so a refetch whose sidebar or view counter moved
  adds no version;
* a ``Fetch`` is every HTTP exchange exactly as it happened; its raw body lives in ``Body``,
  content-addressed by SHA-256 and zstd-compressed, so the same bytes are stored once;
* ``SnapshotFetch`` says which fetches (first page, then continuation pages in order) produced a
  version, so any field can be traced back to the bytes it came from and re-extracted.

The schema is built by the alembic migrations in ``storage/migrations``; a test runs
``alembic check`` so these models and the migrations never drift. Full-text search structures
(SQLite FTS5 table and its triggers, PostgreSQL trigram indexes) live only in the migrations:
they are backend-specific and are listed in ``SEARCH_OBJECTS`` so the drift check ignores them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

# Explicit constraint names: migrations can then refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Backend-specific search objects created by the migrations, not by these models.
SEARCH_OBJECTS = frozenset(
    {
        # SQLite, revision 0001 (trigram index, dropped by 0002)
        "snapshot_search",
        "snapshot_search_data",
        "snapshot_search_idx",
        "snapshot_search_content",
        "snapshot_search_docsize",
        "snapshot_search_config",
        # SQLite, from 0002: character unigrams and bigrams (storage/search_index.py)
        "snapshot_grams",
        "snapshot_grams_data",
        "snapshot_grams_idx",
        "snapshot_grams_docsize",
        "snapshot_grams_config",
        # PostgreSQL
        "ix_snapshots_title_trgm",
        "ix_snapshots_body_trgm",
    }
)

ARTICLE_STATUSES = ("live", "removed")
SNAPSHOT_REASONS = ("crawl", "reextract")
EVENT_KINDS = ("removed", "restored")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Site(Base):
    """A committee website, by its slug (lowercase pinyin, e.g. ``hubei_jingzhou``)."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))  # the registry's, e.g. 湖北省荆州市
    base_url: Mapped[str | None] = mapped_column(Text)


class CrawlRun(Base):
    """One invocation of the crawler: what it was asked, what it did, how it ended."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    software_version: Mapped[str] = mapped_column(String(100))
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # running | ok | failed | interrupted (free text beyond those; the crawler decides)
    outcome: Mapped[str] = mapped_column(String(32), default="running")
    sites_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    pid: Mapped[int | None]
    host: Mapped[str | None] = mapped_column(String(255))


class Body(Base):
    """A raw response body, content-addressed: byte-identical bodies share one row."""

    __tablename__ = "bodies"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)  # of the raw bytes
    data: Mapped[bytes] = mapped_column(LargeBinary)  # zstd frame with checksum
    size: Mapped[int] = mapped_column(Integer)  # raw bytes
    compressed_size: Mapped[int] = mapped_column(Integer)
    compression: Mapped[str] = mapped_column(String(16), default="zstd")


class Article(Base):
    """An article, identified by the canonical URL of its first page."""

    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint("status IN ('live', 'removed')", name="status"),
        Index("ix_articles_site_id_status", "site_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(Text, unique=True)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="live")
    status_changed_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    removed_how: Mapped[str | None] = mapped_column(String(32))  # http-404 | soft-404 | …
    current_version: Mapped[int] = mapped_column(Integer, default=0)  # 0 = no version yet
    # Validators of the last 200 answer to the first page, for conditional revisits.
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    # Revisit hints: how many revisits in a row found nothing new, and when to look next.
    unchanged_streak: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None]

    site: Mapped[Site] = relationship(lazy="joined", innerjoin=True)


class Snapshot(Base):
    """One version of an article's cleaned content (immutable once written)."""

    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("article_id", "version", name="uq_snapshots_article_id_version"),
        CheckConstraint("reason IN ('crawl', 'reextract')", name="reason"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # 1-based
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical fields
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Key fields copied out of ``fields`` for querying and search.
    title: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[str | None] = mapped_column(String(40), index=True)
    speaker: Mapped[str | None] = mapped_column(String(100), index=True)
    speaker_title: Mapped[str | None] = mapped_column(Text)
    delivered_on: Mapped[str | None] = mapped_column(String(10))
    source: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    audit: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"rule", "text"}]
    # What the extractor was given besides the pages (family, listing title/date), so
    # ``reprocess`` can re-run it on the same inputs.
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    extractor: Mapped[str] = mapped_column(String(100))
    previous_extractor: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(16), default="crawl")
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    created_at: Mapped[datetime] = mapped_column(index=True)


class Fetch(Base):
    """One HTTP exchange: request, response headers, status, and a reference to the raw body."""

    __tablename__ = "fetches"
    __table_args__ = (Index("ix_fetches_url", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # listing | article | article-error | …
    url: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(10), default="GET")
    status: Mapped[int | None] = mapped_column(Integer)  # None: no response (see error)
    request_headers: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[k, v], …]
    request_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    response_headers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fetched_at: Mapped[datetime] = mapped_column(index=True)
    body_sha256: Mapped[str | None] = mapped_column(ForeignKey("bodies.sha256"), index=True)
    referer: Mapped[str | None] = mapped_column(Text)
    listing_url: Mapped[str | None] = mapped_column(Text)  # the listing page that led here
    error: Mapped[str | None] = mapped_column(Text)


class SnapshotFetch(Base):
    """The fetches that produced a version: position 0 is the first page, then continuations."""

    __tablename__ = "snapshot_fetches"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    fetch_id: Mapped[int] = mapped_column(ForeignKey("fetches.id"), index=True)


class ArticleEvent(Base):
    """A change of an article's status: ``removed`` (how: http-404, soft-404…) or ``restored``."""

    __tablename__ = "article_events"
    __table_args__ = (CheckConstraint("kind IN ('removed', 'restored')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    how: Mapped[str | None] = mapped_column(String(32))
    fetch_id: Mapped[int | None] = mapped_column(ForeignKey("fetches.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))


class FileText(Base):
    """The text read from a stored file (issue #19), keyed by the file's digest: a file linked by
    many articles is read once. ``reprocess`` rewrites it from the stored bytes."""

    __tablename__ = "file_texts"

    sha256: Mapped[str] = mapped_column(ForeignKey("bodies.sha256"), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))  # from the bytes, not the link
    status: Mapped[str] = mapped_column(String(16))  # text | no-text | failed
    reason: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    chars: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int | None] = mapped_column(Integer)
    extractor: Mapped[str] = mapped_column(String(100))
    extracted_at: Mapped[datetime]


class SnapshotFile(Base):
    """The files (attachments, images) of a version and the fetch that got each (issue #19)."""

    __tablename__ = "snapshot_files"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # attachment | image
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # stored | skipped | failed | removed
    fetch_id: Mapped[int | None] = mapped_column(ForeignKey("fetches.id"), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
