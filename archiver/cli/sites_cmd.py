"""`cppcc-archiver sites`: list the registry, or check a site's column live."""

from __future__ import annotations

import sys
import urllib.request

from archiver import __version__
from archiver.cli import discover_cmd
from archiver.cli.commands import add_command
from archiver.settings import USER_AGENT
from archiver.sites import RegistryError, load_registry

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
CHECK_TIMEOUT = 30


def register(subparsers) -> None:
    parser = add_command(subparsers, "sites")
    parser.add_argument("--registry", metavar="FILE", default=None,
                        help="a site registry TOML file instead of the bundled one and yours")
    parser.add_argument("action", nargs="?", choices=["list", "check", "discover", "add"], default="list",
                        help="list (default), check SLUG…, discover HOMEPAGE (propose the columns where "
                        "speeches live) or add HOMEPAGE (discover, check, write to your registry)")
    parser.add_argument("slugs", nargs="*", metavar="SLUG", help="sites to check, or the HOMEPAGE URL")
    discover_cmd.add_arguments(parser)  # issue #22
    parser.set_defaults(handler=run)


def run(args) -> int:
    if args.action in ("discover", "add"):
        return discover_cmd.run(args)
    try:
        registry = load_registry(args.registry)
    except RegistryError as exc:
        print(f"cppcc-archiver sites: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "list":
        for profile in registry.values():
            mark = "verified" if profile.verified else "unverified"
            # region last: scripts that read the first five columns keep working (issue #17)
            where = " ".join(profile.columns) or f"homepage {profile.homepage} (columns discovered at crawl)"
            print(f"{profile.slug}\t{profile.family or 'detect'}\t{mark}\t{profile.name}\t"
                  f"{where}\t{profile.region}")
        return EXIT_OK
    if not args.slugs:
        print("cppcc-archiver sites check: name at least one SLUG", file=sys.stderr)
        return EXIT_USAGE
    code = EXIT_OK
    for slug in args.slugs:
        profile = registry.get(slug)
        if profile is None:
            print(f"cppcc-archiver sites check: unknown site {slug!r}", file=sys.stderr)
            return EXIT_USAGE
        if not profile.columns:
            print(f"{slug}: only its homepage is known: run `cppcc-archiver sites discover {profile.homepage}`")
            code = EXIT_FAILED
        for column in profile.columns:
            if not check_column(slug, column, profile.family):
                code = EXIT_FAILED
    return code


def check_column(slug: str, url: str, family: str | None) -> bool:
    from archiver.cms import parse_listing
    from archiver.extract.encoding import decode_html

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=CHECK_TIMEOUT) as response:
            body = response.read()
            charset = response.headers.get_content_charset()
            content_type = response.headers.get("Content-Type", "")
    except Exception as exc:  # any network failure is a check failure, reported plainly
        print(f"{slug}: {url}: FAILED: {type(exc).__name__}: {exc}")
        return False
    text = decode_html(body, header_charset=charset).text
    listing = parse_listing(url, text, family=family, content_type=content_type)
    print(f"{slug}: {url}: family {listing.family}, {len(listing.entries)} articles on this page, "
          f"{len(listing.follow)} further listing pages known"
          + (f", {listing.total_pages} pages in all" if listing.total_pages else ""))
    for entry in listing.entries[:10]:
        print(f"  {entry.date_raw or '':<20} {entry.title}  {entry.url}")
    if not listing.entries:
        print(f"{slug}: no articles recognised: the layout needs an override in sites.toml")
        return False
    print(f"{slug}: OK (mark it verified = true in the registry) — cppcc-archiver {__version__}")
    return True
