"""Which archive a command (``--db``, ``$ARCHIVER_DB``) or ``scrapy crawl -a db=…`` uses, and
whether it can be used: one policy for the CLI and the spider's arguments alike (issue #17).

It stands below ``archiver.cli`` and ``archiver.spiders``, which both import it (issue #18).
``UsageError`` and ``ArchiveError`` are the two errors every command turns into one line: exit 2
(the command line is wrong) and exit 1 (the command was right but the archive could not be used,
e.g. it is damaged); ``archiver.cli.options`` hands them on to the commands.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

DEFAULT_DB = "sqlite:///data/archive.sqlite3"
BACKENDS = ("sqlite", "postgresql")
SQLITE_MAGIC = b"SQLite format 3\x00"
# `sqlite:data.db`, `postgresql:/host/db`: a URL missing its "//", not a file name.
URL_LIKE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:/|(sqlite|postgres|postgresql|mysql|mariadb|oracle|mssql)[+\w]*:)", re.I)


class UsageError(Exception):
    """Bad arguments or configuration: printed as one line, exit code 2."""


class ArchiveError(Exception):
    """The archive cannot be used (damaged, unreadable): printed as one line, exit code 1."""


def database_url(value: str | None, *, create: bool = False) -> str:
    """``--db`` (or ``$ARCHIVER_DB``) as an SQLAlchemy URL; a plain path means an SQLite file.

    Only commands that write (``create``) make the file's folder: a read command given a
    missing folder must say so, not leave an empty one behind.
    """
    from sqlalchemy.engine import URL
    from sqlalchemy.exc import NoSuchModuleError

    text = (value if value is not None else os.environ.get("ARCHIVER_DB") or DEFAULT_DB).strip()
    if not text:
        raise UsageError("--db is empty: give a file path or an SQLAlchemy URL")
    if "://" not in text:
        if URL_LIKE.match(text) and not re.match(r"^[A-Za-z]:[\\/]", text):
            raise UsageError(f"{text!r} is not a database URL: a URL needs '://' (sqlite:///FILE)")
        path = Path(text).expanduser()
        if path.is_dir():
            raise UsageError(f"{text} is a folder: name the archive file in it (e.g. {path / 'archive.sqlite3'})")
        url = URL.create("sqlite", database=str(path))
    else:
        url = _parse_url(text)
    backend = url.get_backend_name()
    if backend not in BACKENDS:
        raise UsageError(f"unknown database scheme {url.drivername!r} in {text!r}: use a file path, "
                         "sqlite:///FILE or postgresql://user@host/db")
    if backend == "sqlite":
        if url.host:  # sqlite://data/x: "data" was read as a host name
            raise UsageError(f"{text!r} has two slashes: a relative file is sqlite:///{url.host}/{url.database or ''}, "
                             f"an absolute one sqlite:////path (or give the plain path {url.host}/{url.database or ''})")
        if url.database and url.database != ":memory:" and Path(url.database).expanduser().is_dir():
            raise UsageError(f"{url.database} is a folder: name the archive file in it")
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    try:
        url.get_dialect()
    except NoSuchModuleError as exc:
        raise UsageError(f"no driver for {url.drivername!r}: {exc}") from None
    except ImportError as exc:  # psycopg not installed: the postgres extra
        raise UsageError(f"{url.drivername} needs its driver: pip install -e '.[postgres]' ({exc})") from None
    rendered = url.render_as_string(hide_password=False)
    if not create:
        return rendered
    from storage.db import prepare_url

    try:
        return prepare_url(rendered)
    except OSError as exc:
        raise UsageError(f"cannot create the archive's folder: {exc.strerror}: {exc.filename}") from None


def _parse_url(text: str):  # type: ignore[no-untyped-def]
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(text)
    except (ArgumentError, ValueError):
        raise UsageError(f"{text!r} is not a database URL (sqlite:///FILE, postgresql://…, or a file path)") from None


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases and in-memory ones)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


# Read commands check an SQLite archive up to this size page by page before reading it (a few
# hundredths of a second per 10 MB); larger ones get their header checked, and any damage met
# while reading is still reported in one line. `crawl` and `verify` always check the whole file.
READ_CHECK_MAX_BYTES = 64 * 1024 * 1024


def integrity_problems(path: Path, *, full: bool = False, limit: int = 100) -> list[str]:
    """What SQLite says is wrong with an archive file, one problem a line (empty when nothing).

    ``PRAGMA quick_check`` reads every page; ``integrity_check`` (``full``) also checks every
    index against its table. Read-only connection: checking never changes the file.
    """
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return [f"cannot read {path}: {exc.strerror}"]
    if header and header != SQLITE_MAGIC:
        return [f"{path} is not an SQLite database (its first bytes are {header[:8]!r})"]
    pragma = "integrity_check" if full else "quick_check"
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            rows = [row[0] for row in connection.execute(f"PRAGMA {pragma}({limit})")]
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        if "unable to open" in str(exc):
            # Not damage: the file cannot be opened here (a read-only folder keeps SQLite from
            # making its -shm file). The command's own open says why, as one line (issue #15).
            return []
        return [f"{path}: {exc}"]
    except sqlite3.DatabaseError as exc:
        return [f"{path}: {exc}"]
    if rows == ["ok"]:
        return []
    lines = [line.strip() for row in rows for line in str(row).splitlines()]
    return [line for line in lines if line and not line.startswith("*** in database")]


def check_archive(url: str, *, full: bool = False, max_bytes: int | None = None) -> None:
    """Raise ``ArchiveError`` naming what is wrong with an existing SQLite archive file; past
    ``max_bytes`` only its header is checked."""
    path = sqlite_file(url)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return
    if max_bytes is not None and path.stat().st_size > max_bytes:
        with open(path, "rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:
                return
    problems = integrity_problems(path, full=full)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ArchiveError(f"the archive {path} is damaged: {problems[0]}{more}; "
                           "`cppcc-archiver verify` lists every problem")


def unwritable_folder(url: str) -> str | None:
    """Why a SQLite archive cannot be opened when its folder is read-only (even reading it in
    WAL mode writes the -wal and -shm files beside it); None when that is not the cause."""
    path = sqlite_file(url)
    if path is None or not path.parent.is_dir() or os.access(path.parent, os.W_OK):
        return None
    return (f"cannot use the archive folder {path.parent}: it is read-only "
            "(SQLite writes its -wal and -shm files beside the archive)")


def describe_database_error(exc: BaseException) -> str | None:
    """One line for a database failure that reached a command (None when it is not one)."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        text = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
    elif isinstance(exc, (SQLAlchemyError, sqlite3.DatabaseError)):
        text = str(exc).strip().splitlines()[0]
    else:
        return None
    text = text[:200] + ("…" if len(text) > 200 else "")
    if any(sign in text for sign in ("malformed", "not a database", "Could not decode")):
        return f"the archive is damaged ({text}); `cppcc-archiver verify` names what is wrong"
    return f"the archive could not be read: {text}"
