"""Re-extract stored raw pages with the current extractor (``cppcc-archiver reprocess``).

For each article's current version, the raw fetches that produced it are read back from the
archive and given to ``archiver.article.extract_record`` with the inputs recorded in the
version's ``context`` (CMS family, listing title and date). A new version is added only when
the content hash differs, with ``reason="reextract"`` and both extractor versions, so the
history shows what a rule change did. Each article is its own transaction.

The site registry's current overrides (XPaths, encoding) are applied to the site's pages: a
user fixes a site with data, then reprocesses it (issue #16); the new version's context names
the overrides that took effect. `families` restricts the CMS family modules (ARCHIVER_FAMILIES).

It lives beside the pipelines because it owns extraction as they do (the archive below it only
stores and reads back what it is given).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from archiver.extract.files import FileResult, carry_files, speech_from_files
from archiver.extract.filetext import TEXT_EXTRACTOR, extract_text
from archiver.items import FetchedPage
from storage import repository
from storage.blobs import get_body
from storage.files import add_text, copy_file_links, stored_attachments
from storage.models import Article, Fetch, Site, Snapshot

BATCH = 200


@dataclass
class ReprocessReport:
    examined: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    changed_urls: list[str] = field(default_factory=list)
    files_reread: int = 0  # attachments whose text was extracted again from stored bytes (#19)


def page_from_fetch(session: Session, fetch: Fetch) -> FetchedPage:
    """A ``FetchedPage`` rebuilt from a stored fetch (body decompressed)."""
    body = get_body(session, fetch.body_sha256) if fetch.body_sha256 else b""
    return FetchedPage(
        url=fetch.url,
        status=fetch.status or 0,
        body=body or b"",
        fetched_at=fetch.fetched_at,
        response_headers=[(k, v) for k, v in fetch.response_headers or ()],
        request_headers=[(k, v) for k, v in fetch.request_headers or ()],
        method=fetch.method,
        request_body=fetch.request_body or b"",
        referer=fetch.referer,
    )


def _iter_current(session: Session, site: str | None) -> Iterator[tuple[int, str, str]]:
    """(snapshot id, url, site slug) of every current version, by article id, in batches."""
    last = 0
    while True:
        query = (
            select(Article.id, Snapshot.id, Article.url, Site.slug)
            .join(Snapshot, (Snapshot.article_id == Article.id)
                  & (Snapshot.version == Article.current_version))
            .join(Site, Site.id == Article.site_id)
            .where(Article.id > last).order_by(Article.id).limit(BATCH)
        )
        if site:
            query = query.where(Site.slug == site)
        rows = session.execute(query).all()
        for _aid, sid, url, slug in rows:
            yield sid, url, slug
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def default_extractor() -> tuple[Callable[..., Any], str]:
    # Imported lazily: the extractor is a separate, heavier component.
    from archiver import article

    return article.extract_record, article.EXTRACTOR


def reprocess(
    make_session: Callable[[], Session],
    *,
    site: str | None = None,
    extract: Callable[..., Any] | None = None,
    extractor_version: str | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    families: frozenset[str] | None = None,
) -> ReprocessReport:
    """Re-extract every current version (of ``site``); add versions where the result differs.

    ``overrides``: site slug -> that site's registry overrides (``overrides_by_site``)."""
    if extract is None or extractor_version is None:
        extract, extractor_version = default_extractor()
    report = ReprocessReport()
    # Keyset batches by article id: articles already handled are never revisited, and memory
    # stays flat however large the archive.
    with make_session() as reader:
        for snapshot_id, url, slug in _iter_current(reader, site):
            report.examined += 1
            try:
                with make_session() as session, session.begin():
                    options = {"overrides": dict((overrides or {}).get(slug) or {}), "families": families}
                    _one(session, snapshot_id, url, slug, extract, extractor_version, report, options)
            except Exception as exc:  # noqa: BLE001 - one bad page never stops the run
                report.failures.append(f"{url}: {type(exc).__name__}: {exc}")
            reader.rollback()  # end the read transaction between batches (WAL checkpoints)
    return report


def overrides_by_site(registry: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """slug -> overrides of every registered site that has some (a `load_registry` result)."""
    return {slug: dict(p.overrides) for slug, p in registry.items() if p.overrides}


def _one(session, snapshot_id, url, slug, extract, extractor_version, report, options) -> None:  # type: ignore[no-untyped-def]
    snap = session.get(Snapshot, snapshot_id)
    fetches = repository.iter_snapshot_fetches(session, snapshot_id)
    if not fetches:
        report.skipped += 1
        return
    context = snap.context or {}
    pages = [page_from_fetch(session, f) for f in fetches]
    result = extract(
        pages,
        family=context.get("family"),
        listing_title=context.get("listing_title"),
        listing_date=context.get("listing_date"),
        overrides=options["overrides"],
        families=options["families"],
    )
    if getattr(result, "soft_404", False):
        report.skipped += 1
        return
    # Attachments: their text is read again from the stored bytes; what the crawl learnt of each
    # file, and speech fields read from one, carry over to the re-extracted fields (issue #19).
    fields = reread_files(session, snapshot_id, result.fields, snap.fields or {}, report)
    if repository.content_hash(fields) == snap.content_hash:
        report.unchanged += 1
        return
    context = {k: v for k, v in context.items() if k != "overrides"}
    if getattr(result, "overrides_used", None):
        context["overrides"] = dict(result.overrides_used)  # which override made it (issue #16)
    outcome = repository.add_version(
        session, run_id=None, site_slug=slug, url=url, fields=fields,
        audit=list(result.audit), extractor=extractor_version, fetches=fetches,
        seen_at=fetches[0].fetched_at, reason="reextract", previous_extractor=snap.extractor,
        context={**context, "family": getattr(result, "family", None) or context.get("family")},
    )
    if outcome.created:
        copy_file_links(session, snapshot_id, outcome.snapshot_id)
        report.changed += 1
        report.changed_urls.append(url)
    else:
        report.unchanged += 1


def reread_files(session: Session, snapshot_id: int, fields: dict[str, Any], old: dict[str, Any],
                 report: ReprocessReport) -> dict[str, Any]:
    """Every stored attachment of the version is read again from its bytes (the ``file_texts``
    row replaced), and the re-extracted ``fields`` keep the file entries and any speech fields
    read from a file; speech fields are read from the new texts when missing."""
    fields = carry_files(fields, old)
    results = []
    for row in stored_attachments(session, snapshot_id):
        data = get_body(session, row.sha256)
        if data is None:
            continue
        text = extract_text(data, url=row.url)
        add_text(session, row.sha256, media_type=text.media_type, status=text.status, reason=text.reason,
                 text=text.text, pages=text.pages, extractor=TEXT_EXTRACTOR, replace=True)
        report.files_reread += 1
        index = next((i for i, e in enumerate(fields.get("attachments") or []) if e.get("url") == row.url), -1)
        results.append(FileResult("attachment", index, row.url, "stored", sha256=row.sha256, text=text.text,
                                  text_status=text.status))
    if not fields.get("speaker"):
        speech, source = speech_from_files(fields, results)
        if speech:
            fields = {**fields, **speech, "speech_from": f"attachment: {source}"}
    return fields
