"""What checking an archive file before every command costs (issue #17).

Builds an SQLite file of about SIZE_MB of archive-like rows (zstd-sized blobs and indexed text,
in WAL mode like the archive), then times `PRAGMA quick_check` and `PRAGMA integrity_check` as
`archiver.cli.options.integrity_problems` runs them (read-only connection, warm page cache).

    .venv/bin/python bench/integrity_check.py [SIZE_MB ...]
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archiver.cli.options import integrity_problems  # noqa: E402


def build(path: Path, size_mb: int) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE TABLE bodies (sha256 TEXT PRIMARY KEY, data BLOB)")
    con.execute("CREATE TABLE fetches (id INTEGER PRIMARY KEY, url TEXT, body_sha256 TEXT)")
    con.execute("CREATE INDEX ix_fetches_url ON fetches (url)")
    rows = size_mb * 1024 * 1024 // 12_000
    for start in range(0, rows, 1000):
        batch = [(os.urandom(32).hex(), os.urandom(10_000)) for _ in range(min(1000, rows - start))]
        con.executemany("INSERT INTO bodies VALUES (?, ?)", batch)
        con.executemany("INSERT INTO fetches (url, body_sha256) VALUES (?, ?)",
                        [(f"http://www.example.gov.cn/ldjh/{start + i}.shtml", sha) for i, (sha, _) in enumerate(batch)])
        con.commit()
    con.close()


def main() -> None:
    for size_mb in [int(a) for a in sys.argv[1:]] or [64, 256]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "archive.sqlite3"
            build(path, size_mb)
            actual = path.stat().st_size / 1024 / 1024
            for full in (False, True):
                integrity_problems(path, full=full)  # warm the page cache
                started = time.perf_counter()
                assert integrity_problems(path, full=full) == []
                took = time.perf_counter() - started
                name = "integrity_check" if full else "quick_check"
                print(f"{actual:7.0f} MB  {name:15s} {took:6.2f} s  ({actual / took:6.0f} MB/s)")


if __name__ == "__main__":
    main()
