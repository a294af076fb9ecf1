"""Where the real PostgreSQL and Redis servers are, and what to do when they are missing.

On a user's machine without them, tests that need them skip with a one-line reason; in CI
(ARCHIVER_REQUIRE_SERVICES=1, set by .ci/run) a missing server is a failure instead.
"""

from __future__ import annotations

import os
import socket
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
