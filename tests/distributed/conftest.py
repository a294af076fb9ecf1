"""Fixtures for the distributed-crawl tests: the real Redis (a key prefix per test) and the real
PostgreSQL (a database per test session, dropped afterwards). Both skip with a one-line reason
where the server is missing (and fail in CI, see tests/services.py)."""

from __future__ import annotations

import os
import uuid

import pytest

from archiver.distributed.keys import RunKeys
from tests.services import require_postgres, require_redis


@pytest.fixture
def redis_url() -> str:
    return require_redis()


@pytest.fixture
def prefix(redis_url):
    import redis

    value = f"test-dist-{uuid.uuid4().hex[:10]}"
    yield value
    server = redis.Redis.from_url(redis_url)
    keys = list(server.scan_iter(match=f"{value}:*", count=1000))
    if keys:
        server.delete(*keys)
    server.close()


@pytest.fixture
def server(redis_url, prefix):
    import redis

    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def keys(prefix) -> RunKeys:
    return RunKeys(prefix, f"7-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
def pg_databases():
    """Makes fresh PostgreSQL databases (``archiver_dist_<pid>_<n>``); drops them all at the end."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = require_postgres()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        name = f"archiver_dist_{os.getpid()}_{len(made)}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_url(pg_databases) -> str:
    """A fresh, empty PostgreSQL archive for one test."""
    return pg_databases()
