"""Shared pytest fixtures.

``replica``: the replica sites (archiver.replica) in one subprocess for the whole session, at the
default scale, day 1. Shared by every test: do not switch its day or add faults to it.
``fresh_replica``: a private replica process for one test, free to change days and faults.
"""

from __future__ import annotations

import pytest

from archiver.replica.testing import ReplicaProcess


@pytest.fixture(scope="session")
def replica():
    with ReplicaProcess() as rp:
        yield rp


@pytest.fixture
def fresh_replica():
    with ReplicaProcess() as rp:
        yield rp
