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
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# The archive's location and checks live below the CLI (the spider's `-a db=` uses them too);
# commands keep naming them here.
from archiver.database import (  # noqa: F401
    READ_CHECK_MAX_BYTES, ArchiveError, UsageError, check_archive, database_url, describe_database_error,
    integrity_problems, sqlite_file, unwritable_folder,
)

DB_HELP = ("the archive: a file path (data/archive.sqlite3) or an SQLAlchemy URL "
           "(sqlite:///FILE, postgresql://user@host/db); default: $ARCHIVER_DB, else "
           "data/archive.sqlite3")


def add_db_option(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    parser.add_argument("--db", metavar="PATH|URL", default=default, help=DB_HELP)


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
