"""Crawl from the shared frontier: the part the coordinator and every worker run alike.

``crawl_frontier`` builds the same Scrapy settings as a single-process crawl
(``archiver.runner.build_settings``) and swaps in the distributed pieces: the Redis scheduler,
the lifecycle extension and per-host politeness through Redis. ``run_worker`` is
``cppcc-archiver worker``: find the current run, check that it writes to the same archive, crawl.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Callable, Mapping, TextIO

import redis
from scrapy.settings import Settings

from archiver.distributed.keys import RunKeys
from archiver.distributed.runstate import RUNNING, RunConfig, load_known, wait_for_run
from archiver.distributed.settings import POLITENESS_ORDER, new_worker_id
from archiver.distributed.spider import DistributedColumnSpider, FrontierProcess
from archiver.report import SiteReport
from archiver.runner import CrawlRequest, build_settings, setup_logging
from archiver.spiders.column import KnownArticle

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SCHEDULER = "archiver.distributed.queue.FrontierScheduler"
LIFECYCLE = "archiver.distributed.lifecycle.FrontierLifecycle"
POLITENESS = "archiver.distributed.politeness.HostSpacingMiddleware"


@dataclass
class FrontierCrawl:
    """One process's part of a distributed run."""

    redis_url: str
    prefix: str
    keys: RunKeys
    config: RunConfig
    db_url: str
    worker: str = field(default_factory=new_worker_id)
    role: str = "worker"  # coordinator | worker
    idle_exit: float | None = None  # None: the run's
    settings: Mapping[str, Any] = field(default_factory=dict)  # this process's own -s, applied last
    log_file: str | None = None


@dataclass
class FrontierOutcome:
    finish_reason: str | None
    stats: dict[str, Any]
    reports: list[SiteReport]


def frontier_settings(crawl: FrontierCrawl) -> Settings:
    config = crawl.config
    request = CrawlRequest(
        db_url=crawl.db_url, targets=config.targets, delay=config.delay, revisit=config.revisit,
        settings={**config.settings, **crawl.settings},
    )
    settings = build_settings(request)
    distributed = {
        "SCHEDULER": SCHEDULER,
        "REDIS_URL": crawl.redis_url,
        "ARCHIVER_REDIS_PREFIX": crawl.prefix,
        "ARCHIVER_REDIS_RUN": crawl.keys.token,
        "ARCHIVER_REDIS_WORKER": crawl.worker,
        "ARCHIVER_REDIS_ROLE": crawl.role,
        "ARCHIVER_REDIS_IDLE_EXIT": crawl.idle_exit if crawl.idle_exit is not None else config.idle_exit,
        "ARCHIVER_HOST_DELAY": config.delay,
    }
    for name, value in distributed.items():
        settings.set(name, value, priority="cmdline")
    extensions = settings.getdict("EXTENSIONS")
    extensions[LIFECYCLE] = 100
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    if config.delay > 0:
        # The delay is kept per host through Redis; a local delay on top would hold a request
        # after it took the host's slot, shrinking the spacing the site sees. AutoThrottle's
        # per-process adjustments would do the same, so it is off too.
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares[POLITENESS] = POLITENESS_ORDER
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    return settings


def crawl_frontier(
    crawl: FrontierCrawl, *, known: Mapping[str, KnownArticle], on_seeded: Callable[[], None] | None = None,
) -> FrontierOutcome:
    """Run Scrapy on the shared frontier until the run is done; the coordinator seeds it."""
    settings = frontier_settings(crawl)
    process = FrontierProcess(settings)
    crawler = process.create_crawler(DistributedColumnSpider)
    process.crawl(
        crawler, targets=crawl.config.targets, run_id=crawl.config.run_id, known=known,
        revisit=crawl.config.revisit, seed=crawl.role == "coordinator", on_seeded=on_seeded,
    )
    process.start()
    spider = crawler.spider
    return FrontierOutcome(
        finish_reason=crawler.stats.get_value("finish_reason"),
        stats=dict(crawler.stats.get_stats()),
        reports=list(spider.site_reports().values()) if spider is not None else [],
    )


def check_archive(db_url: str, config: RunConfig) -> str | None:
    """Why this worker must not join (its --db is not the coordinator's archive), or None."""
    from storage.db import make_engine, make_session_factory
    from storage.models import CrawlRun

    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            run = session.get(CrawlRun, config.run_id)
            if run is None or run.outcome != RUNNING or not _same_time(run.started_at, config.started_at):
                return (f"crawl run {config.run_id} is not running in {engine.url.render_as_string()}; "
                        "give the coordinator's archive with --db")
    except Exception as exc:  # no such database, no schema, no server
        return (f"cannot read crawl run {config.run_id} from {engine.url.render_as_string()} "
                f"({type(exc).__name__}); give the coordinator's archive with --db")
    finally:
        engine.dispose()
    return None


def _same_time(stored: datetime, published: str) -> bool:
    if not published:
        return True
    if stored.tzinfo is None:  # SQLite hands back naive UTC
        stored = stored.replace(tzinfo=UTC)
    return abs((stored - datetime.fromisoformat(published)).total_seconds()) < 1


def run_worker(
    redis_url: str, db_url: str, *, prefix: str, wait: float, idle_exit: float | None,
    settings: Mapping[str, Any], log_file: str | None, out: TextIO = sys.stdout,
) -> int:
    server = redis.Redis.from_url(redis_url)
    try:
        server.ping()
    except redis.RedisError as exc:
        print(f"cppcc-archiver worker: cannot reach Redis at {redis_url}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    found = wait_for_run(server, prefix, wait=wait)
    if found is None:
        print(f"no running crawl to join under {prefix!r} (waited {wait:.0f} s)", file=out)
        return EXIT_OK
    keys, config = found
    problem = check_archive(db_url, config)
    if problem:
        print(f"cppcc-archiver worker: {problem}", file=sys.stderr)
        return EXIT_USAGE
    crawl = FrontierCrawl(
        redis_url=redis_url, prefix=prefix, keys=keys, config=config, db_url=db_url,
        idle_exit=idle_exit, settings=settings, log_file=log_file,
    )
    setup_logging(frontier_settings(crawl), log_file)
    outcome = crawl_frontier(crawl, known=load_known(server, keys))
    requests = sum(r.requests for r in outcome.reports)
    stored = sum(r.new + r.updated for r in outcome.reports)
    print(f"worker {crawl.worker}: run {config.run_id}: {requests} requests, {stored} new or changed "
          f"articles ({outcome.finish_reason})", file=out)
    return EXIT_OK if outcome.finish_reason == "finished" else EXIT_FAILED
