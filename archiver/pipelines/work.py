"""What the pipelines run: extracting an article (on the reactor's thread, or the parse thread
for big pages) and storing items (on the writer thread).

No Scrapy or Twisted import here: pure functions and the writer, callable from any thread.
Storage is one transaction per batch of items: an article, its version and its fetches commit
together, so a crash at any moment leaves the archive consistent and loses nothing committed.
New articles and lone fetches go in bulk (``storage.bulk``); every other item under its own
SAVEPOINT, so an item that fails rolls back alone. A batch that fails as a whole is stored
again item by item.
"""

from __future__ import annotations

import traceback
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import event

from archiver.article import Extraction, extract_record
from archiver.extract.filetext import TEXT_EXTRACTOR
from archiver.items import ArticleItem, FetchedPage, FetchItem, GoneItem, UnchangedItem
from storage import bulk, files, repository
from storage.db import BUSY_TIMEOUT_MS, make_engine, make_session_factory, use_explicit_transactions
from storage.errors import is_disk_full, short_error


def extract_article(
    pages: list[FetchedPage], family: str | None, listing_title: str | None, listing_date: str | None,
    overrides: dict | None = None, families: frozenset[str] | None = None,
) -> Extraction:
    return extract_record(pages, family=family, listing_title=listing_title, listing_date=listing_date,
                          overrides=overrides, families=families)


@dataclass
class Tally:
    """What storing one item did, applied to the reports and stats only after it committed."""

    report: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    stats: list[str] = field(default_factory=list)


@dataclass
class WriteFailure:
    """A rolled-back item, described in the writer thread (the exception stays there)."""

    message: str
    disk_full: bool
    detail: str = ""


class Writer:
    """Stores items; a batch is one transaction (one fsync for the batch, not one per item)."""

    def __init__(self, db_url: str, busy_timeout: float | None = None) -> None:
        self.engine = make_engine(db_url)
        if self.engine.dialect.name == "sqlite":
            if busy_timeout is not None:  # ARCHIVER_SQLITE_BUSY_TIMEOUT (tests use a short one)
                _set_busy_timeout(self.engine, busy_timeout)
            use_explicit_transactions(self.engine)  # SAVEPOINTs need it with pysqlite
        else:
            # PostgreSQL waits for a row or table lock for ever by default: another program
            # holding one would stall the writer until the lane's watchdog (issue #15). Wait as
            # long as SQLite would, then fail the items (their column stays incomplete).
            _set_lock_timeout(self.engine, busy_timeout if busy_timeout is not None else BUSY_TIMEOUT_MS / 1000)
        self.sessions = make_session_factory(self.engine)
        # Site ids of committed transactions: each batch would otherwise look up every site it
        # names again (an ORM query and a flush per site per batch, ~2.5% of a crawl's CPU).
        # Only what committed is kept: a rolled-back batch may have created the site row.
        self.site_ids: dict[str, int] = {}

    def write_batch(self, items: list) -> list[Tally | WriteFailure]:
        """Store ``items`` in one transaction; what storing each did, in order. (Each batch is
        written once: the writer is a thread of the crawl, nothing resends a batch.)"""
        try:
            with self.sessions.begin() as session:
                session.info[repository.SITE_IDS] = dict(self.site_ids)
                results = self._write_all(session, items)
            self.site_ids.update(session.info.get(repository.SITE_IDS, {}))  # committed
            return results
        except Exception as exc:  # the batch rolled back as a whole (full disk, lock timeout)
            if len(items) > 1:
                return self._write_one_by_one(items)
            return [WriteFailure(short_error(exc), is_disk_full(exc), traceback.format_exc())]

    def _write_one_by_one(self, items: list) -> list[Tally | WriteFailure]:
        """After a failed batch: each item in its own transaction, so that what still fits on a
        nearly full disk is kept; after the first full-disk failure the rest fail alike."""
        results: list[Tally | WriteFailure] = []
        for item in items:
            (result,) = self.write_batch([item])
            results.append(result)
            if isinstance(result, WriteFailure) and result.disk_full:
                return results + [result] * (len(items) - len(results))
        return results

    def _write_all(self, session, items: list) -> list[Tally | WriteFailure]:
        """New articles and lone fetches in bulk (``storage.bulk``: one statement per table for
        the batch), then every other item one by one, each under its own SAVEPOINT."""
        results: list[Tally | WriteFailure | None] = [None] * len(items)
        articles, fetches = self._bulk_items(session, items)
        if articles or fetches:
            bulk.store_new(session, [new_article(items[i]) for i in articles],
                           [lone_fetch(items[i]) for i in fetches])
            for i in articles:
                results[i] = Tally(report=Counter(new=1), stats=["archiver/storage/new"])
            for i in fetches:
                results[i] = Tally(stats=[f"archiver/storage/fetches/{items[i].kind}"])
        for i, item in enumerate(items):
            if results[i] is None:
                results[i] = self._write_one(session, item)
        return results  # type: ignore[return-value]

    @staticmethod
    def _bulk_items(session, items: list) -> tuple[list[int], list[int]]:
        """Indices of the items ``storage.bulk`` can store: lone fetches, and articles with
        something extracted whose URL is in neither the archive nor earlier in the batch (with
        their files: a new article has no stored file to mark removed)."""
        candidates = [i for i, item in enumerate(items) if isinstance(item, ArticleItem)
                      and not item.soft_404 and (item.fields.get("title") or item.fields.get("body"))]
        unseen = bulk.new_urls(session, [items[i].url for i in candidates])
        articles = []
        for i in candidates:
            if items[i].url in unseen:
                unseen.discard(items[i].url)  # a second copy in the batch is an update, stored after
                articles.append(i)
        fetches = [i for i, item in enumerate(items) if isinstance(item, FetchItem)]
        return articles, fetches

    def _write_one(self, session, item) -> Tally | WriteFailure:
        tally = Tally()
        try:
            with session.begin_nested():
                store(session, item, tally)
        except Exception as exc:  # one bad item never stops the crawl: described, not raised
            session.info.pop(repository.SITE_IDS, None)  # may name a row the rollback undid
            if is_disk_full(exc):
                raise  # the whole batch is lost with it; nothing half-written
            return WriteFailure(short_error(exc), False, traceback.format_exc())
        return tally

    def close(self) -> None:
        self.engine.dispose()


