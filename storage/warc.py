"""WARC 1.1 export (through warcio): every stored HTTP exchange plus provenance metadata.

For each fetch: a ``request`` record and a ``response`` record (raw body exactly as stored),
linked by ``WARC-Concurrent-To``. The stored body is the *decoded* entity (the crawler's HTTP
stack removes gzip/chunked framing), so announcing the original ``Content-Encoding`` or
``Transfer-Encoding`` would be a lie that breaks replay: those headers are renamed
``X-Archive-Orig-…`` (the pywb convention) and ``Content-Length`` is set to the stored length.
For each version: a ``metadata`` record (JSON) with the cleaned fields, the cleaning audit, the
extractor, the crawl run, and ``WARC-Refers-To`` the response that produced it.

Metadata records are addressed as ``urn:cppcc-archiver:version:<article URL>`` (and
``…:fetch:<URL>`` for a fetch's provenance), with the page's own URL in
``WARC-Archiver-Page-URI``: replay tools (pywb, ReplayWeb.page) index every metadata record
under its target URI, and with the page's URL there they served our JSON instead of the page
(issue #20's replay test). Browsertrix addresses its page records the same way (``urn:pageinfo:``).

Digests are SHA-256 (base32, as warcio writes them): the payload digest is the same hash the
archive stores, re-encoded. Record ids are UUID5s of what identifies an exchange (fetch id,
URL, time, body hash), so two exports of the same archive agree and a metadata record can
name its response without a lookup table, while exchanges of different archives never share
an id.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from typing import IO, Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from storage.blobs import decompress
from storage.export import filter_snapshots, selection
from storage.files import iter_snapshot_file_fetches
from storage.models import Article, Body, CrawlRun, Fetch, Site, Snapshot, SnapshotFetch

FETCH_BATCH = 50  # bodies are decompressed per batch: keep memory bounded
RECORD_NS = uuid.UUID("6f1c3f0e-6c55-4c0b-9a55-2b5a0c1d7e42")
HOP_BY_HOP = ("content-encoding", "transfer-encoding")


class SHA256WARCWriter(WARCWriter):
    """warcio's writer with SHA-256 block and payload digests."""

    @staticmethod
    def _create_digester():  # type: ignore[no-untyped-def]
        return Digester("sha256")


def record_id(kind: str, key: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(RECORD_NS, f'{kind}:{key}')}>"


def fetch_key(fetch: Fetch) -> str:
    """What makes an exchange unique across archives (not only within this database)."""
    return f"{fetch.id}|{fetch.url}|{warc_date(fetch.fetched_at)}|{fetch.body_sha256}"


def snapshot_key(snap: Snapshot, url: str) -> str:
    return f"{snap.id}|{url}|{snap.version}|{snap.content_hash}|{warc_date(snap.created_at)}"


