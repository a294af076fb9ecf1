"""`cppcc-archiver crawl` (and `worker`): fetch columns into the archive."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

from archiver.cli.commands import add_command
from archiver.cli.options import (add_db_option, check_archive, database_url, redis_url, setting,
                                  writable_log_file)
from archiver.logfile import default_log_file
from archiver.sites import RegistryError, load_registry, slug_for_url

EXIT_FAILED, EXIT_USAGE = 1, 2
parse_setting = setting  # the name worker.py and other branches import
REVISIT_CHOICES = ("due", "all", "none")


def register(subparsers) -> None:
    parser = add_command(subparsers, "crawl")
    add_db_option(parser)
    parser.add_argument("--site", action="append", default=[], metavar="SLUG",
                        help="a registered site to crawl (repeatable); see `cppcc-archiver sites`")
    parser.add_argument("--all", action="store_true", help="crawl every registered site")
    parser.add_argument("listing_urls", nargs="*", metavar="LISTING_URL",
                        help="listing (column) URL of a site, registered or not")
    parser.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                        help="politeness delay between requests to one host (default 1.0; 0 turns "
                        "politeness delays and AutoThrottle off, for your own test servers only)")
    parser.add_argument("--revisit", choices=REVISIT_CHOICES, default="due",
                        help="known articles to fetch again: 'due' (recent often, old rarely; "
                        "default), 'all' (walk every listing page, find every edit and takedown), "
                        "'none' (new articles only)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], type=setting,
                        metavar="NAME=VALUE", help="a Scrapy or ARCHIVER_* setting (repeatable)")
    parser.add_argument("--registry", metavar="FILE", default=None,
                        help="a site registry TOML file instead of the bundled one")
    parser.add_argument("--log-file", metavar="FILE", default=None,
                        help="also log to FILE, rotated at 10 MB keeping 5 files "
                        "(default: logs/crawl.log beside a SQLite archive)")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="show a live progress table (default when stderr is a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_false",
                          help="plain log lines only (default under cron)")
    parser.add_argument("--redis", metavar="URL", default=None, type=redis_url,
                        help="share the crawl frontier through Redis (scrapy-redis) with workers")
    parser.add_argument("--idle-exit", type=float, default=30.0, metavar="SECONDS",
                        help="with --redis: stop after the shared frontier was empty this long")
    parser.set_defaults(handler=run)


def build_targets(args, registry, discovery: dict[str, dict] | None = None) -> list:
    from archiver.spiders.column import CrawlTarget  # Scrapy loads only when crawling

    targets: list[CrawlTarget] = []
    slugs = list(registry) if args.all else args.site
    for slug in slugs:
        profile = registry.get(slug)
        if profile is None:
            raise RegistryError(f"unknown site {slug!r}; `cppcc-archiver sites` lists the registered ones")
        found = (discovery or {}).get(slug, {}) if not profile.columns else {}
        for column in profile.columns or found.get("columns", []):  # issue #22: never the homepage
            targets.append(CrawlTarget(profile.slug, column, profile.family or found.get("family"),
                                       profile.overrides, render=profile.render, name=profile.name,
                                       region=profile.region))
    for url in args.listing_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RegistryError(f"not an http(s) listing URL: {url!r}")
        slug = slug_for_url(url, registry)
        profile = registry.get(slug)
        family = profile.family if profile else None
        overrides = profile.overrides if profile else {}
        targets.append(CrawlTarget(slug, url, family, overrides, render=bool(profile and profile.render),
                                   name=profile.name if profile else None,
                                   region=profile.region if profile else None))
    seen, unique = set(), []
    for target in targets:
        if target.listing_url not in seen:
            seen.add(target.listing_url)
            unique.append(target)
    return unique


def discover_homepages(args, registry, db_url: str) -> dict[str, dict]:
    """Issue #22: the columns of the selected entries that know only a homepage, from the
    archive's cache or discovered now (archiver/discover/cache.py)."""
    slugs = list(registry) if args.all else args.site
    homepage_only = [registry[s] for s in slugs if s in registry and not registry[s].columns]
    if not homepage_only:
        return {}
    from archiver.discover.cache import resolve

    return resolve(homepage_only, db_url, delay=args.delay)


def check_settings(settings: dict[str, str]) -> None:
    """Settings whose bad value must stop the crawl before it starts (ValueError: one line)."""
    from archiver.cms import parse_families

    parse_families(settings.get("ARCHIVER_FAMILIES"))


def run(args) -> int:
    if not (args.all or args.site or args.listing_urls):
        print("cppcc-archiver crawl: give --all, --site SLUG or a LISTING_URL", file=sys.stderr)
        return EXIT_USAGE
    if args.delay < 0:
        print("cppcc-archiver crawl: --delay must be >= 0", file=sys.stderr)
        return EXIT_USAGE
    try:
        registry = load_registry(args.registry)
        build_targets(args, registry)  # unknown slugs and bad URLs stop here, before any request
        check_settings(dict(args.settings))
    except (RegistryError, ValueError) as exc:
        print(f"cppcc-archiver crawl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    db_url = database_url(args.db, create=True)
    check_archive(db_url)  # never write into a damaged archive (issue #17): exit 1
    log_file = writable_log_file(args.log_file or default_log_file(db_url), chosen=bool(args.log_file))
    discovery = discover_homepages(args, registry, db_url)
    targets = build_targets(args, registry, discovery)
    if not targets:
        for slug, record in discovery.items():
            print(f"{slug}: failed, not crawled: {record['problem']}")
        return EXIT_FAILED
    if args.redis:
        from archiver.distributed import run_distributed_crawl

        args.discovery = discovery  # issue #22: recorded in the run's summary
        return run_distributed_crawl(args, targets, db_url)
    from archiver.runner import CrawlRequest, run_crawl

    request = CrawlRequest(
        db_url=db_url, targets=targets, delay=args.delay, revisit=args.revisit,
        settings=dict(args.settings), log_file=log_file,
        progress=args.progress, argv=sys.argv[1:], discovery=discovery,
    )
    return run_crawl(request).exit_code