def _set_busy_timeout(engine, seconds: float) -> None:  # type: ignore[no-untyped-def]
    # Listens after storage.db's own pragmas, so this value wins.
    @event.listens_for(engine, "connect")
    def _busy(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")


def _set_lock_timeout(engine, seconds: float) -> None:  # type: ignore[no-untyped-def]
    @event.listens_for(engine, "connect")
    def _lock_timeout(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(seconds * 1000)}")
        dbapi_connection.commit()


def new_article(item: ArticleItem) -> bulk.NewArticle:
    return bulk.NewArticle(
        run_id=item.run_id, site_slug=item.site, url=item.url, pages=item.pages, fields=item.fields,
        audit=item.audit, extractor=item.extractor, listing_url=item.listing_url,
        context=article_context(item), files=item.files, file_extractor=TEXT_EXTRACTOR,
    )


def lone_fetch(item: FetchItem) -> bulk.LoneFetch:
    return bulk.LoneFetch(run_id=item.run_id, site_slug=item.site, page=item.page, kind=item.kind,
                          error=item.error)


def article_context(item: ArticleItem) -> dict:
    """What extraction got besides the pages, stored with the version so ``reprocess`` re-runs
    it with the same inputs."""
    context = {"family": item.family, "listing_url": item.listing_url,
               "listing_title": item.listing_title, "listing_date": item.listing_date}
    if item.overrides_used:
        context["overrides"] = dict(item.overrides_used)  # which registry override made it (#16)
    return context


def store(session, item, tally: Tally) -> None:
    if isinstance(item, FetchItem):
        repository.record_fetch(
            session, run_id=item.run_id, site_slug=item.site, page=item.page,
            kind=item.kind, error=item.error,
        )
        tally.stats.append(f"archiver/storage/fetches/{item.kind}")
    elif isinstance(item, GoneItem):
        fetch = repository.record_fetch(
            session, run_id=item.run_id, site_slug=item.site, page=item.page, kind="article",
        )
        if repository.mark_removed(
            session, run_id=item.run_id, url=item.url, how=item.how,
            seen_at=item.page.fetched_at, fetch=fetch,
        ):
            tally.report["removed"] += 1
            tally.stats.append(f"archiver/storage/removed/{item.how}")
    elif isinstance(item, UnchangedItem):
        fetch = repository.record_fetch(
            session, run_id=item.run_id, site_slug=item.site, page=item.page, kind="article",
        )
        repository.touch_article(session, url=item.url, seen_at=item.page.fetched_at, fetch=fetch)
        tally.report["not_modified"] += 1
        tally.stats.append("archiver/storage/not_modified")
    elif isinstance(item, ArticleItem):
        store_article(session, item, tally)


def store_article(session, item: ArticleItem, tally: Tally) -> None:
    fetches = [
        repository.record_fetch(
            session, run_id=item.run_id, site_slug=item.site, page=page, kind="article",
            listing_url=item.listing_url,
        )
        for page in item.pages
    ]
    file_fetches = files.record_file_fetches(session, run_id=item.run_id, site_slug=item.site, files=item.files,
                                            extractor=TEXT_EXTRACTOR)
    if item.soft_404:
        tally.report["errors"] += 1
        tally.notes.append(f"{item.url}: soft 404")
        return
    if not item.fields.get("title") and not item.fields.get("body"):
        tally.report["errors"] += 1
        tally.notes.append(f"{item.url}: no title and no body extracted; raw page kept")
        tally.stats.append("archiver/storage/empty_extractions")
        return
    for url in files.mark_removed(session, item.url, item.fields):  # issue #19
        tally.notes.append(f"{item.url}: file removed from the site: {url}")
        tally.stats.append("archiver/storage/files_removed")
    outcome = repository.add_version(
        session, run_id=item.run_id, site_slug=item.site, url=item.url, fields=item.fields,
        audit=item.audit, extractor=item.extractor, fetches=fetches,
        seen_at=item.pages[0].fetched_at, context=article_context(item),
    )
    files.link_files(session, article_id=outcome.article_id, files=item.files, fetches=file_fetches,
                     snapshot_id=outcome.snapshot_id if outcome.created else None)
    if outcome.restored:
        tally.report["restored"] += 1
    if not outcome.created:
        tally.report["unchanged"] += 1
        tally.stats.append("archiver/storage/unchanged")
    elif outcome.version == 1:
        tally.report["new"] += 1
        tally.stats.append("archiver/storage/new")
    else:
        tally.report["updated"] += 1
        tally.stats.append("archiver/storage/changed")