def warc_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _request_line(fetch: Fetch) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(fetch.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [(k, v) for k, v in fetch.request_headers or ()]
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    if fetch.referer and not any(k.lower() == "referer" for k, _ in headers):
        headers.append(("Referer", fetch.referer))
    return f"{fetch.method or 'GET'} {target} HTTP/1.1", headers


def honest_response_headers(headers: list[Any], body: bytes) -> list[tuple[str, str]]:
    """Headers that describe the stored bytes: no stale encodings, a true Content-Length."""
    out: list[tuple[str, str]] = []
    for key, value in headers or ():
        lower = key.lower()
        if lower == "content-length":
            continue
        still_gzipped = body[:2] == b"\x1f\x8b" and value.strip().lower() in ("gzip", "x-gzip")
        if lower == "content-encoding" and still_gzipped:
            out.append((key, value))  # the server sent gzip inside gzip: the body is still encoded
            continue
        if lower in HOP_BY_HOP:
            out.append((f"X-Archive-Orig-{key}", value))
            continue
        out.append((key, value))
    out.append(("Content-Length", str(len(body))))
    return out


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class WarcExporter:
    """Writes an archive (or a filtered part of it) as one gzipped WARC 1.1 file."""

    def __init__(self, session: Session, out: IO[bytes], *, software: str) -> None:
        self.session = session
        self.software = software  # the caller's name and version: storage does not know them
        self.writer = SHA256WARCWriter(out, gzip=True, warc_version="1.1")
        self.counts = {"request": 0, "response": 0, "metadata": 0, "warcinfo": 0}

    def write_warcinfo(self, filename: str, description: dict[str, str]) -> None:
        """The warcinfo record, dated by the archive's newest fetch rather than by the clock: two
        exports of the same archive with the same filters are byte-identical, so a CDXJ index
        made by `export --format cdxj` points into a WARC exported earlier (issue #20)."""
        newest = self.session.scalar(select(func.max(Fetch.fetched_at)))
        as_of = warc_date(newest) if newest else "1970-01-01T00:00:00.000000Z"
        info = {
            "software": f"{self.software} (warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "archive-as-of": as_of,
            **description,
        }
        record = self.writer.create_warcinfo_record(filename, info)
        record.rec_headers.replace_header("WARC-Date", as_of)
        key = f"{filename}|{as_of}|{sorted(description.items())}"
        record.rec_headers.replace_header("WARC-Record-ID", record_id("warcinfo", key))
        self.writer.write_record(record)
        self.counts["warcinfo"] += 1

    # --- fetches -----------------------------------------------------------------------------

    def write_fetch(self, fetch: Fetch, body: bytes | None, site: str | None) -> None:
        date = warc_date(fetch.fetched_at)
        extra = {
            "WARC-Archiver-Fetch-Id": str(fetch.id),
            "WARC-Archiver-Fetch-Kind": fetch.kind,
        }
        if fetch.run_id is not None:
            extra["WARC-Archiver-Crawl-Run"] = str(fetch.run_id)
        if site:
            extra["WARC-Archiver-Site"] = site
        key = fetch_key(fetch)
        response_id = record_id("response", key)
        has_response = fetch.status is not None
        if has_response:
            body = body or b""
            http = StatusAndHeaders(
                f"{fetch.status} {_reason(fetch.status)}",
                honest_response_headers(fetch.response_headers, body),
                protocol="HTTP/1.1",
            )
            record = self.writer.create_warc_record(
                fetch.url, "response", payload=BytesIO(body), length=len(body),
                http_headers=http,
                warc_headers_dict={
                    "WARC-Type": "response", "WARC-Target-URI": fetch.url,
                    "WARC-Record-ID": response_id, "WARC-Date": date, **extra,
                },
            )
            self.writer.write_record(record)
            self.counts["response"] += 1
        line, headers = _request_line(fetch)
        request_body = fetch.request_body or b""
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        if request_body:
            headers.append(("Content-Length", str(len(request_body))))
        request_headers = {
            "WARC-Type": "request", "WARC-Target-URI": fetch.url,
            "WARC-Record-ID": record_id("request", key), "WARC-Date": date,
        }
        if has_response:
            request_headers["WARC-Concurrent-To"] = response_id
        record = self.writer.create_warc_record(
            fetch.url, "request", payload=BytesIO(request_body), length=len(request_body),
            http_headers=StatusAndHeaders(line, headers, is_http_request=True),
            warc_headers_dict=request_headers,
        )
        self.writer.write_record(record)
        self.counts["request"] += 1
        if fetch.error:
            self._metadata(
                fetch.url, record_id("fetch-error", key), date,
                {"fetch_id": fetch.id, "error": fetch.error, "crawl_run_id": fetch.run_id,
                 "listing_url": fetch.listing_url},
                refers_to=record_id("request", key),
            )
        elif fetch.listing_url:
            self._metadata(
                fetch.url, record_id("fetch-meta", key), date,
                {"fetch_id": fetch.id, "listing_url": fetch.listing_url, "crawl_run_id": fetch.run_id},
                refers_to=response_id if has_response else record_id("request", key),
            )

    def _fetch_rows(self, query):  # type: ignore[no-untyped-def]
        """(fetch, raw body, site slug) in id order, FETCH_BATCH rows per query."""
        for fetch, data, size, slug in self._by_id(query, Fetch.id):
            yield fetch, (decompress(data, size) if data is not None else None), slug

    def _by_id(self, query, column):  # type: ignore[no-untyped-def]
        """The rows of ``query`` (an entity first) by ascending ``column``, FETCH_BATCH rows per
        keyset query: no cursor held across batches, memory flat however large the archive."""
        last = 0
        while True:
            rows = self.session.execute(query.where(column > last).order_by(column).limit(FETCH_BATCH)).all()
            yield from rows
            if len(rows) < FETCH_BATCH:
                return
            last = rows[-1][0].id
            self.session.expunge_all()  # keep the identity map from growing

    def write_all_fetches(
        self, *, site: str | None = None, fetched_since: datetime | None = None
    ) -> None:
        query = (
            select(Fetch, Body.data, Body.size, Site.slug)
            .outerjoin(Body, Body.sha256 == Fetch.body_sha256)
            .outerjoin(Site, Site.id == Fetch.site_id)
        )
        if site:
            query = query.where(Site.slug == site)
        if fetched_since is not None:
            query = query.where(Fetch.fetched_at >= fetched_since)
        for fetch, body, slug in self._fetch_rows(query):
            self.write_fetch(fetch, body, slug)

    # --- versions ----------------------------------------------------------------------------

    def _metadata(
        self, uri: str, rid: str, date: str, payload: dict[str, Any], *, refers_to: str | None,
        about: str = "fetch",
    ) -> None:
        data = json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode("utf-8")
        target = f"urn:cppcc-archiver:{about}:{uri}"
        headers = {
            "WARC-Type": "metadata", "WARC-Target-URI": target, "WARC-Record-ID": rid,
            "WARC-Date": date, "Content-Type": "application/json; charset=utf-8",
            "WARC-Archiver-Page-URI": uri,
        }
        if refers_to:
            headers["WARC-Refers-To"] = refers_to
        record = self.writer.create_warc_record(
            target, "metadata", payload=BytesIO(data), length=len(data),
            warc_content_type="application/json; charset=utf-8", warc_headers_dict=headers,
        )
        self.writer.write_record(record)
        self.counts["metadata"] += 1

    def write_snapshot(self, snap: Snapshot, url: str, site: str, fetches: list[Fetch],
                       run: CrawlRun | None, files: list[Fetch] = ()) -> None:  # type: ignore[assignment]
        fetch_ids = [f.id for f in fetches]
        response_ids = [record_id("response", fetch_key(f)) for f in fetches]
        payload = {
            "about": "cppcc-archiver version record: cleaned fields derived from the response(s) "
                     "this record refers to",
            "snapshot_id": snap.id,
            "article_url": url,
            "site": site,
            "version": snap.version,
            "reason": snap.reason,
            "extractor": snap.extractor,
            "previous_extractor": snap.previous_extractor,
            "content_hash": snap.content_hash,
            "created_at": warc_date(snap.created_at),
            "crawl_run_id": snap.run_id,
            "crawl_run": {
                "software_version": run.software_version,
                "started_at": warc_date(run.started_at),
                "args": run.args,
            } if run else None,
            "fetch_ids": fetch_ids,
            "fetch_records": response_ids,
            # The attachments and images this version linked, as fetched (issue #19).
            "file_records": [record_id("response", fetch_key(f)) for f in files if f.status is not None],
            "fields": snap.fields,
            "cleaning_audit": snap.audit,
        }
        self._metadata(
            url, record_id("snapshot", snapshot_key(snap, url)), warc_date(snap.created_at), payload,
            refers_to=response_ids[0] if response_ids else None, about="version",
        )

    def iter_snapshots(self, query):  # type: ignore[no-untyped-def]
        """(snapshot, article url, site slug) in id order, FETCH_BATCH rows per query."""
        return self._by_id(query, Snapshot.id)

    def snapshot_query(self, **filters: Any):  # type: ignore[no-untyped-def]
        query = (
            select(Snapshot, Article.url, Site.slug)
            .join(Article, Article.id == Snapshot.article_id)
            .join(Site, Site.id == Article.site_id)
        )
        return filter_snapshots(query, **filters)

    def fetches_of(self, snapshot_id: int) -> list[Fetch]:
        return list(self.session.scalars(
            select(Fetch).join(SnapshotFetch, SnapshotFetch.fetch_id == Fetch.id)
            .where(SnapshotFetch.snapshot_id == snapshot_id).order_by(SnapshotFetch.position)
        ))

    def write_snapshots(self, *, with_fetches: bool, **filters: Any) -> None:
        """Metadata for matching versions; with ``with_fetches`` also the fetches behind them."""
        runs: dict[int, CrawlRun | None] = {}
        written: set[int] = set()  # fetch ids (ints only: bounded by the export's size)
        for snap, url, slug in self.iter_snapshots(self.snapshot_query(**filters)):
            fetches = self.fetches_of(snap.id)
            files = list(iter_snapshot_file_fetches(self.session, snap.id))  # issue #19
            if with_fetches:
                for fetch in fetches + files:
                    if fetch.id in written:
                        continue
                    written.add(fetch.id)
                    row = self.session.execute(
                        select(Body.data, Body.size).where(Body.sha256 == fetch.body_sha256)
                    ).first()
                    body = decompress(row.data, row.size) if row is not None else None
                    self.write_fetch(fetch, body, slug)
            if snap.run_id is not None and snap.run_id not in runs:
                runs[snap.run_id] = self.session.get(CrawlRun, snap.run_id)
            self.write_snapshot(snap, url, slug, fetches, runs.get(snap.run_id) if snap.run_id else None,
                                files=files)


def export_warc(
    session: Session,
    out: IO[bytes],
    *,
    software: str,
    filename: str = "archive.warc.gz",
    **filters: Any,
) -> dict[str, int]:
    """Write the archive as WARC; return record counts by type (``filters``: export.SELECTION).

    Without article filters (``since``/``until``/``speaker``) this is the whole archive: every
    fetch (listings too; ``site`` and ``changed_since`` narrow it by site and fetch time) and a
    metadata record for every version. With article filters: the matching versions (latest
    only unless ``all_versions``), the fetches that produced them, and their metadata.
    """
    exporter = WarcExporter(session, out, software=software)
    chosen = selection(filters)
    site, since, until, speaker = chosen["site"], chosen["since"], chosen["until"], chosen["speaker"]
    all_versions, changed_since = chosen["all_versions"], chosen["changed_since"]
    description = {
        "isPartOf": "cppcc-archiver archive",
        "filters": json.dumps(chosen, ensure_ascii=False, default=str),
    }
    exporter.write_warcinfo(filename, description)
    if since or until or speaker:
        exporter.write_snapshots(with_fetches=True, all_versions=all_versions, site=site, since=since,
                                 until=until, speaker=speaker, changed_since=changed_since)
    else:
        exporter.write_all_fetches(site=site, fetched_since=changed_since)
        exporter.write_snapshots(with_fetches=False, all_versions=True, site=site,
                                 changed_since=changed_since)
    return exporter.counts
