"""Plain functions over a Session: what the crawler and the CLI do to the archive.

Transactions belong to the caller. The spider wraps one article (its fetches, the article row,
the version) in ONE transaction, so these functions only ``flush`` (to get ids), never
``commit``: a crash leaves either the whole article or none of it.

Versioning is content-based: ``add_version`` hashes the extracted fields (canonical JSON, NFC,
empty values dropped) and makes a new version only when that hash differs from the current
version's. A refetch whose raw page changed elsewhere (sidebar, view counter, a new "related
articles" box) only records the fetch and moves ``last_seen_at``.

(Over 400 lines on purpose: this is the whole write API the crawler depends on, kept in one
place so its transaction rules can be read together.)
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from storage.blobs import add_body, insert_ignoring_duplicates
from storage.exchange import FetchedPage
from storage.search_index import index_snapshot
from storage.models import (
    Article,
    ArticleEvent,
    CrawlRun,
    Fetch,
    Site,
    Snapshot,
    SnapshotFetch,
)

# Fields that describe where a value came from rather than the content itself.
# (``published_raw`` is the date string as shown: a new extractor reading the same date from
# ``<meta>`` instead of the info row must not look like an edit.)
NON_CONTENT_FIELDS = frozenset({"published_from", "published_raw", "date_candidates"})
# Columns copied out of ``fields`` onto the snapshot row for querying.
KEY_COLUMNS = ("title", "published_at", "speaker", "speaker_title", "delivered_on", "source",
               "author", "body")
SITE_IDS = "archiver_site_ids"  # key of the site-id cache in ``Session.info``


@dataclass(frozen=True)
class VersionOutcome:
    article_id: int
    snapshot_id: int  # the current version's snapshot (new or unchanged)
    version: int
    created: bool  # a new version was stored
    restored: bool  # the article had been removed and is back


# --- helpers ---------------------------------------------------------------------------------


def nfc(value: Any) -> Any:
    """``value`` with every string NFC-normalised (recursively through lists and dicts)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list | tuple):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def content_hash(fields: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the content fields.

    Empty values are dropped so an extractor that starts emitting ``"occasion": null`` does not
    make every article look edited.
    """
    content = {k: v for k, v in nfc(fields).items() if k not in NON_CONTENT_FIELDS and not _is_empty(v)}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


_ARTICLE_BY_URL = select(Article).where(Article.url == bindparam("url"))
# PostgreSQL: two workers updating one article take turns instead of racing for the next
# version number. (SQLite has one writer at a time anyway; no-op there.)
_ARTICLE_FOR_UPDATE = _ARTICLE_BY_URL.with_for_update(of=Article).execution_options(populate_existing=True)


def _article(session: Session, url: str, *, for_update: bool = False) -> Article | None:
    # Statements built once, the URL passed as a parameter (cheaper than building per call).
    query = _ARTICLE_FOR_UPDATE if for_update else _ARTICLE_BY_URL
    return session.execute(query, {"url": url}).scalar()


# --- sites and runs --------------------------------------------------------------------------


def get_or_add_site(
    session: Session, slug: str, *, name: str | None = None, base_url: str | None = None,
    region: str | None = None,
) -> Site:
    """The site with ``slug``, created if new; fills in ``name``/``region``/``base_url`` when given."""
    site = session.scalar(select(Site).where(Site.slug == slug))
    if site is None:
        insert_ignoring_duplicates(
            session, Site.__table__, {"slug": slug, "name": name, "base_url": base_url}
        )
        site = session.scalar(select(Site).where(Site.slug == slug))
        assert site is not None
    if name and site.name != name:
        site.name = name
    if region and site.region != region:
        site.region = region
    if base_url and site.base_url != base_url:
        site.base_url = base_url
    session.flush()
    return site


def site_id(session: Session, slug: str) -> int:
    """``get_or_add_site(session, slug).id``, remembered for the rest of the session (a writer's
    batch stores dozens of items of the same few sites). The writer forgets it when it rolls
    back to a savepoint, which may have undone the site row."""
    known = session.info.setdefault(SITE_IDS, {})
    if slug not in known:
        known[slug] = get_or_add_site(session, slug).id
    return known[slug]


def start_run(
    session: Session,
    *,
    args: dict[str, Any],
    software_version: str,
    started_at: datetime | None = None,
) -> CrawlRun:
    """Record the start of a crawl (outcome ``running`` until ``finish_run``)."""
    run = CrawlRun(
        started_at=started_at or _now(),
        args=nfc(args),
        software_version=software_version,
        outcome="running",
        pid=os.getpid(),
        host=socket.gethostname(),
    )
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run_id: int,
    *,
    stats: dict[str, Any],
    outcome: str,
    sites_summary: dict[str, Any] | None = None,
    finished_at: datetime | None = None,
) -> CrawlRun:
    """Record how a crawl ended (``ok`` | ``failed`` | ``interrupted`` …) with its stats."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run {run_id}")
    run.finished_at = finished_at or _now()
    run.stats = json.loads(json.dumps(stats, default=str))  # datetimes etc. as text
    run.outcome = outcome
    run.sites_summary = json.loads(json.dumps(sites_summary, default=str)) if sites_summary else None
    session.flush()
    return run


