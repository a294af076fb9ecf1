"""Run one crawl: lock the archive, record the run, drive Scrapy, judge each site's health.

Used by ``cppcc-archiver crawl``. Everything a cron job needs is here: a refusal to start when
another crawl holds the archive, one summary line per site, and an exit code that says whether
every site was fine.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.log import configure_logging
from sqlalchemy.exc import SQLAlchemyError

from archiver import __version__
from archiver import render
from archiver import settings as default_settings
from archiver.lock import ArchiveLock, ArchiveUnusable, LockHeld
from archiver.logfile import RotatingLogFile
from archiver.report import OK, SiteReport
from archiver.spiders.column import ColumnSpider, CrawlTarget
from archiver.state import PreviousWalks, load_known, previous_walks
from storage import repository
from storage.db import make_engine, make_session_factory, upgrade
from storage.errors import short_error

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# A column whose full walk lists fewer than this share of what the last full walk listed is
# reported as shrunk: articles vanishing in bulk usually means a changed layout or a purge.
SHRINK_RATIO = 0.5


@dataclass
class CrawlRequest:
    db_url: str
    targets: list[CrawlTarget]
    delay: float = 1.0
    revisit: str = "due"
    settings: dict[str, Any] = field(default_factory=dict)
    log_file: str | None = None
    progress: bool | None = None  # None: only when stderr is a terminal
    argv: list[str] = field(default_factory=list)
    # Issue #22: slug -> the columns discovered from its homepage (archiver/discover/cache.py).
    discovery: dict[str, dict] = field(default_factory=dict)


@dataclass
class CrawlResult:
    exit_code: int
    run_id: int | None
    reports: list[SiteReport]


NO_DELAY = 0.001  # seconds: what --delay 0 means (see build_settings)


def build_settings(request: CrawlRequest) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.set("ARCHIVER_DB", request.db_url, priority="cmdline")
    settings.set("ARCHIVER_REVISIT", request.revisit, priority="cmdline")
    settings.set("DOWNLOAD_DELAY", request.delay, priority="cmdline")
    settings.set("AUTOTHROTTLE_START_DELAY", max(request.delay, 0.01), priority="cmdline")
    if request.delay <= 0:
        # Politeness explicitly switched off (tests, benchmarks against our own replica).
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    for name, value in request.settings.items():
        settings.set(name, value, priority="cmdline")
    if settings.getfloat("DOWNLOAD_DELAY") < NO_DELAY:
        # One request at a time per host holds at --delay 0 too. Scrapy's downloader (2.19)
        # hands a slot's queued requests out in a loop that only stops after one when a delay
        # is set: with none, a host got two or three requests at once (issue #21).
        settings.set("DOWNLOAD_DELAY", NO_DELAY, priority="cmdline")
    if "CONCURRENT_REQUESTS" not in request.settings:
        settings.set("CONCURRENT_REQUESTS", concurrency_for(request.targets, settings), priority="cmdline")
    render.configure(settings, request.targets)  # the browser only when some site needs it
    return settings


def concurrency_for(targets: list[CrawlTarget], settings: Settings) -> int:
    """Requests in flight for this run: one per host crawled, between the configured floor
    (CONCURRENT_REQUESTS) and ARCHIVER_MAX_CONCURRENT_REQUESTS (issue #21). Per-host politeness
    is untouched: each host still gets one request at a time and its delay."""
    hosts = {urlsplit(t.listing_url).netloc.lower() for t in targets}
    floor = settings.getint("CONCURRENT_REQUESTS")
    return max(floor, min(len(hosts), settings.getint("ARCHIVER_MAX_CONCURRENT_REQUESTS")))


def setup_logging(settings: Settings, log_file: str | None) -> None:
    configure_logging(settings)
    root = logging.getLogger()
    root.setLevel(settings.get("LOG_LEVEL", "INFO"))
    formatter = logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(formatter)
    console.setLevel(logging.WARNING if log_file else logging.INFO)
    root.addHandler(console)
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        rotating = RotatingLogFile(  # a full disk: one line, not a traceback per record (issue #15)
            log_file, maxBytes=10 * 1024 * 1024, backupCount=5, encoding="utf-8"
        )
        rotating.setFormatter(formatter)
        # Scrapy logs every scraped item (raw page bytes included) at DEBUG: keep them out of
        # the file, or one night's log outgrows the archive.
        rotating.setLevel(max(logging.INFO, logging.getLevelName(settings.get("LOG_LEVEL", "INFO"))))
        root.addHandler(rotating)


def judge_health(report: SiteReport, previous: PreviousWalks, targets: list[CrawlTarget]) -> None:
    """Add what is wrong with a site that answered: nothing listed, a shrunk column.
    ``targets``: the site's own columns (all the run's targets are filtered here, at O(targets))."""
    if report.challenged or report.listing_pages == 0:
        return
    if report.listed == 0:
        report.health.append("listing matched no articles (layout changed?)")
        return
    for target in targets:
        if target.site != report.site or target.full_walk is False:
            continue
        before = previous.complete.get(target.listing_url)
        if before and target.listing_url in report.complete_columns and report.listed < before * SHRINK_RATIO:
            report.health.append(f"column shrank from {before} to {report.listed} articles")


class NotStarting(Exception):
    """Why a crawl cannot take its archive: one line for the user, and the exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def take_archive(db_url: str) -> ArchiveLock:
    """The archive's lock, taken, with the schema upgraded under it (two first runs never race
    to create it). Shared by the single-process crawl and the distributed coordinator; raises
    ``NotStarting`` when another crawl holds it (exit 2) or the archive cannot be written (a
    read-only or vanished folder, a read-only file: exit 1, issue #15)."""
    lock = ArchiveLock(db_url)
    try:
        lock.acquire()
    except LockHeld as exc:
        raise NotStarting(str(exc), EXIT_USAGE) from None
    except ArchiveUnusable as exc:
        raise NotStarting(str(exc), EXIT_FAILED) from None
    try:
        upgrade(db_url)
    except (SQLAlchemyError, OSError) as exc:
        lock.release()
        raise NotStarting(f"cannot write to the archive: {short_error(exc)}", EXIT_FAILED) from None
    except BaseException:
        lock.release()
        raise
    return lock


