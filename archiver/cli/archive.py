"""Archive commands: export, verify, reprocess, show, search, stats, runs, db.

Each command opens the archive named by ``--db`` (default ``ARCHIVER_DB``, else
``sqlite:///data/archive.sqlite3``), upgrading its schema first, and never crawls. Exit codes:
0 ok, 1 something failed (a damaged body, a page that would not re-extract), 2 usage error.
This file is over 400 lines because it holds the argument definitions and terminal rendering
of eight commands; the work itself lives in ``storage/``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import SOFTWARE
from archiver.cli.webarchive import (
    WEBARCHIVE_FORMATS, WebArchiveUsage, check_output, webarchive_options, write_webarchive,
)
from archiver.terminal import inert  # issue #15: bidi controls and line separators too
from archiver.cli import lookup, options
from archiver.cli.commands import add_command
from archiver.cli.options import ArchiveError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# --- argument types --------------------------------------------------------------------------

date_arg = options.calendar_date  # a date that exists (issue #17: 2023-02-30 was accepted)


def timestamp_arg(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 8601 date or timestamp") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


_db_option = options.add_db_option


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", metavar="SLUG", help="only this site (slug, e.g. hubei_jingzhou)")
    parser.add_argument("--since", metavar="DATE", type=date_arg,
                        help="only articles published on or after DATE (YYYY[-MM[-DD]])")
    parser.add_argument("--until", metavar="DATE", type=date_arg,
                        help="only articles published on or before DATE (YYYY[-MM[-DD]])")
    parser.add_argument("--speaker", metavar="NAME",
                        help="only speeches by this speaker (spaces in the name are ignored)")


# --- registration ----------------------------------------------------------------------------


def _command(subparsers: argparse._SubParsersAction, name: str, handler: Any) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """A subcommand that works on an archive: its parser (texts from commands.toml, ``name`` in
    full: "db upgrade"), with ``--db`` first, and its handler."""
    p = add_command(subparsers, name)
    _db_option(p)
    p.set_defaults(handler=handler)
    return p


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = _command(subparsers, "export", cmd_export)
    p.add_argument("--format", choices=("jsonl", "warc", *WEBARCHIVE_FORMATS), default="jsonl",
                   help="jsonl: one JSON record per line (default); warc: gzipped WARC 1.1; "
                   "wacz: a WACZ 1.1 package for replay tools (every version of the selected "
                   "articles, pages with their clean text); cdxj: the CDXJ index of the WARC "
                   "export; atom: an Atom feed of new, edited, removed and restored articles")
    p.add_argument("--output", "-o", metavar="FILE", default="-",
                   help="output file ('-' = standard output, the default); WARC files end in "
                   ".warc.gz; written to a new temporary file beside it and renamed when complete")
    p.add_argument("--all-versions", action="store_true",
                   help="one record per stored version instead of the latest only")
    _filter_options(p)
    p.add_argument("--changed-since", metavar="TIMESTAMP", type=timestamp_arg,
                   help="only versions stored, or articles removed/restored, at or after this "
                   "ISO 8601 time (UTC when no zone is given); for WARC: fetches made since")
    webarchive_options(p)

    _command(subparsers, "verify", cmd_verify)

    p = _command(subparsers, "reprocess", cmd_reprocess)
    p.add_argument("--site", metavar="SLUG", help="only this site")
    p.add_argument("--registry", metavar="FILE", default=None,
                   help="the site registry whose overrides apply (default: the bundled one)")
    p.add_argument("--families", metavar="NAMES", default=None,
                   help="CMS family modules allowed (default $ARCHIVER_FAMILIES, else all)")

    p = _command(subparsers, "show", cmd_show)
    p.add_argument("url", metavar="URL", help="the article's URL (any of its pages; scheme "
                   "optional, #fragment ignored)")
    p.add_argument("--versions", action="store_true", help="print every version's fields in full")
    p.add_argument("--diff", action="store_true", help="show differences between consecutive versions")

    p = _command(subparsers, "search", cmd_search)
    # nargs="*": `search 政协 委员` is two terms (issue #17), like `search '政协 委员'`.
    p.add_argument("query", metavar="TERM", nargs="*", default=[],
                   help="text to find (none with --speaker lists a speaker's speeches)")
    _filter_options(p)
    _limit_option(p, "results")
    p.add_argument("--format", choices=("table", "jsonl"), default="table",
                   help="table: highlighted snippets (default); jsonl: export records")
    p.add_argument("--pages-only", action="store_true",
                   help="search the pages only, not the text of their attachments (issue #19)")

    p = _command(subparsers, "stats", cmd_stats)
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format")

    p = _command(subparsers, "runs", cmd_runs)
    _limit_option(p, "runs")
    p.add_argument("--format", choices=("table", "jsonl"), default="table", help="output format")

    p = add_command(subparsers, "db")
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION")
    _command(dbsub, "db upgrade", cmd_db_upgrade)
    _command(dbsub, "db current", cmd_db_current)
    p.set_defaults(handler=lambda args: (p.print_help(), EXIT_USAGE)[1])


def _limit_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--limit", type=positive_int, default=20, metavar="N", help=f"at most N {what} (default 20)")


# --- shared helpers --------------------------------------------------------------------------


def _url(args: argparse.Namespace) -> str:
    return options.database_url(args.db)


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """(engine, session factory) for an existing archive, schema upgraded."""
    from storage import db

    url = _url(args)
    path = options.sqlite_file(url)
    if path is not None:
        if not path.exists():
            raise UsageError(f"no archive at {path} "
                             "(crawl first, or run `cppcc-archiver db upgrade`)")
        # A damaged file is named before anything reads it (issue #17).
        options.check_archive(url, max_bytes=options.READ_CHECK_MAX_BYTES)
    try:
        return db.open_archive(url)
    except Exception as exc:  # noqa: BLE001 - unreachable server, damaged file…
        damaged = options.unwritable_folder(url) or options.describe_database_error(exc)
        if damaged:
            raise ArchiveError(damaged) from exc
        raise UsageError(f"cannot open the archive: {type(exc).__name__}: {exc}") from exc


@contextmanager
def _archive(args: argparse.Namespace) -> Iterator[Any]:
    """The archive's session factory for one command; the engine is disposed however it ends."""
    # Filters every command shares, checked once here (issue #17).
    options.check_date_range(getattr(args, "since", None), getattr(args, "until", None))
    engine, sessions = _open(args)
    try:
        with sessions() as session:
            lookup.check_site(session, getattr(args, "site", None))
        yield sessions
    finally:
        engine.dispose()


