"""Where the real PostgreSQL and Redis servers are, and what to do when they are missing.

On a user's machine without them, tests that need them skip with a one-line reason; in CI
(ARCHIVER_REQUIRE_SERVICES=1, set by .ci/run) a missing server is a failure instead.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

PG_URL = os.environ.get("ARCHIVER_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("ARCHIVER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def require(name: str, url: str, default_port: int) -> str:
    if _reachable(url, default_port):
        return url
    reason = f"{name} not reachable at {url}"
    if os.environ.get("ARCHIVER_REQUIRE_SERVICES"):
        pytest.fail(reason + " (required in CI)")
    pytest.skip(reason)


def require_postgres() -> str:
    return require("PostgreSQL", PG_URL, 5432)


def require_redis() -> str:
    return require("Redis", REDIS_URL, 6379)


@contextmanager
def scratch_postgres_database(name: str) -> Iterator[str]:
    """A new PostgreSQL database ``name`` (with pg_trgm in ``public``), dropped afterwards.

    Skips (or, in CI, fails) with a one-line reason where no server is reachable.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from storage import db

    admin_url = db.prepare_url(require_postgres())
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
