"""What every command accepts, validated and normalised once (issue #17).

A user's first mistakes (a plain file path for ``--db``, a misspelt URL scheme, ``2023-02-30``,
``-s ARCHIVER_STORAGE_BATCH=abc``) must get one clear line and a documented exit code,
never a traceback: ``UsageError`` is exit 2 (the command line is wrong), ``ArchiveError`` exit 1
(the command was right but the archive could not be used, e.g. it is damaged).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DB = "sqlite:///data/archive.sqlite3"
DB_HELP = ("the archive: a file path (data/archive.sqlite3) or an SQLAlchemy URL "
           "(sqlite:///FILE, postgresql://user@host/db); default: $ARCHIVER_DB, else "
           "data/archive.sqlite3")
BACKENDS = ("sqlite", "postgresql")
SQLITE_MAGIC = b"SQLite format 3\x00"
# `sqlite:data.db`, `postgresql:/host/db`: a URL missing its "//", not a file name.
URL_LIKE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:/|(sqlite|postgres|postgresql|mysql|mariadb|oracle|mssql)[+\w]*:)", re.I)


class UsageError(Exception):
    """Bad arguments or configuration: printed as one line, exit code 2."""


class ArchiveError(Exception):
    """The archive cannot be used (damaged, unreadable): printed as one line, exit code 1."""


def add_db_option(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    parser.add_argument("--db", metavar="PATH|URL", default=default, help=DB_HELP)


# --- the archive -----------------------------------------------------------------------------


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


# --- dates, URLs, settings -------------------------------------------------------------------


def writable_log_file(path: str, *, chosen: bool = True) -> str:
    """``--log-file``: its folder must exist or be creatable (it is created now).

    A ``--log-file`` the user chose badly is a usage error (2); the default one, beside the
    archive, failing means the archive's folder cannot be written: the operation fails (1,
    issue #15: a read-only archive folder)."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise UsageError(f"--log-file {path} is a folder: name a file in it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if chosen:
            raise UsageError(f"--log-file {path}: cannot create its folder: {exc.strerror}") from None
        raise ArchiveError(f"not starting: cannot write beside the archive ({target.parent}: {exc.strerror})") from None
    return path


def calendar_date(value: str) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` that exists on the calendar (argparse type)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: {exc}") from None
    return value.strip()


def check_date_range(since: str | None, until: str | None) -> None:
    if since and until and since[: len(until)] > until:
        raise UsageError(f"--since {since} is after --until {until}")


def article_url(value: str) -> str:
    """A URL as the archive stores it: scheme and host lower case, no fragment, http:// added
    when the scheme is missing, and the default port dropped."""
    text = value.strip()
    if not text:
        raise UsageError("the URL is empty")
    if "://" not in text:
        text = "http://" + text.lstrip("/")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"not an http(s) URL: {value!r}")
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"bad port in {value!r}") from None
    netloc = parts.hostname.lower()
    if port and port != {"http": 80, "https": 443}[scheme]:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def redis_url(value: str) -> str:
    """A ``redis://``/``rediss://``/``unix://`` URL (argparse type)."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.netloc or parts.path):
        raise argparse.ArgumentTypeError(f"{value!r} is not a Redis URL (redis://host:6379/0)")
    if parts.scheme != "unix" and not parts.hostname:
        raise argparse.ArgumentTypeError(f"{value!r} names no host (redis://host:6379/0)")
    try:
        parts.port
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad port in {value!r}") from None
    return value.strip()


def revisit_intervals(text: str) -> list[tuple[int | None, int]]:
    """``7:1,30:7,365:30,*:180`` (or the same as JSON pairs): articles up to N days old are
    revisited every M days; ``*`` is any age."""
    try:
        loaded = json.loads(text)
        pairs = [tuple(pair) for pair in loaded]
    except (ValueError, TypeError):
        pairs = [tuple(p.split(":", 1)) for p in text.split(",") if p.strip()]
    result: list[tuple[int | None, int]] = []
    try:
        for age, every in pairs:
            max_age = None if age in (None, "*", "") else int(age)
            result.append((max_age, int(every)))
    except (ValueError, TypeError):
        result = []
    if not result or any(every < 1 or (age is not None and age < 0) for age, every in result):
        raise UsageError(f"ARCHIVER_REVISIT_INTERVALS={text!r}: expected MAX_AGE_DAYS:EVERY_DAYS pairs, "
                         "e.g. 7:1,30:7,365:30,*:180")
    return result


# Settings that no longer exist, with why; a user's scripts may still pass them (issue #21).
REMOVED_SETTINGS = {
    "ARCHIVER_EXTRACT_PROCESSES": "extraction runs in the crawl's process since issue #21",
    "ARCHIVER_STORAGE_PROCESS": "storage runs on the crawl's writer thread since issue #21",
}
BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def setting(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` for ``-s``, the value checked against the type of the setting's default
    (ours, else Scrapy's) so that ``ARCHIVER_STORAGE_BATCH=abc`` fails here, not halfway
    through a crawl (argparse type). A removed setting is ignored with one warning line."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    if name in REMOVED_SETTINGS:
        # A cron job written for an older version must still archive tonight: the key tuned
        # how, never what, so it is ignored and said once on stderr (the cron mail).
        print(f"cppcc-archiver: warning: -s {name} is ignored: {REMOVED_SETTINGS[name]}", file=sys.stderr)
        return name, value
    try:
        return name, _typed_setting(name, value)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _typed_setting(name: str, value: str) -> Any:
    from scrapy.settings import default_settings as scrapy_defaults

    from archiver import settings as ours

    if name == "ARCHIVER_REVISIT_INTERVALS":
        return revisit_intervals(value)
    if name == "LOG_LEVEL":
        if value.upper() not in logging.getLevelNamesMapping():
            raise UsageError(f"LOG_LEVEL={value!r}: use DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value.upper()
    default = getattr(ours, name, getattr(scrapy_defaults, name, None))
    if isinstance(default, bool):
        if value.strip().lower() not in BOOLEANS:
            raise UsageError(f"{name}={value!r}: expected true or false")
        return BOOLEANS[value.strip().lower()]
    if isinstance(default, (int, float)):
        # Scrapy reads some int-valued defaults with getfloat (DOWNLOAD_TIMEOUT=7.5 is fine).
        try:
            number: int | float = int(value)
        except ValueError:
            try:
                number = float(value)
            except ValueError:
                raise UsageError(f"{name}={value!r}: expected a number") from None
        if name.startswith(("ARCHIVER_", "CONCURRENT_", "DOWNLOAD_")) and number < 0:
            raise UsageError(f"{name}={value!r}: must be >= 0")
        if name == "ARCHIVER_STORAGE_BATCH" and number < 1:
            raise UsageError(f"{name}={value!r}: must be >= 1")
        return number
    return value
