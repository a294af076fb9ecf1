"""One crawl at a time per archive.

SQLite archives are locked with ``flock`` on a file beside the database: the kernel releases it
when the holder dies, so a lock left by a killed run is recovered by simply taking it again.
PostgreSQL archives (possibly shared by several machines) use a session advisory lock, which the
server releases when the holder's connection drops.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


class LockHeld(RuntimeError):
    """Another crawl holds the archive; the message names it."""


class ArchiveUnusable(RuntimeError):
    """The archive's folder or file cannot be used (read-only, missing, not a file)."""


def _holder() -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname(), "started_at": datetime.now(UTC).isoformat()}


def _describe(holder: dict) -> str:
    return f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started_at')}"


class ArchiveLock:
    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.url = make_url(db_url)
        self.recovered: str | None = None  # set when a stale lock was taken over
        self._file = None
        self._database = None  # the SQLite file itself, flocked
        self._conn = None
        self._engine = None

    # -- SQLite / files ----------------------------------------------------------------------
    def _database_path(self) -> Path | None:
        if self.url.get_backend_name() == "sqlite" and self.url.database not in (None, "", ":memory:"):
            # Resolved: a symlink to the archive locks the archive itself (issue #15).
            return Path(self.url.database).expanduser().resolve()
        return None

    def _lock_path(self) -> Path:
        database = self._database_path()
        if database is not None:
            return database.with_name(database.name + ".lock")
        digest = hashlib.sha256(self.db_url.encode()).hexdigest()[:16]
        return Path("data") / f"archive-{digest}.lock"

    def _acquire_file(self) -> None:
        path = self._lock_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(path, "a+", encoding="utf-8")
        except OSError as exc:  # a read-only folder: one clear line, exit 1 (issue #15)
            raise ArchiveUnusable(f"cannot use the archive folder {path.parent}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = _read_holder(handle.read())
            handle.close()
            raise LockHeld(f"another crawl is running on this archive ({_describe(holder)}); lock file {path}")
        try:
            self._lock_database_file()
        except BaseException:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
            raise
        handle.seek(0)
        previous = _read_holder(handle.read())
        if previous.get("pid"):
            self.recovered = f"recovered a stale lock left by {_describe(previous)}"
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(_holder()))
        handle.flush()
        self._file = handle

    def _lock_database_file(self) -> None:
        """Also lock the SQLite file itself (``flock``, which SQLite's own POSIX locks ignore):
        the lock is then held on its device and inode, whatever name (a hard link, another
        symlink) another crawl opens it by."""
        database = self._database_path()
        if database is None or not database.exists():
            return
        try:
            handle = open(database, "rb")  # noqa: SIM115 (held until release)
        except OSError as exc:
            raise ArchiveUnusable(f"cannot open the archive {database}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise LockHeld(f"another crawl is running on this archive (through another name of {database})")
        self._database = handle

    def archive_gone(self) -> str | None:
        """Why the SQLite archive locked at the start is no longer at its path (deleted or
        replaced during the crawl, issue #15), or None."""
        if self._database is None:
            return None
        held = os.fstat(self._database.fileno())
        try:
            now = os.stat(self._database.name)
        except FileNotFoundError:
            return f"the archive {self._database.name} was deleted during the crawl"
        if (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino):
            return f"the archive {self._database.name} was replaced during the crawl"
        return None

    # -- PostgreSQL --------------------------------------------------------------------------
    def _acquire_pg(self) -> None:
        # 7 bytes keep the key positive, so pg_locks' classid/objid halves compare simply.
        key = int.from_bytes(hashlib.sha256(b"cppcc-archiver crawl").digest()[:7], "big")
        holder = _holder()
        name = f"cppcc-archiver crawl pid {holder['pid']} on {holder['host']}"[:63]
        url = self.url.set(drivername="postgresql+psycopg")
        self._engine = create_engine(url, connect_args={"application_name": name}, poolclass=NullPool)
        self._conn = self._engine.connect()
        got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        self._conn.commit()
        if not got:
            row = self._conn.execute(
                text(
                    "SELECT a.application_name, a.backend_start FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    "AND ((l.classid::bigint << 32) | l.objid::bigint) = :k LIMIT 1"
                ),
                {"k": key},
            ).first()
            self.release()
            who = f"{row[0]}, connected {row[1]}" if row else "another process"
            raise LockHeld(f"another crawl is running on this archive ({who})")

    def acquire(self) -> "ArchiveLock":
        if self.url.get_backend_name() == "postgresql":
            self._acquire_pg()
        else:
            self._acquire_file()
        return self

    def release(self) -> None:
        if self._database is not None:
            self._database.close()  # releases its flock
            self._database = None
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> "ArchiveLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read_holder(raw: str) -> dict:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
