"""`cppcc-archiver demo`: an offline tour against the bundled replica sites."""

from __future__ import annotations

import sys

from archiver.logfile import default_log_file
from archiver.cli.commands import add_command
from archiver.cli.options import add_db_option, check_archive, database_url

DEMO_DB = "data/demo.sqlite3"
# The replica's sites on 127.0.0.1:8751… when free: article URLs (the archive's keys) stay the
# same from one demo to the next, so a second demo updates the first one's articles (issue #17).
DEMO_PORT_BASE = 8751


def register(subparsers) -> None:
    parser = add_command(subparsers, "demo")
    add_db_option(parser, default=DEMO_DB)
    parser.add_argument("--scale", type=int, default=None, metavar="N",
                        help="articles per replica site (default: the replica's own default)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from archiver.replica.registry import replica_profiles
    from archiver.replica.testing import ReplicaProcess
    from archiver.runner import CrawlRequest, run_crawl
    from archiver.spiders.column import CrawlTarget

    if args.scale is not None and args.scale < 1:
        print("cppcc-archiver demo: --scale must be at least 1", file=sys.stderr)
        return 2
    db_url = database_url(args.db, create=True)
    check_archive(db_url)
    options = {"scale": args.scale} if args.scale else {}
    from archiver.replica.sites import MODELLED_SITES

    options["port_base"] = DEMO_PORT_BASE
    # The six families the crawler knows; the issue #14 platforms (jeecms, dede, …) are left out
    # of the tour until the generic path walks them completely.
    with ReplicaProcess(sites=list(MODELLED_SITES), **options) as replica:
        # The replica's own slugs, names and regions (issue #17), not slugs made of random ports.
        targets = [
            CrawlTarget(p.slug, p.columns[0], name=p.name, region=p.region)
            for p in replica_profiles(replica.sites).values()
        ]
        print(f"replica sites serving on 127.0.0.1: {', '.join(replica.sites)}", file=sys.stderr)
        request = CrawlRequest(
            db_url=db_url, targets=targets, delay=0.0, revisit="due",
            settings={"ROBOTSTXT_OBEY": True}, log_file=default_log_file(db_url), argv=sys.argv[1:],
        )
        result = run_crawl(request)
    if _interrupted(db_url, result):
        print(f"\nThe demo was interrupted: {args.db} keeps what was fetched, and "
              f"`cppcc-archiver demo --db {args.db}` again completes it.")
        return result.exit_code
    print(
        "\nTry next:\n"
        f"  cppcc-archiver export --db {args.db} --format jsonl --output - | head -c 2000\n"
        f"  cppcc-archiver search --db {args.db} 政协\n"
        f"  cppcc-archiver search --db {args.db} --speaker 蒋鸿\n"
        f"  cppcc-archiver stats --db {args.db}\n"
        f"  cppcc-archiver runs --db {args.db}\n"
        f"  cppcc-archiver export --db {args.db} --format warc --output data/demo.warc.gz"
    )
    return result.exit_code


def _interrupted(db_url: str, result) -> bool:  # type: ignore[no-untyped-def]
    """Whether the crawl was cut short: a site reported interrupted, or the run recorded so."""
    if any(r.outcome == "interrupted" or r.interrupted for r in result.reports):
        return True
    if result.run_id is None:
        return False
    from storage.db import make_engine
    from storage.models import CrawlRun

    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            outcome = connection.execute(
                CrawlRun.__table__.select().with_only_columns(CrawlRun.__table__.c.outcome)
                .where(CrawlRun.__table__.c.id == result.run_id)
            ).scalar()
    finally:
        engine.dispose()
    return outcome == "interrupted"
