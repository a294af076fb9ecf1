"""`export --format wacz|cdxj|atom`: the archive for web-archiving tools and feed readers (issue #20).

Kept apart from the JSONL/WARC export in `archive.py`: these formats build on storage/wacz.py and
storage/feeds.py and take a few options of their own.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import IO, Any

from archiver import SOFTWARE

WEBARCHIVE_FORMATS = ("wacz", "cdxj", "atom")
SUFFIXES = {"wacz": (".wacz",), "cdxj": (".cdxj",), "atom": (".xml", ".atom")}


class WebArchiveUsage(ValueError):
    """A wrong combination of options for these formats (exit 2)."""


def webarchive_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warc-name", metavar="NAME", default=None,
                        help="cdxj: the WARC file name the index points into (default: the output's "
                        "name with .warc.gz, or archive.warc.gz); export that WARC with "
                        "--format warc and the same filters")
    parser.add_argument("--feed-limit", metavar="N", type=int, default=500,
                        help="atom: the newest N events (default 500; 0 = every event)")
    parser.add_argument("--search", metavar="TERMS", default=None,
                        help="atom: only articles whose current version contains every term "
                        "(whitespace separates terms, as in `search`)")
    parser.add_argument("--feed-url", metavar="URL", default=None,
                        help="atom: where the feed will be served (its rel=self link)")


def check_output(fmt: str, out: Path | None, args: argparse.Namespace | None = None) -> None:
    if args is not None and fmt != "atom" and args.search:
        raise WebArchiveUsage("--search selects the articles of an atom feed only (use `search` otherwise)")
    if fmt not in WEBARCHIVE_FORMATS:
        return
    if fmt == "wacz" and out is None:
        raise WebArchiveUsage("a WACZ is a zip file: give --output FILE.wacz")
    if out is not None and not out.name.endswith(SUFFIXES[fmt]):
        raise WebArchiveUsage(f"name the {fmt} output *{' or *'.join(SUFFIXES[fmt])} (got {out.name})")


def _describe(filters: dict[str, Any]) -> str:
    chosen = [f"{k.replace('_', '-')}={v}" for k, v in filters.items() if v not in (None, False)]
    return ", ".join(chosen) if chosen else "the whole archive"


def write_webarchive(args: argparse.Namespace, session: Any, stream: IO[bytes], out: Path | None,
                     filters: dict[str, Any]) -> tuple[str, int]:
    """Write one of the formats to ``stream``: the summary line's text, and how many fetches
    had to be left out (the export is then complete but for them, and exits 1)."""
    selection = {k: v for k, v in filters.items() if k != "all_versions"}

    def skipped(line: str) -> None:
        print(f"cppcc-archiver: left out: {line}", file=sys.stderr)

    if args.format == "wacz":
        from storage.wacz import export_wacz

        report = export_wacz(session, stream, title=f"cppcc-archiver: {_describe(selection)}", software=SOFTWARE,
                             on_skip=skipped, workdir=str(out.parent) if out else None, **selection)
        return report.summary(), len(report.skipped)
    if args.format == "cdxj":
        from storage.wacz import export_cdxj

        name = args.warc_name or (out.name.rsplit(".", 1)[0] + ".warc.gz" if out else "archive.warc.gz")
        report = export_cdxj(session, stream, warc_name=name, software=SOFTWARE, on_skip=skipped, **filters)
        return f"the index of {name}: {report.fetches} responses", 0
    from storage.feeds import build_feed

    selection["search"] = args.search
    feed_id = hashlib.sha256(_describe(selection).encode()).hexdigest()[:16]
    data, entries = build_feed(session, feed_id=feed_id, title=f"cppcc-archiver: {_describe(selection)}",
                               self_link=args.feed_url, limit=max(args.feed_limit, 0), **selection)
    stream.write(data)
    return f"{entries} feed entries", 0
