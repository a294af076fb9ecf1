import json
import os
import subprocess
import sys
import textwrap

import pytest

from archiver.lock import ArchiveLock, LockHeld
from tests.services import require_postgres


def test_second_holder_is_refused_and_named(tmp_path):
    url = f"sqlite:///{tmp_path}/a.sqlite3"
    with ArchiveLock(url):
        with pytest.raises(LockHeld, match=f"pid {os.getpid()}"):
            ArchiveLock(url).acquire()
    with ArchiveLock(url):  # released: can be taken again
        pass


def test_lock_left_by_a_killed_process_is_recovered(tmp_path):
    url = f"sqlite:///{tmp_path}/a.sqlite3"
    script = textwrap.dedent(f"""
        import os, signal
        from archiver.lock import ArchiveLock
        ArchiveLock({url!r}).acquire()
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script])
    assert proc.returncode == -9
    holder = json.loads((tmp_path / "a.sqlite3.lock").read_text())
    assert holder["pid"] != os.getpid()
    lock = ArchiveLock(url).acquire()
    try:
        assert lock.recovered and str(holder["pid"]) in lock.recovered
    finally:
        lock.release()


@pytest.mark.postgres
def test_postgres_archives_use_an_advisory_lock():
    url = require_postgres()
    with ArchiveLock(url):
        with pytest.raises(LockHeld, match="cppcc-archiver crawl pid"):
            ArchiveLock(url).acquire()
    with ArchiveLock(url):
        pass
