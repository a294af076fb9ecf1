"""Export records: one JSON object per article (latest version) or per stored version.

The record's field names are a contract with archivists' scripts (issue #2): extend, never
rename. Records are streamed with keyset pagination (``BATCH`` rows per query, column tuples,
no ORM identity map), so exporting a million versions needs the memory of one batch.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

import orjson
from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from storage.jsonl import one_line
from storage.models import Article, Fetch, Site, Snapshot, SnapshotFetch
from storage.types import utc_iso

BATCH = 500

# The export record, in order (issue #2).
RECORD_FIELDS = (
    "url", "site", "title", "published_at", "source", "author", "body", "speaker",
    "speaker_title", "delivered_on", "images", "attachments", "status", "version", "versions",
    "first_seen_at", "fetched_at", "sha256", "snapshot_id", "crawl_run_id", "extractor",
)

_SPACES = re.compile(r"[\s\u3000]+")


def normalize_speaker(name: str) -> str:
    """``段  鸣`` and ``段　鸣`` both mean ``段鸣`` (names are stored without padding)."""
    return _SPACES.sub("", unicodedata.normalize("NFC", name))


def _columns():  # type: ignore[no-untyped-def]
    first = aliased(SnapshotFetch)
    fetch = aliased(Fetch)
    query = (
        select(
            # Only the two lists the record needs from the fields JSON, extracted by the database:
            # decoding the whole JSON (the body again) in Python was a third of an export's time.
            Snapshot.fields["images"].label("images"),
            Snapshot.fields["attachments"].label("attachments"),
            Snapshot.id, Snapshot.article_id, Snapshot.version, Snapshot.title,
            Snapshot.published_at, Snapshot.source, Snapshot.author, Snapshot.body,
            Snapshot.speaker, Snapshot.speaker_title, Snapshot.delivered_on, Snapshot.run_id,
            Snapshot.extractor, Article.url, Article.status, Article.current_version,
            Article.first_seen_at, Site.slug, fetch.fetched_at, fetch.body_sha256,
        )
        .join(Article, Article.id == Snapshot.article_id)
        .join(Site, Site.id == Article.site_id)
        .outerjoin(first, (first.snapshot_id == Snapshot.id) & (first.position == 0))
        .outerjoin(fetch, fetch.id == first.fetch_id)
    )
    return query


# The selection every export takes (JSONL, WARC, WACZ, CDXJ), with its defaults, in the order
# a WARC's warcinfo record writes it.
SELECTION = {"site": None, "since": None, "until": None, "speaker": None, "changed_since": None,
             "all_versions": False}


def selection(filters: dict[str, Any]) -> dict[str, Any]:
    """``filters`` completed with the defaults of ``SELECTION``; an unknown name is a TypeError
    as for a keyword argument."""
    unknown = sorted(set(filters) - set(SELECTION))
    if unknown:
        raise TypeError(f"unknown export filter(s): {', '.join(unknown)}")
    return {**SELECTION, **filters}


def filter_snapshots(
    query,  # type: ignore[no-untyped-def]
    *,
    all_versions: bool = False,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    speaker: str | None = None,
    changed_since: datetime | None = None,
):
    """Apply the export/search filters to a query over ``Snapshot`` joined to ``Article``/``Site``.

    ``since``/``until`` are inclusive dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) compared
    with the published date as extracted; ``changed_since`` keeps versions created, or articles
    whose status changed, at or after that instant.
    """
    if not all_versions:
        query = query.where(Snapshot.version == Article.current_version)
    query = filter_version_fields(query, Snapshot, site=site, since=since, until=until, speaker=speaker)
    if changed_since is not None:
        query = query.where(
            or_(Snapshot.created_at >= changed_since, Article.status_changed_at >= changed_since)
        )
    return query


def filter_version_fields(query, snapshot, *, site: str | None = None, since: str | None = None,  # type: ignore[no-untyped-def]
                          until: str | None = None, speaker: str | None = None):
    """The site, published-date and speaker filters on ``snapshot`` (the Snapshot entity or an
    alias of it): export, search and the feeds share them (issue #18: one policy)."""
    if site:
        query = query.where(Site.slug == site)
    if since:
        query = query.where(snapshot.published_at >= since)
    if until:
        query = query.where(func.substr(snapshot.published_at, 1, len(until)) <= until)
    if speaker:
        # Names are stored as extracted; compare without padding (段  鸣 == 段鸣).
        stored = func.replace(func.replace(snapshot.speaker, " ", ""), "\u3000", "")
        query = query.where(stored == normalize_speaker(speaker))
    return query


def _nfc_text(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def record_from_row(row: Any) -> dict[str, Any]:
    """The export record for one row of the export query, every text NFC-normalised.

    Field by field rather than ``_nfc`` over the finished record: the recursive walk was a fifth
    of an export's time. Keys, timestamps, hashes and numbers are ASCII or not text."""
    nfc = _nfc_text
    return {
        "url": nfc(row.url),
        "site": nfc(row.slug),
        "title": nfc(row.title),
        "published_at": nfc(row.published_at),
        "source": nfc(row.source),
        "author": nfc(row.author),
        "body": nfc(row.body),
        "speaker": nfc(row.speaker),
        "speaker_title": nfc(row.speaker_title),
        "delivered_on": nfc(row.delivered_on),
        "images": [
            {"url": nfc(i.get("url")), "caption": nfc(i.get("caption")), **_file_keys(i)} for i in row.images or []
        ],
        "attachments": [
            {"url": nfc(a.get("url")), "name": nfc(a.get("name")), **_file_keys(a)} for a in row.attachments or []
        ],
        "status": row.status,
        "version": row.version,
        "versions": row.current_version,
        "first_seen_at": utc_iso(row.first_seen_at),
        "fetched_at": utc_iso(row.fetched_at),
        "sha256": row.body_sha256,
        "snapshot_id": row.id,
        "crawl_run_id": row.run_id,
        "extractor": nfc(row.extractor),
    }


# What the crawl learnt of each linked file (issue #19); absent for versions archived before.
FILE_KEYS = ("sha256", "media_type", "size", "status", "reason", "text_chars", "filename")


def _file_keys(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: _nfc_text(entry[k]) for k in FILE_KEYS if k in entry}


def with_file_texts(session: Session, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each stored attachment gains ``text_status`` and its full ``text`` (one query per batch):
    the speech is often only in the file, so the export carries it (README, issue #19)."""
    from storage.files import texts_by_digest

    texts = texts_by_digest(session, [a.get("sha256") for r in records for a in r["attachments"]])
    for record in records:
        for entry in record["attachments"]:
            found = texts.get(entry.get("sha256") or "")
            if found is not None:
                entry["text_status"], entry["text"] = found.status, found.text
    return records


def iter_export_records(session: Session, *, batch: int = BATCH, **filters: Any) -> Iterator[dict[str, Any]]:
    """Export records (see ``RECORD_FIELDS``), by article then version, in constant memory;
    ``filters``: those of ``SELECTION``, applied by ``filter_snapshots``.

    One record per article (its current version) unless ``all_versions``. Each batch is its
    own keyset query ``(article_id, version) > last``, so no cursor is held across batches
    and memory does not grow with the archive.
    """
    base = filter_snapshots(_columns(), **selection(filters)).order_by(Snapshot.article_id, Snapshot.version)
    last: tuple[int, int] | None = None
    while True:
        query = base
        if last is not None:
            query = query.where(
                tuple_(Snapshot.article_id, Snapshot.version) > tuple_(*last)
                if session.get_bind().dialect.name != "sqlite"
                else or_(
                    Snapshot.article_id > last[0],
                    and_(Snapshot.article_id == last[0], Snapshot.version > last[1]),
                )
            )
        rows = session.execute(query.limit(batch)).all()
        if not rows:
            return
        yield from with_file_texts(session, [record_from_row(row) for row in rows])
        last = (rows[-1].article_id, rows[-1].version)
        if len(rows) < batch:
            return


def dumps_record(record: dict[str, Any]) -> str:
    """One JSONL line (UTF-8 text, Chinese kept readable)."""
    return encode_record(record).decode("utf-8")


def encode_record(record: dict[str, Any]) -> bytes:
    """One JSONL line as UTF-8 bytes: orjson never escapes non-ASCII text and is ~10x faster
    than ``json.dumps`` (encoding was a tenth of an export's time)."""
    return one_line(orjson.dumps(record)) + b"\n"


WRITE_CHUNK = 1 << 20


def write_jsonl(records: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    """Write records as JSON Lines (UTF-8) to a binary stream, in ~1 MB writes; return how many."""
    count = 0
    pending: list[bytes] = []
    size = 0
    for record in records:
        line = encode_record(record)
        pending.append(line)
        size += len(line)
        count += 1
        if size >= WRITE_CHUNK:
            out.write(b"".join(pending))
            pending, size = [], 0
    if pending:
        out.write(b"".join(pending))
    return count


def iter_records_by_snapshot(session: Session, snapshot_ids: list[int]) -> Iterator[dict[str, Any]]:
    """Export records for these versions, in the order given (search results)."""
    by_id: dict[int, dict[str, Any]] = {}
    for start in range(0, len(snapshot_ids), BATCH):
        chunk = snapshot_ids[start:start + BATCH]
        records = [record_from_row(row) for row in session.execute(_columns().where(Snapshot.id.in_(chunk)))]
        for record in with_file_texts(session, records):
            by_id[record["snapshot_id"]] = record
        for sid in chunk:
            if sid in by_id:
                yield by_id.pop(sid)


def open_part_file(out_path: Path) -> tuple[BinaryIO, Path]:
    """A new temporary file beside ``out_path``, to be renamed over it once complete.

    Created exclusively under a random name (``mkstemp``: ``O_CREAT|O_EXCL``, never through a
    symlink), so a file or symlink planted at ``FILE.part`` is never written through (issue
    #15: a symlink there made `export` overwrite another file). Readable as a plain new file
    would be (mkstemp's 0600, widened by the umask).
    """
    fd, name = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.", suffix=".part")
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    return os.fdopen(fd, "wb"), Path(name)
