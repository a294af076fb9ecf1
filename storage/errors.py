"""Telling storage errors apart, for the crawler's reports and logs."""

from __future__ import annotations

import errno

DISK_FULL_MARKERS = ("database or disk is full", "no space left", "file too large", "disk full")
# A write refused with ENOSPC/EFBIG while SQLite appends to its WAL surfaces as SQLITE_IOERR_WRITE
# ("disk I/O error"), not SQLITE_FULL (issue #9: a crawl under RLIMIT_FSIZE went on failing every
# item and exited 0).
DISK_FULL_SQLITE_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR_WRITE")


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC/EFBIG, from SQLite ("database or disk is full") or the OS, however wrapped."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG):
            return True
        if getattr(exc, "sqlite_errorname", None) in DISK_FULL_SQLITE_ERRORS:
            return True
        if any(marker in str(exc).lower() for marker in DISK_FULL_MARKERS):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def short_error(exc: BaseException) -> str:
    """The driver's message, without SQLAlchemy's statement and parameters (raw page bytes)."""
    orig = getattr(exc, "orig", None) or exc
    return f"{type(orig).__name__}: {orig}"[:300]