def run_crawl(request: CrawlRequest, out: TextIO = sys.stdout) -> CrawlResult:
    try:
        lock = take_archive(request.db_url)
    except NotStarting as exc:
        print(f"cppcc-archiver: not starting: {exc}", file=sys.stderr)
        return CrawlResult(exc.code, None, [])
    try:
        return _run_locked(request, lock, out)
    finally:
        lock.release()


@dataclass
class PreparedRun:
    """A recorded run with what earlier runs taught about its columns (shared by the
    single-process runner and the distributed coordinator)."""

    run_id: int
    started_at: datetime
    previous: PreviousWalks
    known: dict
    targets: list[CrawlTarget]


def prepare_run(sessions, requested: list[CrawlTarget], *, revisit: str, intervals,
                run_args: dict[str, Any]) -> PreparedRun:
    sites = sorted({t.site for t in requested})
    with sessions.begin() as session:
        for target in requested:
            repository.get_or_add_site(session, target.site, base_url=target.listing_url,
                                       name=target.name, region=target.region)
        # Read before this run is recorded, so that the run does not count as an earlier one.
        previous = previous_walks(session, sites)
        run = repository.start_run(
            session,
            args={"sites": sites, "revisit": revisit, "pid": os.getpid(), "host": socket.gethostname(),
                  **run_args},
            software_version=__version__,
        )
        known = load_known(session, sites, now=datetime.now(UTC), intervals=intervals)
        run_id, started_at = run.id, run.started_at
    # A column walked to its end before may stop at the first page with nothing new, and a
    # column known to be a list API starts there.
    targets = [
        replace(t, full_walk=revisit == "all" or t.listing_url not in previous.complete,
                start_url=previous.entry_points.get(t.listing_url))
        for t in requested
    ]
    # Sites that struggled last time first: a site that hangs costs its timeouts and retries
    # (4 x 30 s) wherever it starts, so started last it sets the end of the whole run; started
    # first it overlaps everyone else's work (issue #21: 3,000 sites, the nightly's length).
    targets.sort(key=lambda t: t.site not in previous.struggled)
    return PreparedRun(run_id, started_at, previous, known, targets)


