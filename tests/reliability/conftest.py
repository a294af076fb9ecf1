"""Fixtures for the reliability matrix (issue #9); helpers are in helpers.py.

Each test module starts its own replica process (module scope) and runs as few crawls as it can,
sharing them between the tests that read different facts off the same run: the machine is small
and every crawl process costs seconds of imports.
"""

from __future__ import annotations

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
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from storage import db
    from tests.services import require_postgres

    admin_url = db.prepare_url(require_postgres())
    name = f"reliability_{request.module.__name__.rsplit('.', 1)[-1]}_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
