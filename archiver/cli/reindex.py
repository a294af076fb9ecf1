"""`cppcc-archiver reindex`: rebuild the SQLite search index from the stored versions.

The storage layer indexes every new version as it is stored, so this is for repairs: an archive
restored from a copy made mid-write, a change of the index layout, or a suspicion. It takes the
crawl lock (a running crawl would wait on the write lock for minutes), then rebuilds in one
transaction: a failure leaves the old index in place.
"""

from __future__ import annotations

import argparse
import sys
import time

from archiver.cli import options
from archiver.cli.commands import add_command

EXIT_OK, EXIT_USAGE = 0, 2


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_command(subparsers, "reindex")
    options.add_db_option(p)
    p.set_defaults(handler=cmd_reindex)


def cmd_reindex(args: argparse.Namespace) -> int:
    from archiver.lock import ArchiveLock, LockHeld
    from storage import db
    from storage.search_index import print_progress, rebuild_search_index

    url = options.database_url(args.db)
    path = options.sqlite_file(url)
    if path is not None and not path.exists():
        raise options.UsageError(f"no archive at {path}")
    options.check_archive(url)  # a rebuild reads every version: say first if the file is damaged
    try:
        with ArchiveLock(url):
            engine, _ = db.open_archive(url)
            try:
                started = time.perf_counter()
                with engine.begin() as connection:
                    done = rebuild_search_index(connection, progress=print_progress(started, sys.stderr))
            finally:
                engine.dispose()
    except LockHeld as exc:
        print(f"cppcc-archiver reindex: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if engine.dialect.name != "sqlite":
        print("PostgreSQL: nothing to rebuild", file=sys.stderr)
    else:
        print(f"indexed {done:,} versions in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return EXIT_OK
