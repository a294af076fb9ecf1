"""WACZ and CDXJ export (issue #20): the archive as web-archiving tools exchange it.

A WACZ 1.1 package is a zip of the WARC records (``archive/``), a CDXJ index (``indexes/``),
``pages/pages.jsonl`` and the datapackage digests. We write the WARC with our own exporter
(``storage.warc``: honest headers, SHA-256 digests, provenance metadata), the pages list with the
**extracted clean text** of every version (so replay tools' full-text search finds speeches), and
hand both to Webrecorder's ``wacz`` package, which indexes the WARC with ``cdxj-indexer`` (an
external sort, bounded memory) and writes the package and its digests. Nothing is held in
memory per article: the WARC and the pages list stream to temporary files.

A WACZ holds every stored version of the selected articles, with every fetch of every page of
each version and the fetch that showed a removal: replay tools show a page's history (its
Memento TimeMap lists each version), which is what an archive of edits and takedowns is for.
A fetch whose stored body is missing or fails its fixity check is reported and left out; the
package stays valid.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.files import iter_snapshot_file_fetches
from storage.models import ArticleEvent, Body, CrawlRun, Fetch, Site, Snapshot
from storage.verify import read_checked
from storage.warc import WarcExporter

WARC_NAME = "data.warc.gz"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "cppcc-archiver pages",
                "hasText": True}


@dataclass
class PackageReport:
    versions: int = 0
    fetches: int = 0
    skipped: list[str] = field(default_factory=list)  # one line per fetch left out, and why

    def summary(self) -> str:
        left = f", {len(self.skipped)} fetches left out" if self.skipped else ""
        return f"{self.versions} versions, {self.fetches} fetches{left}"


def _checked_body(session: Session, fetch: Fetch) -> tuple[bytes | None, str | None]:
    """The fetch's raw body, or why it cannot be exported (missing, fails fixity)."""
    if fetch.body_sha256 is None:
        return None, None  # no response body (a failed fetch): the request record still goes
    row = session.execute(select(Body.data, Body.size).where(Body.sha256 == fetch.body_sha256)).first()
    if row is None:
        return None, f"fetch {fetch.id} {fetch.url}: stored body {fetch.body_sha256[:12]}… is missing"
    data, problem = read_checked(fetch.body_sha256, row.data, row.size)
    if problem:
        return None, f"fetch {fetch.id} {fetch.url}: stored body fails its fixity check ({problem})"
    return data, None


def write_selection(session: Session, warc_out: IO[bytes], pages_out: IO[bytes], *, software: str,
                    on_skip: Callable[[str], None], **filters: Any) -> PackageReport:
    """Stream the selected versions' WARC records and their pages.jsonl lines."""
    exporter = WarcExporter(session, warc_out, software=software)
    exporter.write_warcinfo(WARC_NAME, {"isPartOf": "cppcc-archiver archive",
                                        "filters": orjson.dumps(filters, default=str).decode()})
    pages_out.write(orjson.dumps(PAGES_HEADER) + b"\n")
    report = PackageReport()
    written: set[int] = set()  # fetch ids: ints only, bounded by the export's size
    runs: dict[int, CrawlRun | None] = {}
    articles: set[int] = set()
    filters = {**filters, "all_versions": True}
    for snap, url, slug in exporter.iter_snapshots(exporter.snapshot_query(**filters)):
        fetches = exporter.fetches_of(snap.id)
        kept = [f for f in fetches if _write_fetch(session, exporter, f, slug, written, report, on_skip)]
        # The attachments and images the version linked (issue #19): replay shows the page with
        # its files, and a speech published as a PDF is in the package.
        files = list(iter_snapshot_file_fetches(session, snap.id))
        for fetch in files:
            _write_fetch(session, exporter, fetch, slug, written, report, on_skip)
        if snap.run_id is not None and snap.run_id not in runs:
            runs[snap.run_id] = session.get(CrawlRun, snap.run_id)
        exporter.write_snapshot(snap, url, slug, fetches, runs.get(snap.run_id) if snap.run_id else None,
                                files=files)
        report.versions += 1
        articles.add(snap.article_id)
        if kept:
            pages_out.write(orjson.dumps(_page_entry(snap, url, kept[0])) + b"\n")
    for fetch, slug in _event_fetches(session, articles):
        _write_fetch(session, exporter, fetch, slug, written, report, on_skip)
    return report