def _guarded(handler):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except (UsageError, WebArchiveUsage) as exc:
            print(f"cppcc-archiver {args.command}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except ArchiveError as exc:
            print(f"cppcc-archiver {args.command}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        except BrokenPipeError:  # `… | head`
            sys.stderr.close()
            return EXIT_OK

    run.__name__ = handler.__name__
    return run


class _InertWriter:
    """A stdout wrapper that neutralises terminal controls in everything written through it."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(inert(text))

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._stream, name)


def _console(**kwargs: Any):  # type: ignore[no-untyped-def]
    from rich.console import Console

    console = Console(highlight=False, **kwargs)
    if not console.is_terminal:  # piped or captured: don't squeeze Chinese text into 80 columns
        console = Console(highlight=False, width=max(console.width, 200), **kwargs)
    return console


def _check_output(path: str, fmt: str) -> Path | None:
    if path == "-":
        return None
    out = Path(path)
    if ".." in out.parts:
        raise UsageError(f"refusing output path with '..': {path}")
    if fmt == "warc" and not out.name.endswith(".warc.gz"):
        raise UsageError(f"WARC output is gzipped: name it *.warc.gz (got {out.name})")
    if not out.parent.exists():
        raise UsageError(f"folder {out.parent} does not exist")
    if out.is_dir():
        raise UsageError(f"{path} is a folder: name the file to write in it")
    return out


# --- export / verify / reprocess -------------------------------------------------------------


@_guarded
def cmd_export(args: argparse.Namespace) -> int:
    from storage.export import iter_export_records, open_part_file, write_jsonl
    from storage.warc import export_warc

    out_path = _check_output(args.output, args.format)
    check_output(args.format, out_path, args)
    filters = {"all_versions": args.all_versions, "site": args.site, "since": args.since,
               "until": args.until, "speaker": args.speaker, "changed_since": args.changed_since}
    part = None
    left_out = 0  # records a web-archive export had to leave out (missing or damaged bodies)
    try:
        with _archive(args) as sessions, sessions() as session:
            # Written beside FILE under a new exclusive name, renamed when complete (issue #15).
            stream, part = open_part_file(out_path) if out_path else (sys.stdout.buffer, None)
            try:
                if args.format == "jsonl":
                    n = write_jsonl(iter_export_records(session, **filters), stream)
                    summary = f"{n} records"
                elif args.format in WEBARCHIVE_FORMATS:
                    summary, left_out = write_webarchive(args, session, stream, out_path, filters)
                else:
                    name = out_path.name if out_path else "stdout.warc.gz"
                    counts = export_warc(session, stream, software=SOFTWARE, filename=name, **filters)
                    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
                stream.flush()
                if part:
                    os.fsync(stream.fileno())
            finally:
                if part:
                    stream.close()
        if part and out_path:
            os.replace(part, out_path)
        print(f"exported {summary}" + (f" to {out_path}" if out_path else ""), file=sys.stderr)
        return EXIT_FAILED if left_out else EXIT_OK
    except OSError as exc:  # a read-only or full folder: one line, not a traceback (issue #15)
        if isinstance(exc, BrokenPipeError):
            raise
        print(f"cppcc-archiver export: cannot write {out_path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if part and part.exists():
            part.unlink()


@_guarded
def cmd_verify(args: argparse.Namespace) -> int:
    from storage.verify import verify_archive

    path = options.sqlite_file(_url(args))
    if path is not None and path.is_file():
        # The file itself first (issue #17): SQLite's own check, every page and index.
        problems = options.integrity_problems(path, full=True)
        for problem in problems:
            print(f"DAMAGED sqlite: {problem}")
        if problems:
            print(f"cppcc-archiver verify: {path}: SQLite integrity_check found {len(problems)} problem(s); "
                  "restore it from a backup (or try `sqlite3 FILE .recover`) before crawling into it again",
                  file=sys.stderr)
            return EXIT_FAILED
    with _archive(args) as sessions, sessions() as session:
        report = verify_archive(session)
    for problem in report.problems:
        print(f"DAMAGED {problem.describe()}")
    for problem in report.version_problems:
        print(f"DAMAGED {problem}")
    print(f"checked {report.bodies} bodies ({report.raw_bytes} bytes) and {report.versions} versions: "
          f"{len(report.problems) + len(report.version_problems)} problem(s)", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def reprocess_options(args: argparse.Namespace) -> tuple[dict, frozenset[str] | None]:
    """The registry's overrides by site and the allowed families (issue #16); ValueError: one line."""
    from archiver.cms import parse_families
    from archiver.sites import RegistryError, load_registry
    from archiver.pipelines.reprocess import overrides_by_site

    families = parse_families(args.families if args.families is not None else os.environ.get("ARCHIVER_FAMILIES"))
    try:
        return overrides_by_site(load_registry(args.registry)), families
    except RegistryError as exc:
        raise ValueError(str(exc)) from exc


@_guarded
def cmd_reprocess(args: argparse.Namespace) -> int:
    from archiver.pipelines.reprocess import reprocess

    try:
        overrides, families = reprocess_options(args)
    except ValueError as exc:
        print(f"cppcc-archiver reprocess: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with _archive(args) as sessions:
        report = reprocess(sessions, site=args.site, overrides=overrides, families=families)
    for url in report.changed_urls:
        print(f"new version: {url}")
    for failure in report.failures:
        print(f"FAILED {failure}", file=sys.stderr)
    print(f"examined {report.examined}: {report.changed} changed, {report.unchanged} unchanged, "
          f"{report.skipped} skipped, {len(report.failures)} failed; "
          f"{report.files_reread} attachment texts re-read", file=sys.stderr)
    return EXIT_FAILED if report.failures else EXIT_OK


# --- show ------------------------------------------------------------------------------------


@_guarded
def cmd_show(args: argparse.Namespace) -> int:
    real_stdout, sys.stdout = sys.stdout, _InertWriter(sys.stdout)
    try:
        with _archive(args) as sessions, sessions() as session:
            article = lookup.find_article(session, args.url)
            if article is None:
                print(f"not in the archive: {args.url}", file=sys.stderr)
                return EXIT_FAILED
            versions = _print_history(session, article, full=args.versions)
            if args.diff:
                _print_diffs(_console(), versions)
    finally:
        sys.stdout = real_stdout
    return EXIT_OK


def _next_check(article, versions: list):  # type: ignore[no-untyped-def]
    """When a `--revisit due` crawl will next fetch the article: the crawl's own policy
    (archiver/revisit.py, default intervals; issue #18)."""
    from datetime import UTC, datetime

    from archiver.revisit import DEFAULT_INTERVALS, next_check

    current = next((v for v in versions if v.version == article.current_version), None)
    return next_check(published_at=current.published_at if current else None,
                      first_seen_at=article.first_seen_at, last_seen_at=article.last_seen_at,
                      now=datetime.now(UTC), intervals=DEFAULT_INTERVALS)


def _print_history(session, article, *, full: bool) -> list:  # type: ignore[no-untyped-def]
    from storage import repository
    from storage.types import utc_iso as iso

    site = article.site
    removed = f" since {iso(article.removed_at)} ({article.removed_how})" if article.status == "removed" else ""
    print(article.url)
    print(f"  site: {site.slug}" + (f" ({site.name}" + (f", {site.region})" if site.region else ")") if site.name else ""))
    print(f"  status: {article.status}{removed}")
    print(f"  first seen: {iso(article.first_seen_at)}   last seen: {iso(article.last_seen_at)}")
    versions = list(repository.iter_versions(session, article.id))
    print(f"  versions: {article.current_version}   next check: {iso(_next_check(article, versions))}")
    print("\nversions:")
    for v in versions:
        pages = repository.iter_snapshot_fetches(session, v.id)
        page_sha = (pages[0].body_sha256 or "-")[:12] if pages else "-"
        why = v.reason + (f" (was {v.previous_extractor})" if v.previous_extractor else "")
        print(f"  v{v.version}  {iso(v.created_at)}  {why}  extractor {v.extractor}  "
              f"run {v.run_id or '-'}  snapshot {v.id}  content {v.content_hash[:12]}  "
              f"page sha256 {page_sha}  pages {len(pages)}")
        who = f"{v.speaker or ''} {v.speaker_title or ''}".strip()
        print(f"      {v.title}  [{v.published_at}]  {who}".rstrip())
        if full:
            _print_version(v)
    if versions:
        _print_files(session, versions[-1], full=full)
    print("\nfetches:")
    for f in repository.iter_article_fetches(session, article.id):
        error = f"  error: {f.error}" if f.error else ""
        print(f"  {iso(f.fetched_at)}  {f.status or 'ERR'}  fetch {f.id}  run {f.run_id or '-'}  "
              f"sha256 {(f.body_sha256 or '-')[:12]}  {f.url}{error}")
    events = list(repository.iter_article_events(session, article.id))
    if events:
        print("\nevents:")
        for e in events:
            print(f"  {iso(e.at)}  {e.kind}  {e.how or ''}  fetch {e.fetch_id or '-'}  "
                  f"run {e.run_id or '-'}")
    return versions


def _print_files(session, v, *, full: bool) -> None:  # type: ignore[no-untyped-def]
    """The current version's attachments and images: what was kept and why not (issue #19);
    attachment text in full with --versions, else its first lines."""
    from storage.files import with_texts

    entries = [("attachment", e) for e in with_texts(session, v.fields.get("attachments"))]
    entries += [("image", e) for e in v.fields.get("images") or []]
    if not entries:
        return
    print(f"\nfiles (v{v.version}):")
    for role, e in entries:
        size = f"{e['size']:,} bytes" if e.get("size") is not None else "-"
        label = e.get("name") or e.get("caption") or ""
        print(f"  {role}  {e.get('status', 'not fetched')}  {e.get('media_type') or '-'}  {size}  "
              f"sha256 {(e.get('sha256') or '-')[:12]}  {label}  {e.get('url')}")
        if e.get("reason"):
            print(f"      {e['reason']}")
        if e.get("text"):
            lines = e["text"].split("\n")
            shown = lines if full else lines[:5]
            print(f"      text ({len(e['text']):,} chars):")
            for line in shown:
                print(f"        {line}")
            if len(shown) < len(lines):
                print(f"        … ({len(lines) - len(shown)} more lines: show --versions, or export)")


def _print_version(v) -> None:  # type: ignore[no-untyped-def]
    for key, value in v.fields.items():
        if key == "body":
            continue
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        print(f"      {key}: {shown}")
    print("      body:")
    for line in (v.body or "").split("\n"):
        print(f"        {line}")
    for entry in v.audit or ():
        print(f"      removed by {entry.get('rule')}: {entry.get('text')}")


def _print_diffs(console, versions) -> None:  # type: ignore[no-untyped-def]
    from rich.text import Text

    from storage import diff

    if len(versions) < 2:
        print("\n(only one version: nothing to compare)")
        return
    for old, new in zip(versions, versions[1:]):
        print(f"\ndiff v{old.version} -> v{new.version}:")
        if not console.is_terminal:
            for line in diff.format_plain(old.fields, new.fields).split("\n"):
                print(f"  {line}")
            continue
        for name, before, after in diff.diff_fields(old.fields, new.fields):
            text = Text(f"  {name}: ")
            if isinstance(before, str) and isinstance(after, str):
                _styled(text, diff.diff_chars(before, after))
            else:
                text.append(f"{before!r} -> {after!r}")
            console.print(text)
        lines = diff.diff_text(old.fields.get("body"), new.fields.get("body"))
        if any(line.kind not in ("same", "skipped") for line in lines):
            console.print("  body:")
            for line in lines:
                quiet = line.kind in ("same", "skipped")
                text = Text("  " + diff.PREFIX[line.kind], style="dim" if quiet else "")
                console.print(_styled(text, line.segments))


def _styled(text, segments):  # type: ignore[no-untyped-def]
    for op, value in segments:
        text.append(value, style={"equal": "", "delete": "red strike", "insert": "bold green"}[op])
    return text


# --- search / stats / runs / db --------------------------------------------------------------


@_guarded
def cmd_search(args: argparse.Namespace) -> int:
    from storage.export import dumps_record, iter_records_by_snapshot
    from storage.search import MARK_END, MARK_START, search

    args.query = " ".join(args.query).strip()
    if not args.query and not (args.speaker or args.site or args.since or args.until):
        raise UsageError("give a QUERY, or a filter such as --speaker NAME")
    with _archive(args) as sessions, sessions() as session:
        hits = search(session, args.query, site=args.site, speaker=args.speaker,
                      since=args.since, until=args.until, limit=args.limit,
                      files=not args.pages_only)
        if args.format == "jsonl":
            found_in = {h.snapshot_id: h.found_in for h in hits}
            for record in iter_records_by_snapshot(session, [h.snapshot_id for h in hits]):
                sys.stdout.write(dumps_record({**record, "found_in": found_in[record["snapshot_id"]]}))
            return EXIT_OK
    from rich.table import Table
    from rich.text import Text

    def marked(value: str) -> Text:
        text = Text()
        for i, piece in enumerate(re.split(f"[{MARK_START}{MARK_END}]", value)):
            text.append(piece, style="bold black on yellow" if i % 2 else "")
        return text

    from storage.search import highlight, parse_terms

    terms = parse_terms(args.query)
    # A Text title: the query is shown as typed, never parsed as rich markup ("[red]x[/red]").
    table = Table(title=Text(f"{len(hits)} result(s) for {inert(args.query)!r}"), show_lines=True)
    for name in ("#", "title / snippet", "published", "speaker", "site", "status"):
        table.add_column(name, overflow="fold")
    for i, hit in enumerate(hits, 1):
        cell = marked(highlight(inert(hit.title or "(no title)"), terms))
        cell.append("\n")
        # Markers added after `inert`, which would otherwise print them as "\x02".
        cell.append_text(marked(highlight(inert(hit.snippet_plain()), terms)))
        if hit.found_in != "page":
            cell.append(f"\nfound in {inert(hit.found_in)}", style="italic")
        cell.append(f"\n{inert(hit.url)}", style="dim")
        # Text cells, never str: rich would parse stored text as console markup.
        plain = [Text(inert(value or "")) for value in (hit.published_at, hit.speaker, hit.site, hit.status)]
        table.add_row(str(i), cell, *plain)
    _console().print(table)
    return EXIT_OK


@_guarded
def cmd_stats(args: argparse.Namespace) -> int:
    from storage.stats import archive_stats

    with _archive(args) as sessions, sessions() as session:
        stats = archive_stats(session)
    if args.format == "json":
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return EXIT_OK
    from rich.table import Table

    console = _console()
    size = stats["storage"]
    console.print(f"{stats['articles']} articles, {stats['versions']} versions, "
                  f"{stats['fetches']} fetches, {stats['crawl_runs']} crawl runs")
    console.print(f"storage: {size['bodies']} distinct bodies; fetched {_bytes(size['fetched_bytes'])}, "
                  f"distinct raw {_bytes(size['raw_bytes'])}, stored (zstd) {_bytes(size['compressed_bytes'])}")
    for title, rows, columns in (
        ("per site", stats["per_site"], ("site", "name", "region", "articles", "live", "removed", "versions")),
        ("per year", stats["per_year"], ("year", "articles")),
        ("per speaker", stats["per_speaker"], ("speaker", "articles")),
    ):
        table = Table(title=title)
        for c in columns:
            table.add_column(c, justify="right" if c in ("articles", "live", "removed", "versions") else "left")
        for row in rows:
            table.add_row(*(inert(str(row.get(c) or "")) if row.get(c) != 0 else "0" for c in columns))
        console.print(table)
    return EXIT_OK


def _bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@_guarded
def cmd_runs(args: argparse.Namespace) -> int:
    from storage import repository
    from storage.types import utc_iso

    with _archive(args) as sessions, sessions() as session:
        runs = [
            {"id": r.id, "started_at": utc_iso(r.started_at), "finished_at": utc_iso(r.finished_at),
             "outcome": r.outcome, "software_version": r.software_version, "host": r.host,
             "pid": r.pid, "args": r.args, "stats": r.stats, "sites_summary": r.sites_summary}
            for r in repository.iter_runs(session, args.limit)
        ]
    if args.format == "jsonl":
        for run in runs:
            print(json.dumps(run, ensure_ascii=False, default=str))
        return EXIT_OK
    from rich.table import Table

    table = Table(title="crawl runs (newest first)")
    for c in ("run", "started", "finished", "outcome", "sites", "software", "host/pid", "args", "stats"):
        table.add_column(c, overflow="fold")
    for run in runs:
        # Each site's own outcome (issue #17: an interrupted run's sites are not "ok").
        sites = "\n".join(f"{slug}: {(summary or {}).get('outcome', '?')}"
                          for slug, summary in sorted((run["sites_summary"] or {}).items()))
        table.add_row(
            str(run["id"]), run["started_at"] or "", run["finished_at"] or "-", run["outcome"], sites,
            run["software_version"], f"{run['host']}/{run['pid']}",
            json.dumps(run["args"], ensure_ascii=False),
            "\n".join(f"{k}: {v}" for k, v in _key_stats(run["stats"] or {})),
        )
    _console().print(table)
    return EXIT_OK


# The numbers an operator looks at first; the rest is in `runs --format jsonl`.
KEY_STATS = ("archiver/storage/new", "archiver/storage/updated", "archiver/storage/unchanged",
             "archiver/storage/removed", "archiver/storage/errors", "downloader/request_count",
             "downloader/response_status_count/200", "downloader/response_status_count/404",
             "archiver/column", "retry/max_reached", "log_count/ERROR", "elapsed_time_seconds")


def _key_stats(stats: dict[str, Any]) -> list[tuple[str, Any]]:
    picked = [(k, v) for k, v in stats.items()
              if any(k == key or k.startswith(key + "/") for key in KEY_STATS)]
    picked.sort(key=lambda kv: next(i for i, key in enumerate(KEY_STATS) if kv[0].startswith(key)))
    return picked


@_guarded
def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from storage import db

    url = options.database_url(args.db, create=True)
    options.check_archive(url)
    try:
        db.upgrade(url)
    except Exception as exc:  # noqa: BLE001
        damaged = options.unwritable_folder(url) or options.describe_database_error(exc)
        if damaged:
            raise ArchiveError(damaged) from exc
        raise UsageError(f"upgrade failed: {type(exc).__name__}: {exc}") from exc
    print(f"schema at {db.current_revision(url)}", file=sys.stderr)
    return EXIT_OK


@_guarded
def cmd_db_current(args: argparse.Namespace) -> int:
    from storage import db

    url = _url(args)
    path = options.sqlite_file(url)
    if path is not None and not path.exists():  # say so without creating the file
        print("(empty database)")
        return EXIT_OK
    options.check_archive(url, max_bytes=options.READ_CHECK_MAX_BYTES)
    print(db.current_revision(url) or "(empty database)")
    return EXIT_OK
