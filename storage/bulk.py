"""Storing many new articles at once: the first crawl of a site, where every article is new.

``repository.add_version`` stores one article in about a dozen statements (body lookups and
inserts per page, the fetch rows, the article, the version, its search entry, its fetch links).
For a batch of articles none of which is in the archive yet, the same rows are written here
with one statement per table for the whole batch, their linked files (issue #19) included. The
rows are exactly those the one-by-one path writes (the row builders are shared with ``repository``), so an archive cannot tell which
path stored an article.

Only articles known to be new may come here (``new_urls``). If anything fails (another writer
inserted one of the URLs meanwhile, a full disk), the statement raises and the caller's
transaction rolls back as a whole; the writer then stores the batch one item at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from storage.blobs import add_bodies, insert_ignoring_duplicates
from storage.exchange import FetchedPage
from storage.files import text_row
from storage.models import Article, Fetch, FileText, Snapshot, SnapshotFetch, SnapshotFile
from storage.repository import (
    content_hash,
    fetch_row,
    first_article_row,
    has_body,
    nfc,
    site_id,
    validators,
    version_row,
)
from storage.search_index import index_snapshots

_INSERT_ARTICLES = insert(Article.__table__).returning(Article.__table__.c.id, sort_by_parameter_order=True)
_INSERT_FETCHES = insert(Fetch.__table__).returning(Fetch.__table__.c.id, sort_by_parameter_order=True)
_INSERT_SNAPSHOTS = insert(Snapshot.__table__).returning(Snapshot.__table__.c.id, sort_by_parameter_order=True)
_INSERT_LINKS = insert(SnapshotFetch.__table__)


@dataclass(frozen=True)
class NewArticle:
    """An article not yet in the archive, with its extracted fields and raw pages."""

    run_id: int | None
    site_slug: str
    url: str
    pages: Sequence[FetchedPage]  # first page first
    fields: dict[str, Any]
    audit: list[dict[str, Any]]
    extractor: str
    listing_url: str | None
    context: dict[str, Any] | None
    # Linked files (issue #19), as ``storage.files.record_file_fetches`` takes them; their texts
    # were read by ``file_extractor``. (A new article has no stored file to mark removed.)
    files: Sequence[Any] = ()
    file_extractor: str | None = None


@dataclass(frozen=True)
class LoneFetch:
    """A fetch that belongs to no article (a listing page, a failed article request)."""

    run_id: int | None
    site_slug: str | None
    page: FetchedPage
    kind: str
    error: str | None = None


def new_urls(session: Session, urls: Sequence[str]) -> set[str]:
    """Those of ``urls`` that no stored article has."""
    if not urls:
        return set()
    known = session.execute(select(Article.url).where(Article.url.in_(list(set(urls))))).scalars()
    return set(urls) - set(known)


def store_new(session: Session, articles: Sequence[NewArticle], fetches: Sequence[LoneFetch]) -> None:
    """Store ``articles`` (each with version 1) and ``fetches`` in the caller's transaction."""
    file_pages = [r.page for a in articles for r in a.files if r.page is not None]
    pages = [page for article in articles for page in article.pages] + file_pages + [f.page for f in fetches]
    kept = [page for page in pages if has_body(page)]
    body_of = {id(page): digest for page, digest in zip(kept, add_bodies(session, [p.body for p in kept]))}

    article_ids = _insert_ids(session, _INSERT_ARTICLES, [
        first_article_row(site_id(session, a.site_slug), a.url, a.pages[0].fetched_at,
                          validators(a.pages[0].status, a.pages[0].response_headers))
        for a in articles
    ])
    fetch_rows = [
        fetch_row(page, run_id=a.run_id, site_id=site_id(session, a.site_slug), kind="article",
                  error=None, listing_url=a.listing_url, body_sha256=body_of.get(id(page)),
                  article_id=article_id)
        for a, article_id in zip(articles, article_ids)
        for page in a.pages
    ] + [  # the files' exchanges belong to the article that linked them (storage.files.link_files)
        fetch_row(r.page, run_id=a.run_id, site_id=site_id(session, a.site_slug), kind=r.role,
                  error=None if r.status == "stored" else r.reason, listing_url=None,
                  body_sha256=body_of.get(id(r.page)), article_id=article_id)
        for a, article_id in zip(articles, article_ids)
        for r in a.files if r.page is not None
    ] + [
        fetch_row(f.page, run_id=f.run_id, site_id=site_id(session, f.site_slug) if f.site_slug else None,
                  kind=f.kind, error=f.error, listing_url=None, body_sha256=body_of.get(id(f.page)))
        for f in fetches
    ]
    fetch_ids = iter(_insert_ids(session, _INSERT_FETCHES, fetch_rows))
    page_fetch_ids = [[next(fetch_ids) for _ in a.pages] for a in articles]
    file_fetch_ids = [[next(fetch_ids) if r.page is not None else None for r in a.files] for a in articles]

    version_rows = []
    for a, article_id in zip(articles, article_ids):
        fields = nfc(dict(a.fields))
        version_rows.append(version_row(
            article_id=article_id, version=1, digest=content_hash(fields), fields=fields,
            audit=a.audit, context=a.context, extractor=a.extractor, previous_extractor=None,
            reason="crawl", run_id=a.run_id, created_at=a.pages[0].fetched_at,
        ))
    snapshot_ids = _insert_ids(session, _INSERT_SNAPSHOTS, version_rows)
    index_snapshots(session, [(sid, row["title"], row["body"]) for sid, row in zip(snapshot_ids, version_rows)])
    links = [
        {"snapshot_id": snapshot_id, "position": position, "fetch_id": fetch_id}
        for snapshot_id, ids in zip(snapshot_ids, page_fetch_ids)
        for position, fetch_id in enumerate(ids)
    ]
    if links:
        session.execute(_INSERT_LINKS, links)
    _store_files(session, articles, snapshot_ids, file_fetch_ids)


def _store_files(session: Session, articles: Sequence[NewArticle], snapshot_ids: list[int],
                 file_fetch_ids: list[list[int | None]]) -> None:
    """The files' texts and their ``snapshot_files`` rows, as ``storage.files`` writes them."""
    texts = [
        text_row(r.sha256, media_type=r.media_type or "application/octet-stream", status=r.text_status,
                 reason=r.text_reason, text=r.text, pages=r.pages, extractor=a.file_extractor)
        for a in articles for r in a.files if r.page is not None and r.sha256 and r.status == "stored"
        and r.text_status
    ]
    if texts:
        insert_ignoring_duplicates(session, FileText.__table__, texts)
    rows = [{"snapshot_id": snapshot_id, "position": n, "role": r.role, "url": r.url, "status": r.status,
             "fetch_id": fetch_id, "sha256": r.sha256 if r.status == "stored" else None}
            for a, snapshot_id, ids in zip(articles, snapshot_ids, file_fetch_ids)
            for n, (r, fetch_id) in enumerate(zip(a.files, ids))]
    if rows:
        insert_ignoring_duplicates(session, SnapshotFile.__table__, rows)


def _insert_ids(session: Session, statement, rows: list[dict[str, Any]]) -> list[int]:  # type: ignore[no-untyped-def]
    """Insert ``rows``; their new ids, in the order of ``rows``."""
    if not rows:
        return []
    return list(session.execute(statement, rows).scalars())