def iter_runs(session: Session, limit: int | None = 20) -> Iterator[CrawlRun]:
    """Crawl runs, newest first."""
    query = select(CrawlRun).order_by(CrawlRun.id.desc())
    if limit:
        query = query.limit(limit)
    yield from session.scalars(query)


# --- fetches ---------------------------------------------------------------------------------


def record_fetch(
    session: Session,
    *,
    run_id: int | None,
    site_slug: str | None,
    page: FetchedPage,
    kind: str,
    error: str | None = None,
    listing_url: str | None = None,
) -> Fetch:
    """Store one HTTP exchange; the body goes to the content-addressed store (dedup'ed)."""
    values = fetch_row(
        page, run_id=run_id, site_id=site_id(session, site_slug) if site_slug else None,
        kind=kind, error=error, listing_url=listing_url,
        body_sha256=add_body(session, page.body) if has_body(page) else None,
    )
    # A Core INSERT, then the row handed to the session as already loaded: the ORM's own
    # insert (unit of work, flush) cost more than the rest of storing a fetch.
    fetch = Fetch(id=session.execute(_INSERT_FETCH, values).scalar_one(), **values)
    make_transient_to_detached(fetch)
    session.add(fetch)
    return fetch


def has_body(page: FetchedPage) -> bool:
    """Whether a fetch keeps a body: every answer does, a failed exchange with no bytes does not."""
    return bool(page.status or page.body)


def fetch_row(
    page: FetchedPage, *, run_id: int | None, site_id: int | None, kind: str, error: str | None,
    listing_url: str | None, body_sha256: str | None, article_id: int | None = None,
) -> dict[str, Any]:
    """The ``fetches`` row of one exchange (``record_fetch`` and the bulk writer's)."""
    return {
        "run_id": run_id,
        "site_id": site_id,
        "article_id": article_id,
        "kind": kind,
        "url": page.url,
        "method": page.method or "GET",
        "status": page.status or None,
        "request_headers": [[k, v] for k, v in page.request_headers],
        "request_body": page.request_body or None,
        "response_headers": [[k, v] for k, v in page.response_headers],
        "fetched_at": page.fetched_at,
        "body_sha256": body_sha256,
        "referer": page.referer,
        "listing_url": listing_url,
        "error": error,
    }


_INSERT_FETCH = insert(Fetch.__table__).returning(Fetch.__table__.c.id)
_INSERT_SNAPSHOT = insert(Snapshot.__table__).returning(Snapshot.__table__.c.id)


def _header(headers: Sequence[Sequence[str]] | None, name: str) -> str | None:
    for key, value in headers or ():
        if key.lower() == name:
            return value
    return None


def validators(status: int | None, headers: Sequence[Sequence[str]] | None) -> dict[str, str | None] | None:
    """``etag`` and ``last_modified`` of an article's first page answered 200, which conditional
    revisits send back; None for any other answer (its validators are not the article's)."""
    if status != 200:
        return None
    return {"etag": _header(headers, "etag"), "last_modified": _header(headers, "last-modified")}


# --- versions --------------------------------------------------------------------------------


