"""Content-addressed raw bodies: SHA-256 of the bytes as received, zstd-compressed at rest.

The hash is always of the raw (uncompressed) bytes, so ``verify`` can re-hash what it reads back
and a WARC payload digest can be checked against the archive. Frames carry zstd's own checksum
too, so a flipped bit is caught even before the SHA-256 comparison.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import zstandard
from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Body

ZSTD_LEVEL = 10


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_COMPRESSORS = threading.local()  # a ZstdCompressor must not be shared between threads


def compress(data: bytes) -> bytes:
    # One compressor per thread, reused: making one per body (a level-10 context each) was a
    # fifth of the compression time; a reused compressor writes the same bytes.
    compressor = getattr(_COMPRESSORS, "zstd", None)
    if compressor is None:
        compressor = _COMPRESSORS.zstd = zstandard.ZstdCompressor(level=ZSTD_LEVEL, write_checksum=True)
    return compressor.compress(data)


def decompress(data: bytes, size: int | None = None) -> bytes:
    """Raw bytes back from a stored frame (raises ``zstandard.ZstdError`` when damaged)."""
    kwargs = {"max_output_size": size} if size else {}
    return zstandard.ZstdDecompressor().decompress(data, **kwargs)


_INSERT_IGNORING: dict[tuple, Any] = {}


def insert_ignoring_duplicates(session: Session, table, values: dict | list[dict], returning=None):  # type: ignore[no-untyped-def]
    """``INSERT … ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL (another writer may race us);
    with ``returning`` (a column), the new row's value, or None when the row existed. ``values``
    may be a list of rows with the same keys (one executemany, no ``returning``).

    The statement is built once per table and the values passed as parameters: building it
    with ``.values(…)`` each time cost more than executing it (a crawl inserts thousands)."""
    dialect = session.get_bind().dialect.name
    keys = values[0] if isinstance(values, list) else values
    key = (dialect, table.name, tuple(sorted(keys)), returning is not None and returning.name)
    statement = _INSERT_IGNORING.get(key)
    if statement is None:
        module = postgresql if dialect == "postgresql" else sqlite
        statement = module.insert(table).on_conflict_do_nothing()
        if returning is not None:
            statement = statement.returning(returning)
        _INSERT_IGNORING[key] = statement
    if returning is None:
        return session.execute(statement, values)
    return session.execute(statement, values).scalar()


_BODY_EXISTS = select(Body.sha256).where(Body.sha256 == bindparam("digest"))


def add_body(session: Session, data: bytes) -> str:
    """Store ``data`` once; return its SHA-256. Storing identical bytes again costs nothing."""
    digest = sha256_hex(data)
    exists = session.execute(_BODY_EXISTS, {"digest": digest}).scalar()
    if exists is None:
        insert_ignoring_duplicates(session, Body.__table__, _body_row(digest, data))
    return digest


def _body_row(digest: str, data: bytes) -> dict[str, Any]:
    packed = compress(data)
    return {"sha256": digest, "data": packed, "size": len(data), "compressed_size": len(packed),
            "compression": "zstd"}


def add_bodies(session: Session, bodies: list[bytes]) -> list[str]:
    """``add_body`` for many bodies at once: one query for the digests already stored, one
    insert for the others (the bulk writer's; each distinct body compressed once)."""
    digests = [sha256_hex(data) for data in bodies]
    wanted = dict(zip(digests, bodies))
    if not wanted:
        return digests
    stored = set(session.execute(select(Body.sha256).where(Body.sha256.in_(list(wanted)))).scalars())
    rows = [_body_row(digest, data) for digest, data in wanted.items() if digest not in stored]
    if rows:
        insert_ignoring_duplicates(session, Body.__table__, rows)
    return digests


def get_body(session: Session, digest: str) -> bytes | None:
    """The raw bytes stored under ``digest`` (None when absent)."""
    row = session.execute(select(Body.data, Body.size).where(Body.sha256 == digest)).first()
    if row is None:
        return None
    return decompress(row.data, row.size)
