"""`cppcc-archiver extract`: run the extractor on saved pages or URLs, no database involved.

For debugging a site's layout and for benchmarks: one JSON line per input (UTF-8, readable
Chinese) with the export fields, many inputs in one process. A local file needs `--url` for
links and URL dates to resolve (else a file: path stands in); a URL input is fetched with one
plain GET. A broken input prints one error line on stderr; the rest still run, exit code 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from archiver import __version__
from archiver.items import FetchedPage

USER_AGENT = f"cppcc-archiver/{__version__} (+https://github.com/cppcc-archiver/cppcc-archiver)"
FETCH_TIMEOUT = 30


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="extract article fields from saved pages or URLs (JSONL on stdout)",
        description="Extract title, dates, source, body, images, attachments and speech fields "
        "from article pages without a database; prints one JSON object per input.",
    )
    parser.add_argument("inputs", nargs="+", metavar="FILE|URL", help="saved HTML files or http(s) URLs")
    parser.add_argument("--url", help="the page URL of a local file (resolves links, URL dates)")
    parser.add_argument(
        "--family",
        choices=("trs", "hanweb", "legacy", "datepath", "post", "detail", "generic"),
        help="CMS family (default: detected per page)",
    )
    parser.add_argument("--audit", action="store_true", help="include every boilerplate removal")
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


def record_for(page: FetchedPage, family: str | None, audit: bool) -> dict[str, Any]:
    from archiver.extract.record import EXTRACTOR, extract_record

    result = extract_record([page], family=family)
    record: dict[str, Any] = {"url": page.url, "family": result.family, "extractor": EXTRACTOR}
    record.update(result.fields)
    record["soft_404"] = result.soft_404
    record["encoding"] = result.encoding
    if result.continuation_urls:
        record["continuation_urls"] = result.continuation_urls
    if audit:
        record["audit"] = result.audit
        record["date_candidates"] = result.date_candidates
    return record


def run(args: argparse.Namespace) -> int:
    if args.url and len(args.inputs) > 1:
        print("extract: --url applies to a single input", file=sys.stderr)
        return 2
    failed = 0
    out = sys.stdout
    for source in args.inputs:
        try:
            page = load(source, args.url)
            record = record_for(page, args.family, args.audit)
        except Exception as exc:  # one broken input must not stop the batch
            failed += 1
            print(f"extract: {source}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return 1 if failed else 0