def add_version(
    session: Session,
    *,
    run_id: int | None,
    site_slug: str,
    url: str,
    fields: dict[str, Any],
    audit: list[dict[str, Any]],
    extractor: str,
    fetches: Sequence[Fetch],
    seen_at: datetime,
    reason: str = "crawl",
    previous_extractor: str | None = None,
    context: dict[str, Any] | None = None,
) -> VersionOutcome:
    """Record that ``url`` was seen with these extracted ``fields``.

    Creates the article on first sight; adds a version only when the content hash differs
    from the current version's; marks a removed article live again (with a ``restored``
    event); links ``fetches`` (first page first) to the article and, for a new version, to
    the version. ``context`` is what the extractor got besides the pages (``family``,
    ``listing_url``, ``listing_title``, ``listing_date``), kept so ``reprocess`` can re-run
    it on the same inputs. With ``reason="reextract"`` the article's crawl bookkeeping (last
    seen, validators, revisit hints, status) is left alone: nothing was fetched.
    """
    if reason not in ("crawl", "reextract"):
        raise ValueError(f"reason must be crawl or reextract, not {reason!r}")
    fields = nfc(dict(fields))
    digest = content_hash(fields)
    article = _article(session, url, for_update=True)
    if article is None and reason == "crawl":
        first = _add_first_version(
            session, run_id=run_id, site_slug=site_slug, url=url, fields=fields, digest=digest,
            audit=audit, extractor=extractor, fetches=fetches, seen_at=seen_at, context=context,
        )
        if first is not None:
            return first
        article = _article(session, url, for_update=True)  # another writer was first
    if article is None:
        # INSERT … ON CONFLICT DO NOTHING: two crawler processes may meet the same new URL.
        insert_ignoring_duplicates(session, Article.__table__, {
            "site_id": site_id(session, site_slug), "url": url, "first_seen_at": seen_at, "last_seen_at": seen_at,
            "status": "live", "current_version": 0, "unchanged_streak": 0,
        })
        article = _article(session, url, for_update=True)
        assert article is not None

    restored = False
    if reason == "crawl":
        if article.status == "removed":
            article.status = "live"
            article.status_changed_at = seen_at
            article.removed_at = None
            article.removed_how = None
            session.add(ArticleEvent(
                article_id=article.id, kind="restored", at=seen_at, how="reappeared",
                fetch_id=fetches[0].id if fetches else None, run_id=run_id,
            ))
            restored = True
        article.last_seen_at = max(article.last_seen_at, seen_at)
        found = validators(fetches[0].status, fetches[0].response_headers) if fetches else None
        if found is not None:
            article.etag, article.last_modified = found["etag"], found["last_modified"]
    for fetch in fetches:
        fetch.article_id = article.id

    current = None
    if article.current_version:
        current = session.scalar(
            select(Snapshot).where(
                Snapshot.article_id == article.id, Snapshot.version == article.current_version
            )
        )
    if current is not None and current.content_hash == digest:
        if reason == "crawl":
            article.unchanged_streak += 1
        session.flush()
        return VersionOutcome(article.id, current.id, current.version, False, restored)

    if previous_extractor is None and current is not None and current.extractor != extractor:
        # A crawl-time change may be the extractor's doing, not the site's: say so.
        previous_extractor = current.extractor
    version = article.current_version + 1
    snapshot_id = _insert_version(
        session, article_id=article.id, version=version, digest=digest, fields=fields,
        audit=audit, context=context, extractor=extractor, previous_extractor=previous_extractor,
        reason=reason, run_id=run_id, created_at=seen_at if reason == "crawl" else _now(),
        fetches=fetches,
    )
    article.current_version = version
    if reason == "crawl":
        article.unchanged_streak = 0
    session.flush()
    return VersionOutcome(article.id, snapshot_id, version, True, restored)


def _insert_version(
    session: Session, *, article_id: int, version: int, digest: str, fields: dict[str, Any],
    audit: list[dict[str, Any]], context: dict[str, Any] | None, extractor: str,
    previous_extractor: str | None, reason: str, run_id: int | None, created_at: datetime,
    fetches: Sequence[Fetch],
) -> int:
    """The version row, its search index entry and its fetch links; the new snapshot's id."""
    row = version_row(
        article_id=article_id, version=version, digest=digest, fields=fields, audit=audit,
        context=context, extractor=extractor, previous_extractor=previous_extractor,
        reason=reason, run_id=run_id, created_at=created_at,
    )
    snapshot_id = session.execute(_INSERT_SNAPSHOT, row).scalar_one()
    index_snapshot(session, snapshot_id, row["title"], row["body"])
    if fetches:
        session.execute(insert(SnapshotFetch.__table__), [
            {"snapshot_id": snapshot_id, "position": position, "fetch_id": fetch.id}
            for position, fetch in enumerate(fetches)
        ])
    return snapshot_id


def version_row(
    *, article_id: int, version: int, digest: str, fields: dict[str, Any],
    audit: list[dict[str, Any]], context: dict[str, Any] | None, extractor: str,
    previous_extractor: str | None, reason: str, run_id: int | None, created_at: datetime,
) -> dict[str, Any]:
    """The ``snapshots`` row of one version (``fields`` already NFC), key columns copied out."""
    return {
        "article_id": article_id, "version": version, "content_hash": digest, "fields": fields,
        "audit": nfc(list(audit)), "context": nfc(dict(context)) if context else None,
        "extractor": extractor, "previous_extractor": previous_extractor, "reason": reason,
        "run_id": run_id, "created_at": created_at,
        **{name: _text(fields.get(name)) for name in KEY_COLUMNS},
    }