def conclude_run(sessions, prepared: PreparedRun, reports: list[SiteReport], *,
                 finish_reason: str | None, stats: dict[str, Any], out: TextIO,
                 discovery: dict[str, dict] | None = None) -> int:
    """Judge each site's health, record the run's outcome, print the summary; the exit code."""
    reports = with_discovery(reports, discovery or {})
    by_site: dict[str, list[CrawlTarget]] = defaultdict(list)
    for target in prepared.targets:  # once: every report scanning every target was O(sites^2)
        by_site[target.site].append(target)
    for report in reports:
        judge_health(report, prepared.previous, by_site[report.site])
    reason = finish_reason or "finished"
    interrupted = reason != "finished"
    mark_cut_short(reports, reason)
    if interrupted:  # SIGTERM/Ctrl-C ("shutdown"), a full disk ("disk_full"), …
        outcome = "interrupted" if reason == "shutdown" else reason
    else:
        outcome = "ok" if all(r.outcome == OK for r in reports) else "failed"
    try:
        with sessions.begin() as session:
            repository.finish_run(
                session, prepared.run_id, stats=_jsonable(stats), outcome=outcome,
                sites_summary={r.site: r.to_dict() for r in reports},
            )
    except SQLAlchemyError as exc:
        # A full disk can refuse even this row. The run then stays "running" in the archive,
        # which the next run treats as unfinished (it walks the columns again); the summary
        # below still tells the operator what happened.
        logger.error("could not record the outcome of run %s: %s", prepared.run_id, short_error(exc))
        failed_to_record = True
    else:
        failed_to_record = False
    for report in sorted(reports, key=lambda r: r.site):
        print(report.summary_line(), file=out)
    failed = [r for r in reports if r.outcome != OK]
    print(
        f"run {prepared.run_id}: {len(reports) - len(failed)}/{len(reports)} sites ok, "
        f"{sum(r.new for r in reports)} new, {sum(r.updated for r in reports)} changed, "
        f"{sum(r.removed for r in reports)} removed ({outcome})",
        file=out,
    )
    return EXIT_FAILED if failed or interrupted or failed_to_record else EXIT_OK


def mark_cut_short(reports: list[SiteReport], reason: str) -> None:
    """A crawl that did not finish says so on every site it cut short (issue #15): stopped by
    SIGTERM/Ctrl-C the sites are ``interrupted``; stopped by a full disk (or anything else)
    they are short of what was left undone, never ``ok``."""
    if reason == "finished":
        return
    for report in reports:
        if reason == "shutdown":
            report.interrupted = True
            report.short("crawl interrupted (SIGTERM/Ctrl-C): the next run walks its columns again")
        else:
            report.short(f"crawl stopped early ({reason.replace('_', ' ')})")


def _run_locked(request: CrawlRequest, lock: ArchiveLock, out: TextIO) -> CrawlResult:
    settings = build_settings(request)
    setup_logging(settings, request.log_file)
    if lock.recovered:
        logger.warning(lock.recovered)
    engine = make_engine(request.db_url)
    sessions = make_session_factory(engine)
    prepared = prepare_run(
        sessions, request.targets, revisit=request.revisit,
        intervals=settings.getlist("ARCHIVER_REVISIT_INTERVALS"),
        run_args={"argv": request.argv, "delay": request.delay},
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ColumnSpider)
    process.crawl(crawler, targets=prepared.targets, run_id=prepared.run_id, known=prepared.known,
                  revisit=request.revisit)
    if _want_progress(request):
        from archiver.progress import attach_progress

        attach_progress(crawler)
    process.start()
    spider = crawler.spider
    reports = list(spider.site_reports().values()) if spider is not None else []
    gone = lock.archive_gone()
    if gone:  # what this run stored went with the deleted file (issue #15)
        logger.error("%s: what this run stored is lost with it", gone)
        for report in reports:
            report.short(f"{gone}; nothing of this run is in the archive now")
    code = conclude_run(sessions, prepared, reports, finish_reason=crawler.stats.get_value("finish_reason"),
                        stats=crawler.stats.get_stats(), out=out, discovery=request.discovery)
    engine.dispose()
    return CrawlResult(code, prepared.run_id, reports)


def _want_progress(request: CrawlRequest) -> bool:
    if request.progress is not None:
        return request.progress
    return sys.stderr.isatty()


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in stats.items()}


def with_discovery(reports: list[SiteReport], discovery: dict[str, dict]) -> list[SiteReport]:
    """Issue #22: each report carries what discovery found (the cache for the next run); a site
    whose homepage yielded no column gets a failed report saying why (it was not crawled)."""
    by_site = {r.site: r for r in reports}
    out = list(reports)
    for slug, record in discovery.items():
        if slug in by_site:
            by_site[slug].discovered = record
        elif record.get("problem"):
            failed = SiteReport(slug, record.get("homepage", ""), discovered=record)
            failed.note(f"not crawled: {record['problem']}")
            out.append(failed)
    return out
