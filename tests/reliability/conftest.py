"""Fixtures for the reliability matrix (issue #9); helpers are in helpers.py.

Each test module starts its own replica process (module scope) and runs as few crawls as it can,
sharing them between the tests that read different facts off the same run: the machine is small
and every crawl process costs seconds of imports.
"""

from __future__ import annotations

import hashlib
import os

import pytest

from archiver.replica.testing import ReplicaProcess


@pytest.fixture(scope="module")
def module_replica():
    """A private replica for one module: tests add faults freely and reset() it first."""
    with ReplicaProcess() as rp:
        yield rp


@pytest.fixture(scope="module")
def pg_url(request):
    """A private PostgreSQL database for one test module (pg_trgm in it), dropped afterwards."""
    from tests.services import scratch_postgres_database

    name = f"reliability_{request.module.__name__.rsplit('.', 1)[-1]}_{os.getpid()}"
    with scratch_postgres_database(name) as url:
        yield url


@pytest.fixture
def archive(request, tmp_path):
    """An empty archive for one test, on the backend of ``request.param`` (indirect
    parametrization with ``helpers.BACKENDS``): a SQLite file path, or the URL of a fresh PostgreSQL
    database of its own, dropped afterwards."""
    if request.param == "sqlite":
        yield tmp_path / "archive.sqlite3"
        return
    from tests.services import scratch_postgres_database

    # Database names are at most 63 bytes: the test's name is shortened by a hash.
    test = request.node.name
    name = f"rel_{hashlib.sha1(test.encode()).hexdigest()[:12]}_{os.getpid()}"
    with scratch_postgres_database(name) as url:
        yield url