def first_article_row(
    site_id: int, url: str, seen_at: datetime, found: dict[str, str | None] | None
) -> dict[str, Any]:
    """The ``articles`` row of an article stored with its first version (``found``: its first
    page's ``validators``): its values are final, so it is inserted once, not inserted, read
    back and updated."""
    return {
        "site_id": site_id, "url": url, "first_seen_at": seen_at, "last_seen_at": seen_at,
        "status": "live", "current_version": 1, "unchanged_streak": 0,
        "etag": None, "last_modified": None,
        **(found or {}),
    }


def _add_first_version(
    session: Session, *, run_id: int | None, site_slug: str, url: str, fields: dict[str, Any],
    digest: str, audit: list[dict[str, Any]], extractor: str, fetches: Sequence[Fetch],
    seen_at: datetime, context: dict[str, Any] | None,
) -> VersionOutcome | None:
    """A new article and its first version in four statements (see ``first_article_row``).
    None when the URL turned out to exist (another writer inserted it meanwhile)."""
    row = first_article_row(
        site_id(session, site_slug), url, seen_at,
        validators(fetches[0].status, fetches[0].response_headers) if fetches else None,
    )
    article_id = insert_ignoring_duplicates(session, Article.__table__, row, returning=Article.__table__.c.id)
    if article_id is None:
        return None
    if fetches:
        session.execute(
            update(Fetch).where(Fetch.id.in_([f.id for f in fetches])).values(article_id=article_id),
            execution_options={"synchronize_session": "evaluate"},
        )
    snapshot_id = _insert_version(
        session, article_id=article_id, version=1, digest=digest, fields=fields, audit=audit,
        context=context, extractor=extractor, previous_extractor=None, reason="crawl",
        run_id=run_id, created_at=seen_at, fetches=fetches,
    )
    return VersionOutcome(article_id, snapshot_id, 1, True, False)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)


def touch_article(
    session: Session, *, url: str, seen_at: datetime, fetch: Fetch | None = None
) -> bool:
    """A revisit that proved the article unchanged without a body (``304 Not Modified``).

    Moves ``last_seen_at`` and the unchanged streak; returns False for an unknown URL.
    """
    article = _article(session, url, for_update=True)
    if article is None:
        return False
    article.last_seen_at = max(article.last_seen_at, seen_at)
    article.unchanged_streak += 1
    if fetch is not None:
        fetch.article_id = article.id
    session.flush()
    return True


def mark_removed(
    session: Session,
    *,
    run_id: int | None,
    url: str,
    how: str,
    seen_at: datetime,
    fetch: Fetch | None,
) -> bool:
    """Mark a known article removed (``http-404`` | ``http-410`` | ``soft-404`` | ``redirect-home``).

    Idempotent: returns True only when the status changed (an event is recorded then); an
    unknown URL or an article already removed gives False. Its versions are kept.
    """
    article = _article(session, url, for_update=True)
    if article is None:
        return False
    if fetch is not None:
        fetch.article_id = article.id
    if article.status == "removed":
        session.flush()
        return False
    article.status = "removed"
    article.status_changed_at = seen_at
    article.removed_at = seen_at
    article.removed_how = how
    session.add(ArticleEvent(
        article_id=article.id, kind="removed", at=seen_at, how=how,
        fetch_id=fetch.id if fetch is not None else None, run_id=run_id,
    ))
    session.flush()
    return True


# --- reading state -----------------------------------------------------------------------------


def get_article(session: Session, url: str) -> Article | None:
    """The article row for ``url``."""
    return _article(session, url)


def iter_versions(session: Session, article_id: int) -> Iterator[Snapshot]:
    """An article's versions, oldest first."""
    yield from session.scalars(
        select(Snapshot).where(Snapshot.article_id == article_id).order_by(Snapshot.version)
    )


def iter_snapshot_fetches(session: Session, snapshot_id: int) -> list[Fetch]:
    """The fetches that produced a version, first page first."""
    return list(session.scalars(
        select(Fetch)
        .join(SnapshotFetch, SnapshotFetch.fetch_id == Fetch.id)
        .where(SnapshotFetch.snapshot_id == snapshot_id)
        .order_by(SnapshotFetch.position)
    ))


def iter_article_fetches(session: Session, article_id: int) -> Iterator[Fetch]:
    """Every fetch of an article's pages (versions, unchanged revisits, 404s), oldest first."""
    yield from session.scalars(
        select(Fetch).where(Fetch.article_id == article_id).order_by(Fetch.fetched_at, Fetch.id)
    )


def iter_article_events(session: Session, article_id: int) -> Iterator[ArticleEvent]:
    """An article's removals and restorations, oldest first."""
    yield from session.scalars(
        select(ArticleEvent).where(ArticleEvent.article_id == article_id).order_by(ArticleEvent.id)
    )
