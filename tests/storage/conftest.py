"""Fixtures for the storage tests: real SQLite files and a real PostgreSQL, schema by migrations.

The schema is always built by the migrations, once per test session; each test then starts
from an empty archive at head: a copy of the migrated SQLite file, or the migrated PostgreSQL
schema with every table truncated. Tests marked ``fresh_schema`` (those that migrate up and
down) get their own newly migrated file or schema instead.

PostgreSQL: one scratch database per test session (``archiver_test_<pid>``, dropped at the
end). The server URL is ``ARCHIVER_TEST_PG_URL`` (tests/services.py); tests skip with a
one-line reason when it is down, and fail in CI.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from storage import db
from storage.models import Base
from tests.services import scratch_postgres_database
from tests.storage.helpers import T0

_schemas = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fresh_schema: give each test its own newly migrated database")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A scratch database for this test session (with pg_trgm in ``public``)."""
    with scratch_postgres_database(f"archiver_test_{os.getpid()}") as url:
        yield url


def _new_pg_schema(base: str) -> str:
    schema = f"t{os.getpid()}_{next(_schemas)}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = (
        make_url(base)
        .update_query_dict({"options": f"-csearch_path={schema},public"})
        .render_as_string(hide_password=False)
    )
    db.upgrade(url)
    return url


@pytest.fixture(scope="session")
def pg_migrated(pg_database: str) -> str:
    """A schema migrated to head, shared by tests that only need empty tables."""
    return _new_pg_schema(pg_database)


@pytest.fixture(scope="session")
def sqlite_migrated(tmp_path_factory) -> str:  # type: ignore[no-untyped-def]
    """A SQLite file migrated to head; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "archive.sqlite3"
    db.upgrade(f"sqlite:///{path}")
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:  # everything into the main file before it is copied
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return str(path)


def _empty_pg(url: str) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SET lock_timeout = '20s'"))  # a leaked connection fails loudly
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """An empty archive at head, on SQLite (a file in tmp_path) or PostgreSQL."""
    fresh = request.node.get_closest_marker("fresh_schema") is not None
    if request.param == "sqlite":
        path = tmp_path / "archive.sqlite3"
        if fresh:
            db.upgrade(f"sqlite:///{path}")
        else:
            shutil.copyfile(request.getfixturevalue("sqlite_migrated"), path)
        return f"sqlite:///{path}"
    if fresh:
        return _new_pg_schema(request.getfixturevalue("pg_database"))
    url = request.getfixturevalue("pg_migrated")
    _empty_pg(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path, sqlite_migrated) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "archive.sqlite3"
    shutil.copyfile(sqlite_migrated, path)
    return f"sqlite:///{path}"


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = db.make_engine(db_url)
    with db.make_session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def later():  # type: ignore[no-untyped-def]
    return lambda days: T0 + timedelta(days=days)
