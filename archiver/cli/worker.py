"""`cppcc-archiver worker`: join the running distributed crawl from this machine."""

from __future__ import annotations

import sys

from archiver.cli.commands import add_command
from archiver.cli.crawl import check_settings
from archiver.cli.options import add_db_option, check_archive, database_url, redis_url, setting

EXIT_USAGE = 2


def register(subparsers) -> None:  # type: ignore[no-untyped-def]
    parser = add_command(subparsers, "worker")
    add_db_option(parser)
    parser.add_argument("--redis", metavar="URL", required=True, type=redis_url,
                        help="the Redis the coordinator shares the frontier through, e.g. redis://host:6379/0")
    parser.add_argument("--idle-exit", type=float, default=None, metavar="SECONDS",
                        help="stop after the shared frontier was empty this long (default: the run's)")
    parser.add_argument("--wait", type=float, default=60.0, metavar="SECONDS",
                        help="wait this long for a run to start when none is running (default 60)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], type=setting,
                        metavar="NAME=VALUE", help="a Scrapy or ARCHIVER_* setting for this worker "
                        "(repeatable); ARCHIVER_REDIS_PREFIX must match the coordinator's")
    parser.add_argument("--log-file", metavar="FILE", default=None, help="also log to FILE (rotated)")
    parser.set_defaults(handler=run)


def run(args) -> int:  # type: ignore[no-untyped-def]
    from archiver.distributed.keys import DEFAULT_PREFIX
    from archiver.distributed.worker import run_worker

    if args.wait < 0 or (args.idle_exit is not None and args.idle_exit < 0):
        print("cppcc-archiver worker: --wait and --idle-exit must be >= 0", file=sys.stderr)
        return EXIT_USAGE
    settings = dict(args.settings)
    try:
        check_settings(settings)
    except ValueError as exc:
        print(f"cppcc-archiver worker: {exc}", file=sys.stderr)
        return EXIT_USAGE
    db_url = database_url(args.db, create=True)
    check_archive(db_url)  # never write into a damaged archive (issue #17)
    return run_worker(
        args.redis, db_url, prefix=settings.get("ARCHIVER_REDIS_PREFIX") or DEFAULT_PREFIX,
        wait=args.wait, idle_exit=args.idle_exit, settings=settings, log_file=args.log_file,
    )
