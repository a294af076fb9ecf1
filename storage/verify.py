"""Fixity check: re-read every stored body and compare it with the hash it is filed under.

A body is damaged when its zstd frame no longer decompresses (zstd checks its own frame
checksum), when its length differs from the recorded raw size, or when the SHA-256 of the bytes
is not its key. Each damaged body is reported with the fetches that point at it, so an
archivist knows which URLs to recover. Also reported: fetches whose body row is missing, and
versions whose stored fields no longer hash to their recorded content hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import zstandard
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, Body, Fetch, Snapshot

BATCH = 100


@dataclass
class Problem:
    sha256: str
    what: str
    fetches: list[tuple[int, str]] = field(default_factory=list)  # (fetch id, url)

    def describe(self) -> str:
        where = ", ".join(f"fetch {fid} {url}" for fid, url in self.fetches) or "no fetch refers to it"
        return f"body {self.sha256}: {self.what} ({where})"


@dataclass
class VerifyReport:
    bodies: int = 0
    raw_bytes: int = 0
    versions: int = 0
    problems: list[Problem] = field(default_factory=list)
    version_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.version_problems


def read_checked(sha256: str, data: bytes, size: int) -> tuple[bytes | None, str | None]:
    """A stored body's raw bytes, or None and what is wrong with them (the fixity check that
    `verify` runs and that exports run on each body they write)."""
    try:
        raw = zstandard.ZstdDecompressor().decompress(data, max_output_size=max(size, 1))
    except zstandard.ZstdError as exc:
        return None, f"stored bytes are damaged (zstd: {exc})"
    if len(raw) != size:
        return None, f"length {len(raw)} differs from recorded {size}"
    actual = hashlib.sha256(raw).hexdigest()
    if actual != sha256:
        return None, f"content hash is now {actual}"
    return raw, None


def check_body(sha256: str, data: bytes, size: int) -> str | None:
    """What is wrong with one stored body, or None."""
    return read_checked(sha256, data, size)[1]


def _iter_bodies(session: Session) -> Iterator[tuple[str, bytes, int]]:
    last = ""
    while True:
        rows = session.execute(
            select(Body.sha256, Body.data, Body.size)
            .where(Body.sha256 > last).order_by(Body.sha256).limit(BATCH)
        ).all()
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1].sha256


def verify_archive(session: Session) -> VerifyReport:
    """Re-hash every stored body (streamed) and check every fetch's body reference."""
    report = VerifyReport()
    for sha256, data, size in _iter_bodies(session):
        report.bodies += 1
        report.raw_bytes += size
        what = check_body(sha256, data, size)
        if what:
            fetches = session.execute(
                select(Fetch.id, Fetch.url).where(Fetch.body_sha256 == sha256).order_by(Fetch.id)
            ).all()
            report.problems.append(Problem(sha256, what, [(f.id, f.url) for f in fetches]))
    missing = session.execute(
        select(Fetch.id, Fetch.url, Fetch.body_sha256)
        .outerjoin(Body, Body.sha256 == Fetch.body_sha256)
        .where(Fetch.body_sha256.is_not(None), Body.sha256.is_(None))
    ).all()
    for fid, url, sha256 in missing:
        report.problems.append(Problem(sha256, "body row is missing", [(fid, url)]))
    _verify_versions(session, report)
    return report


def _verify_versions(session: Session, report: VerifyReport) -> None:
    from storage.repository import content_hash  # the one definition of a version's identity

    last = 0
    while True:
        rows = session.execute(
            select(Snapshot.id, Snapshot.version, Snapshot.fields, Snapshot.content_hash, Article.url)
            .join(Article, Article.id == Snapshot.article_id)
            .where(Snapshot.id > last).order_by(Snapshot.id).limit(BATCH)
        ).all()
        for sid, version, fields, digest, url in rows:
            report.versions += 1
            if content_hash(fields or {}) != digest:
                report.version_problems.append(
                    f"version {version} (snapshot {sid}) of {url}: fields no longer match content hash {digest}"
                )
        if len(rows) < BATCH:
            return
        last = rows[-1].id
