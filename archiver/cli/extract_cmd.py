"""`cppcc-archiver extract`: run the extractor on saved pages or URLs, no database involved.

For debugging a site's layout and for benchmarks: one JSON line per input (UTF-8, readable
Chinese) with the export fields, many inputs in one process. A local file needs `--url` for
links and URL dates to resolve (else a file: path stands in); a URL input is fetched with one
plain GET. A broken input prints one error line on stderr; the rest still run, exit code 1.
`--site SLUG` applies that site's registry overrides (XPaths, encoding; issue #16); `--families`
(default $ARCHIVER_FAMILIES) restricts the CMS family modules, `--families generic` leaving the
generic path alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from archiver import __version__
from archiver.cli.commands import add_command
from archiver.items import FetchedPage

USER_AGENT = f"cppcc-archiver/{__version__} (+https://github.com/cppcc-archiver/cppcc-archiver)"
FETCH_TIMEOUT = 30


class _FamilyNames:
    """argparse choices read from the one family registry (issue #18), imported only when the
    option is used or help is printed: building the CLI's parsers stays free of lxml."""

    def _names(self) -> tuple[str, ...]:
        from archiver.cms.families import FAMILY_NAMES

        return FAMILY_NAMES

    def __iter__(self):
        return iter(self._names())

    def __contains__(self, value: object) -> bool:
        return value in self._names()


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(subparsers, "extract")
    parser.add_argument("inputs", nargs="+", metavar="FILE|URL", help="saved HTML files or http(s) URLs")
    parser.add_argument("--url", help="the page URL of a local file (resolves links, URL dates)")
    parser.add_argument(
        "--family",
        choices=_FamilyNames(),
        help="CMS family (default: detected per page)",
    )
    parser.add_argument(
        "--families", metavar="NAMES", default=None,
        help="comma-separated CMS family modules allowed (default $ARCHIVER_FAMILIES, else all); "
        "'generic' disables every family module",
    )
    parser.add_argument("--site", metavar="SLUG", help="apply this registered site's overrides")
    parser.add_argument("--registry", metavar="FILE", default=None,
                        help="a site registry TOML file instead of the bundled one (with --site)")
    parser.add_argument("--audit", action="store_true", help="include every boilerplate removal")
    parser.add_argument(
        "--explain", action="store_true",
        help="say why: detected family and scores, candidate body blocks, candidate dates and the "
        "winner, each boilerplate line removed and its rule, speech fields with their lines",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="with --explain: readable text (default) or one JSON object per input")
    parser.set_defaults(handler=run)


def fetch(url: str) -> FetchedPage:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
        body = response.read()
        headers = list(response.headers.items())
        status = response.status
        final = response.geturl()
    return FetchedPage(url=final, status=status, body=body, fetched_at=datetime.now(timezone.utc),
                       response_headers=headers, request_headers=[("User-Agent", USER_AGENT)])


def load(source: str, page_url: str | None) -> FetchedPage:
    if source.startswith(("http://", "https://")):
        return fetch(source)
    path = Path(source)
    body = path.read_bytes()
    mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    return FetchedPage(url=page_url or path.resolve().as_uri(), status=200, body=body, fetched_at=mtime)


@dataclass(frozen=True)
class Options:
    """What every input of one `extract` run is extracted with."""

    family: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    families: frozenset[str] | None = None
    audit: bool = False
    explain: str | None = None  # None, or the --explain format: text | json


def options_from(args: argparse.Namespace) -> Options:
    """The run's options; ValueError (one line) on an unknown family, site or bad registry."""
    from archiver.cms import parse_families
    from archiver.sites import RegistryError, load_registry

    raw = args.families if args.families is not None else os.environ.get("ARCHIVER_FAMILIES")
    families = parse_families(raw)
    family, overrides = args.family, {}
    if args.site or args.registry:
        try:
            registry = load_registry(args.registry)
        except RegistryError as exc:
            raise ValueError(str(exc)) from exc
        if args.site:
            profile = registry.get(args.site)
            if profile is None:
                raise ValueError(f"unknown site {args.site!r}; `cppcc-archiver sites` lists them")
            family, overrides = family or profile.family, dict(profile.overrides)
    if family and families is not None and family not in families:
        print(f"extract: family {family!r} disabled by --families/ARCHIVER_FAMILIES: generic path used",
              file=sys.stderr)
    return Options(family, overrides, families, args.audit, args.format if args.explain else None)


def output_for(page: FetchedPage, options: Options) -> str:
    """What one input prints: its JSON line, or its --explain text / JSON."""
    if options.explain is None:
        return json.dumps(record_for(page, options), ensure_ascii=False) + "\n"
    from archiver.explain import explain_page, render_text

    report = explain_page(page, family=options.family, overrides=options.overrides,
                          families=options.families)
    if options.explain == "json":
        return json.dumps(report, ensure_ascii=False) + "\n"
    return render_text(report)


def record_for(page: FetchedPage, options: Options) -> dict[str, Any]:
    from archiver.article import EXTRACTOR, extract_record

    result = extract_record([page], family=options.family, overrides=options.overrides,
                            families=options.families)
    record: dict[str, Any] = {"url": page.url, "family": result.family, "extractor": EXTRACTOR}
    record.update(result.fields)
    record["soft_404"] = result.soft_404
    record["encoding"] = result.encoding
    if result.continuation_urls:
        record["continuation_urls"] = result.continuation_urls
    if result.overrides_used:
        record["overrides"] = result.overrides_used
    if options.audit:
        record["audit"] = result.audit
        record["date_candidates"] = result.date_candidates
    return record


def run(args: argparse.Namespace) -> int:
    if args.url and len(args.inputs) > 1:
        print("extract: --url applies to a single input", file=sys.stderr)
        return 2
    try:
        options = options_from(args)
    except ValueError as exc:
        print(f"extract: {exc}", file=sys.stderr)
        return 2
    failed = 0
    out = sys.stdout
    for source in args.inputs:
        try:
            page = load(source, args.url)
            text = output_for(page, options)
        except Exception as exc:  # one broken input must not stop the batch
            failed += 1
            print(f"extract: {source}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        out.write(text)
    out.flush()
    return 1 if failed else 0
