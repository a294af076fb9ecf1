"""Stored attachments and images (issue #19): their fetches, texts and links to versions.

A file's bytes are an ordinary content-addressed body (``bodies``: SHA-256, zstd, checked by
``verify``), so a file linked by many articles is stored once. Its exchange is a ``fetches`` row
of kind ``attachment`` or ``image`` (URL, time, status, headers; ``referer`` and ``article_id``
name the article that linked it); ``snapshot_files`` names the version that linked it and the
fetch; ``file_texts`` holds the text read from it, once per distinct file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.blobs import insert_ignoring_duplicates
from storage.models import Article, Fetch, FileText, Snapshot, SnapshotFile

GONE_REASONS = ("http-404", "http-410", "redirect-home", "soft-404")


def record_file_fetches(session: Session, *, run_id: int | None, site_slug: str, files: Sequence[Any],
                        extractor: str) -> list[Fetch | None]:
    """A fetch row per file that was requested (None for a file never requested), and the text
    of every stored file not read before (``extractor``: the text reader's name and version)."""
    from storage.repository import record_fetch

    fetches: list[Fetch | None] = []
    for result in files:
        if result.page is None:
            fetches.append(None)
            continue
        fetch = record_fetch(session, run_id=run_id, site_slug=site_slug, page=result.page, kind=result.role,
                             error=None if result.status == "stored" else result.reason)
        fetches.append(fetch)
        if result.sha256 and result.status == "stored" and result.text_status:
            add_text(session, result.sha256, media_type=result.media_type or "application/octet-stream",
                     status=result.text_status, reason=result.text_reason, text=result.text,
                     pages=result.pages, extractor=extractor)
    return fetches


def add_text(session: Session, sha256: str, *, media_type: str, status: str, reason: str | None,
             text: str | None, pages: int | None, extractor: str, replace: bool = False) -> None:
    row = text_row(sha256, media_type=media_type, status=status, reason=reason, text=text, pages=pages,
                   extractor=extractor)
    if replace:
        session.execute(update(FileText).where(FileText.sha256 == sha256).values(**row))
    insert_ignoring_duplicates(session, FileText.__table__, row)


def text_row(sha256: str, *, media_type: str, status: str, reason: str | None, text: str | None,
             pages: int | None, extractor: str | None) -> dict[str, Any]:
    """The ``file_texts`` row of one file (``add_text`` and the bulk writer's)."""
    return {"sha256": sha256, "media_type": media_type, "status": status, "reason": reason, "text": text,
            "chars": len(text or ""), "pages": pages, "extractor": extractor,
            "extracted_at": datetime.now(UTC)}


def link_files(session: Session, *, article_id: int, snapshot_id: int | None, files: Sequence[Any],
               fetches: Sequence[Fetch | None]) -> None:
    """The file fetches belong to the article; a new version also lists them, in order."""
    ids = [f.id for f in fetches if f is not None]
    if ids:
        session.execute(update(Fetch).where(Fetch.id.in_(ids)).values(article_id=article_id))
    if snapshot_id is None:
        return
    rows = [{"snapshot_id": snapshot_id, "position": n, "role": r.role, "url": r.url, "status": r.status,
             "fetch_id": f.id if f is not None else None, "sha256": r.sha256 if r.status == "stored" else None}
            for n, (r, f) in enumerate(zip(files, fetches))]
    if rows:
        insert_ignoring_duplicates(session, SnapshotFile.__table__, rows)


def mark_removed(session: Session, url: str, fields: dict[str, Any]) -> list[str]:
    """A file the current version had stored and that is now gone (404, soft 404, redirect to
    the home page) becomes ``removed``: the new version's diff names it. Returns their URLs."""
    current = session.execute(
        select(Snapshot.fields).join(Article, Article.id == Snapshot.article_id)
        .where(Article.url == url, Snapshot.version == Article.current_version)
    ).scalar()
    if not current:
        return []
    removed = []
    for key in ("attachments", "images"):
        before = {e.get("url"): e for e in current.get(key) or []}
        for entry in fields.get(key) or []:
            old = before.get(entry.get("url"))
            if (old and old.get("status") in ("stored", "removed") and entry.get("status") == "failed"
                    and entry.get("reason") in GONE_REASONS):
                entry["status"] = "removed"
                removed.append(entry["url"])
    return removed


def texts_by_digest(session: Session, digests: Sequence[str]) -> dict[str, FileText]:
    wanted = [d for d in set(digests) if d]
    if not wanted:
        return {}
    return {row.sha256: row for row in session.scalars(select(FileText).where(FileText.sha256.in_(wanted)))}


def with_texts(session: Session, attachments: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Export/show form of a version's attachments: each entry with its ``text`` (and
    ``text_status``) joined from ``file_texts``."""
    entries = [dict(e) for e in attachments or []]
    texts = texts_by_digest(session, [e.get("sha256") for e in entries])
    for entry in entries:
        found = texts.get(entry.get("sha256") or "")
        if "sha256" in entry or found is not None:
            entry["text"] = found.text if found is not None else None
            entry["text_status"] = found.status if found is not None else None
    return entries


def iter_snapshot_file_fetches(session: Session, snapshot_id: int) -> Iterator[Fetch]:
    yield from session.scalars(
        select(Fetch).join(SnapshotFile, SnapshotFile.fetch_id == Fetch.id)
        .where(SnapshotFile.snapshot_id == snapshot_id).order_by(SnapshotFile.position)
    )


def search_file_texts(session: Session, terms: list[str], snapshot_ids_query, limit: int) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    """``(snapshot_id, file name, text)`` of current versions whose attachment text holds every
    term (a scan of ``file_texts``: attachments are few beside pages; see README)."""
    query = (
        select(SnapshotFile.snapshot_id, SnapshotFile.url, FileText.text)
        .join(FileText, FileText.sha256 == SnapshotFile.sha256)
        .where(SnapshotFile.snapshot_id.in_(snapshot_ids_query),
               *[FileText.text.contains(t, autoescape=True) for t in terms])
        .order_by(SnapshotFile.snapshot_id.desc(), SnapshotFile.position)
        .limit(limit * 4)
    )
    return [(row.snapshot_id, row.url, row.text) for row in session.execute(query)]


def stored_attachments(session: Session, snapshot_id: int) -> list[SnapshotFile]:
    """The attachments of a version whose bytes were stored, in the order it linked them."""
    return list(session.execute(select(SnapshotFile).where(SnapshotFile.snapshot_id == snapshot_id,
                                                           SnapshotFile.role == "attachment",
                                                           SnapshotFile.sha256.is_not(None))
                                .order_by(SnapshotFile.position)).scalars())


def copy_file_links(session: Session, old_snapshot: int, new_snapshot: int) -> None:
    """A re-extracted version links the same file fetches as the version it re-read."""
    rows = session.execute(select(SnapshotFile).where(SnapshotFile.snapshot_id == old_snapshot)).scalars().all()
    if rows:
        insert_ignoring_duplicates(session, SnapshotFile.__table__, [
            {"snapshot_id": new_snapshot, "position": r.position, "role": r.role, "url": r.url,
             "status": r.status, "fetch_id": r.fetch_id, "sha256": r.sha256} for r in rows])


def urls_with_files(session: Session, sites) -> set[str]:  # type: ignore[no-untyped-def]
    """URLs of the articles (of these site slugs) whose current version links stored files."""
    from storage.models import Site

    query = (
        select(Article.url).join(Site, Site.id == Article.site_id)
        .join(Snapshot, (Snapshot.article_id == Article.id) & (Snapshot.version == Article.current_version))
        .join(SnapshotFile, SnapshotFile.snapshot_id == Snapshot.id)
        .where(Site.slug.in_(list(sites))).distinct()
    )
    return set(session.execute(query).scalars())
