"""Engines, sessions and schema upgrades.

SQLite is the default (one file, nothing to run); PostgreSQL is supported for shared or large
archives. SQLite connections get WAL (readers never block the crawler), ``synchronous=FULL``
(a committed article survives a power cut, not only a crash), a 30 s busy timeout (a second
process waits instead of failing) and ``foreign_keys=ON`` (SQLite's default is off).
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///data/archive.sqlite3"
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_url() -> str:
    """``ARCHIVER_DB`` if set, else ``sqlite:///data/archive.sqlite3`` (its folder created)."""
    url = os.environ.get("ARCHIVER_DB") or DEFAULT_URL
    return prepare_url(url)


def prepare_url(url: str) -> str:
    """Normalise a database URL: ``postgresql://`` means psycopg 3; SQLite folders are created."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _json_dumps(value) -> str:  # type: ignore[no-untyped-def]
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


def make_engine(url: str | None = None, **kwargs) -> Engine:  # type: ignore[no-untyped-def]
    """An engine for ``url`` (default: ``default_url()``) with the archive's connection settings."""
    url = prepare_url(url) if url else default_url()
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        kwargs.setdefault("connect_args", {}).setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
    else:
        kwargs.setdefault("pool_pre_ping", True)
    # JSON columns as UTF-8, not \uXXXX escapes: Chinese text takes a third of the room
    # (a version's fields JSON went from 13.8 KB to about 5 KB in bench/storage_size.py).
    kwargs.setdefault("json_serializer", _json_dumps)
    kwargs.setdefault("json_deserializer", orjson.loads)
    engine = create_engine(url, **kwargs)
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def use_explicit_transactions(engine: Engine, begin: str = "BEGIN IMMEDIATE") -> None:
    """SQLite: let SQLAlchemy, not pysqlite, open transactions (SQLAlchemy's pysqlite recipe).

    pysqlite commits before DDL and starts transactions lazily, which breaks SAVEPOINTs and
    transactional migrations. ``BEGIN IMMEDIATE`` takes the write lock up front, so a writer
    waits for another (busy timeout) instead of failing halfway through its transaction.
    """

    @event.listens_for(engine, "connect")
    def _driver_autocommit(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql(begin)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (the spider reads ids back)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None):  # type: ignore[no-untyped-def]
    """An alembic ``Config`` built in code, so it works from an installed package and any cwd."""
    import sys

    from alembic.config import Config

    # stdout passed explicitly: alembic's default is whatever sys.stdout was at its import.
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(MIGRATIONS))
    # Passed as an attribute, not an ini option: configparser would choke on ``%`` in passwords.
    config.attributes["archiver_url"] = prepare_url(url) if url else default_url()
    return config


# The newest migration's revision id. Every command upgrades the archive first; when it is
# already here, reading one row replaces loading alembic and its scripts (~0.7 s per command).
# tests/storage/test_schema.py checks it against alembic's own head.
HEAD_REVISION = "0006"


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` (default: the newest)."""
    if revision == "head" and current_revision_fast(url) == HEAD_REVISION:
        return
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def current_revision_fast(url: str | None = None) -> str | None:
    """``alembic_version`` read directly (None when absent or unreadable)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def current_revision(url: str | None = None) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def open_archive(url: str | None = None) -> tuple[Engine, sessionmaker[Session]]:
    """Upgrade the schema, then return ``(engine, session_factory)``."""
    upgrade(url)
    engine = make_engine(url)
    return engine, make_session_factory(engine)