def _write_fetch(session: Session, exporter: WarcExporter, fetch: Fetch, slug: str,
                 written: set[int], report: PackageReport, on_skip: Callable[[str], None]) -> bool:
    if fetch.id in written:
        return True
    body, problem = _checked_body(session, fetch)
    if problem:
        report.skipped.append(problem)
        on_skip(problem)
        return False
    written.add(fetch.id)
    exporter.write_fetch(fetch, body, slug)
    report.fetches += 1
    return True


def _event_fetches(session: Session, article_ids: set[int]) -> Iterator[tuple[Fetch, str]]:
    """The fetches that showed a removal or a restoration: a takedown is evidence too."""
    ids = sorted(article_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = session.execute(
            select(Fetch, Site.slug)
            .join(ArticleEvent, ArticleEvent.fetch_id == Fetch.id)
            .outerjoin(Site, Site.id == Fetch.site_id)
            .where(ArticleEvent.article_id.in_(chunk)).order_by(Fetch.id)
        ).all()
        for fetch, slug in rows:
            yield fetch, slug or ""


def _page_entry(snap: Snapshot, url: str, fetch: Fetch) -> dict[str, Any]:
    # ts must be the capture's time so that replay opens this version of the page.
    return {
        "id": f"snapshot-{snap.id}",
        "url": url if fetch.url == url else fetch.url,
        "ts": fetch.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "title": snap.title or url,
        "text": snap.body or "",
        "version": snap.version,
    }


def export_wacz(session: Session, out: IO[bytes], *, title: str, software: str,
                on_skip: Callable[[str], None], workdir: str | None = None, **filters: Any) -> PackageReport:
    """Write a WACZ package of the selected articles to ``out``.

    The WARC, the pages list and the package are built in a temporary folder (``workdir``: the
    output's folder, so that a large export does not fill /tmp), then copied to ``out``."""
    try:
        from wacz.main import main as wacz_main
    except ImportError as exc:  # pragma: no cover - the dependency is declared
        raise RuntimeError("WACZ export needs the 'wacz' package (pip install wacz)") from exc
    with tempfile.TemporaryDirectory(prefix="cppcc-wacz-", dir=workdir) as tmp:
        warc_path, pages_path = Path(tmp, WARC_NAME), Path(tmp, "pages.jsonl")
        with open(warc_path, "wb") as warc_out, open(pages_path, "wb") as pages_out:
            report = write_selection(session, warc_out, pages_out, software=software, on_skip=on_skip,
                                     **filters)
        package = Path(tmp, "package.wacz")
        # The wacz tool prints its progress on stdout, which may be where our own output goes.
        with contextlib.redirect_stdout(io.StringIO()) as said:
            code = wacz_main(["create", "-o", str(package), "-p", str(pages_path), "-c",
                              "--title", title, "--desc", "cppcc-archiver export", str(warc_path)])
        if code not in (0, None):
            raise RuntimeError(f"wacz create failed: {said.getvalue().strip()[-300:]}")
        with open(package, "rb") as built:
            shutil.copyfileobj(built, out, 1 << 20)
    return report


def export_cdxj(session: Session, out: IO[bytes], *, warc_name: str, software: str,
                on_skip: Callable[[str], None], **filters: Any) -> PackageReport:
    """The CDXJ index of the WARC that ``export --format warc`` writes with the same filters.

    The records are written to a temporary WARC, indexed by cdxj-indexer (sorted, as pywb and
    replay tools want it) with ``filename`` set to ``warc_name``.
    """
    from cdxj_indexer.main import CDXJIndexer

    from storage.warc import export_warc

    with tempfile.TemporaryDirectory(prefix="cppcc-cdxj-") as tmp:
        warc_path = Path(tmp, os.path.basename(warc_name) or "archive.warc.gz")
        with open(warc_path, "wb") as warc_out:
            counts = export_warc(session, warc_out, software=software, filename=warc_path.name, **filters)
        text = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        CDXJIndexer(output=text, inputs=[str(warc_path)], sort=True, post_append=True,
                    fields="referrer,req.http:cookie").process_all()
        text.flush()
        text.detach()
    return PackageReport(versions=counts.get("metadata", 0), fetches=counts.get("response", 0))

