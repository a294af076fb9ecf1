"""`sites discover HOMEPAGE` and `sites add HOMEPAGE` (issue #22); registered by sites_cmd.py.

discover: exit 0 when a column is proposed, 1 when none is (or the homepage cannot be read), 2
on bad input. add: discovery, then the check crawl (the first listing page and one article,
fields shown); the entry is written to the user's registry only when both succeeded (exit 0),
else nothing is written (exit 1).
"""

from __future__ import annotations

import sys
from datetime import date
from urllib.parse import urlsplit

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(parser) -> None:
    parser.add_argument("--format", choices=["table", "json", "toml"], default="table",
                        help="discover: a table (default), JSON for scripts, or the registry entry")
    parser.add_argument("--slug", help="add: the new entry's slug (default: from the host name)")
    parser.add_argument("--name", help="add: the committee's name (default: the homepage's title)")
    parser.add_argument("--region", help="add: its region (default: the name without 政协)")
    parser.add_argument("--sites-file", metavar="FILE", default=None,
                        help="add: the registry file to write (default $ARCHIVER_SITES, else "
                        "~/.config/cppcc-archiver/sites.toml)")
    parser.add_argument("--render", action="store_true",
                        help="add: when the column's list is built by its own scripts, read it through "
                        "headless Chromium for the check and write render = true (issue #14)")
    parser.add_argument("--delay", type=float, default=None, metavar="SECONDS",
                        help="discover/add: seconds between two requests (default: the crawl's delay)")


def run(args) -> int:
    from archiver.discover import discover
    from archiver.settings import DOWNLOAD_DELAY

    command = f"cppcc-archiver sites {args.action}"
    if len(args.slugs) != 1:
        print(f"{command}: give one HOMEPAGE URL", file=sys.stderr)
        return EXIT_USAGE
    homepage = args.slugs[0]
    parts = urlsplit(homepage)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        print(f"{command}: not an http(s) homepage URL: {homepage!r}", file=sys.stderr)
        return EXIT_USAGE
    if args.delay is not None and args.delay < 0:
        print(f"{command}: --delay must be >= 0", file=sys.stderr)
        return EXIT_USAGE
    from archiver.discover.fetch import PoliteFetcher

    fetcher = PoliteFetcher(homepage, delay=DOWNLOAD_DELAY if args.delay is None else args.delay)
    found = discover(homepage, fetcher=fetcher)
    if args.action == "discover":
        return _show(args, found)
    return _add(args, found, fetcher, command)


def _names(args, found) -> tuple[str, str, str]:
    from archiver.discover.report import default_slug

    name = args.name or found.title or ""
    region = args.region or name.removesuffix("政协").removesuffix("委员会") or name
    return args.slug or default_slug(found.url or found.homepage), name, region


def _show(args, found) -> int:
    from archiver.discover import report

    if args.format == "json":
        print(report.as_json(found))
    elif args.format == "toml" and found.proposed:
        slug, name, region = _names(args, found)
        print(report.registry_entry(found, slug=slug, name=name or "?", region=region or "?"), end="")
    else:
        print(report.as_table(found))
        if found.proposed and args.format == "table":
            slug, name, region = _names(args, found)
            print("\nregistry entry (unverified; `sites add` checks and writes it):")
            print(report.registry_entry(found, slug=slug, name=name or "?", region=region or "?"), end="")
    return EXIT_OK if found.proposed else EXIT_FAILED


def _add(args, found, fetcher, command: str) -> int:
    from archiver.discover import check_column, report
    from archiver.sites import RegistryError, append_entry, user_registry_path

    if args.format == "json":
        pass  # printed below, with the check
    else:
        print(report.as_table(found))
    if not found.proposed:
        # the last note says why nothing is proposed (table users saw them all above)
        why = found.problem or "no column to register" + (f": {found.notes[-1]}" if found.notes else "")
        print(f"{command}: {why}; nothing written", file=sys.stderr)
        if args.format == "json":
            print(report.as_json(found))
        return EXIT_FAILED
    # Every proposed column is checked (its first page, one article): only the columns whose
    # check passed are written verified; the best-ranked one must pass, or nothing is written (a
    # refused speech column is never swapped for a meeting column).
    if args.render and any(not c.articles and not c.error for c in found.proposed):
        from archiver.discover import browser, render_column

        if (why := browser.unavailable()) is not None:
            print(f"{command}: --render: cannot render here: {why}; nothing written", file=sys.stderr)
            return EXIT_FAILED
        for column in found.proposed:
            if not column.articles and not column.error:
                render_column(column, fetcher)
    checks = [(column, check_column(column, fetcher)) for column in found.proposed]
    check = checks[0][1]
    if args.format == "json":
        print(report.as_json(found, check))
    else:
        for _, each in checks:
            print(f"check: {each.listing_url}: {each.articles} articles on the first page")
            if each.article_url:
                print(f"check: article {each.article_url}")
                for key, value in each.fields.items():
                    print(f"  {key:<11}{value}")
    if not check.ok:
        print(f"{command}: check failed: {check.problem}; nothing written", file=sys.stderr)
        return EXIT_FAILED
    for column, each in checks[1:]:
        if not each.ok:
            print(f"{command}: {column.url} left out: check failed: {each.problem}", file=sys.stderr)
    passed = [column for column, each in checks if each.ok]
    slug, name, region = _names(args, found)
    if not name:
        print(f"{command}: the homepage has no title: give --name (and --region)", file=sys.stderr)
        return EXIT_USAGE
    entry = report.registry_entry(found, slug=slug, name=name, region=region,
                                  verified_on=date.today().isoformat(), check=check,
                                  columns=passed)
    path = args.sites_file or user_registry_path()
    try:
        append_entry(path, entry)
    except RegistryError as exc:
        print(f"{command}: {exc}; nothing written", file=sys.stderr)
        return EXIT_USAGE
    if args.format != "json":
        print(f"added {slug!r} to {path} (verified {date.today().isoformat()}):\n{entry}", end="")
        print(f"crawl it with: cppcc-archiver crawl --site {slug}")
    return EXIT_OK
