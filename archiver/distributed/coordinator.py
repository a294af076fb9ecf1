"""``cppcc-archiver crawl --redis URL``: start a distributed run, crawl in it, finish it.

The coordinator does what ``archiver.runner`` does for a single-process crawl, with the same
code paths (archive lock, ``start_run``, known articles and completed columns from
``archiver.state``, ``judge_health``, ``finish_run``, the summary and the exit code), and in
between publishes the run to Redis, seeds the shared frontier and crawls from it like any
worker. When the frontier has been empty for ``--idle-exit`` seconds it marks the run
``draining``, waits for the other workers to flush their reports and leave, then records the
sum of every worker's reports as the run's outcome.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any, TextIO
from urllib.parse import urlsplit, urlunsplit

import redis

from archiver.distributed.keys import DEFAULT_PREFIX, RunKeys, current_key
from archiver.distributed.queue import Frontier
from archiver.distributed.runstate import (
    DRAINING, FINISHED, INTERRUPTED, RUNNING, STOPPING, RunConfig, current_run, merged_reports, merged_stats,
    publish_run, run_state, settle_columns,
)
from archiver.distributed.settings import DEFAULT_LEASE, new_worker_id
from archiver.distributed.worker import FrontierCrawl, crawl_frontier, frontier_settings
from archiver.lock import ArchiveLock
from archiver.runner import EXIT_USAGE, NotStarting, conclude_run, prepare_run, setup_logging, take_archive
from archiver.spiders.column import CrawlTarget
from storage.db import make_engine, make_session_factory

logger = logging.getLogger(__name__)

KEEP_FINISHED = 24 * 3600  # seconds the finished run's config and state stay readable in Redis


def run_distributed_crawl(args: Any, targets: list[CrawlTarget], db_url: str, out: TextIO = sys.stdout) -> int:
    settings = dict(args.settings)
    prefix = settings.get("ARCHIVER_REDIS_PREFIX") or DEFAULT_PREFIX
    server = redis.Redis.from_url(args.redis)
    try:
        server.ping()
    except redis.RedisError as exc:
        print(f"cppcc-archiver crawl: cannot reach Redis at {redact(args.redis)}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    busy = live_run(server, prefix)
    if busy:
        print(f"cppcc-archiver crawl: not starting: {busy}", file=sys.stderr)
        return EXIT_USAGE
    try:
        lock = take_archive(db_url)
    except NotStarting as exc:  # held by another crawl, or a read-only/vanished archive folder
        print(f"cppcc-archiver crawl: not starting: {exc}", file=sys.stderr)
        return exc.code
    try:
        return _coordinate(args, targets, db_url, server, prefix, lock, out)
    finally:
        lock.release()


def live_run(server: Any, prefix: str) -> str | None:
    """Why a new run must not start under ``prefix``: another run's workers are alive."""
    found = current_run(server, prefix)
    if found is None or run_state(server, found[0]) not in (RUNNING, DRAINING, STOPPING):
        return None
    keys, config = found
    Frontier(server, keys, "-").reap()  # forget workers whose lease ran out
    alive = [w.decode() for w in server.zrange(keys.workers, 0, -1)]
    if not alive:
        logger.warning("run %s under %r was left running by a dead coordinator; starting anew",
                       config.run_id, prefix)
        server.set(keys.state, INTERRUPTED)
        return None
    return (f"a distributed crawl (run {config.run_id}) is running under Redis prefix {prefix!r} "
            f"with workers {', '.join(alive)}")


def _coordinate(args: Any, targets: list[CrawlTarget], db_url: str, server: Any, prefix: str,
                lock: ArchiveLock, out: TextIO) -> int:
    worker = new_worker_id()
    draft = RunConfig(run_id=0, token="", targets=targets, revisit=args.revisit, delay=args.delay,
                      idle_exit=args.idle_exit, settings=dict(args.settings), coordinator=worker)
    log_file = args.log_file
    if log_file is None:
        from archiver.logfile import default_log_file

        log_file = default_log_file(db_url)
    base = FrontierCrawl(redis_url=args.redis, prefix=prefix, keys=RunKeys(prefix, "-"), config=draft,
                         db_url=db_url, worker=worker, role="coordinator", log_file=log_file)
    scrapy_settings = frontier_settings(base)
    setup_logging(scrapy_settings, log_file)
    if lock.recovered:
        logger.warning(lock.recovered)
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    prepared = prepare_run(
        sessions, targets, revisit=args.revisit,
        intervals=scrapy_settings.getlist("ARCHIVER_REVISIT_INTERVALS"),
        run_args={"argv": sys.argv[1:], "delay": args.delay, "redis": redact(args.redis),
                  "redis_prefix": prefix, "coordinator": worker},
    )
    run_id, started_at, known, targets = prepared.run_id, prepared.started_at, prepared.known, prepared.targets
    keys = RunKeys(prefix, f"{run_id}-{uuid.uuid4().hex[:8]}")
    config = RunConfig(run_id=run_id, token=keys.token, targets=targets, revisit=args.revisit,
                       delay=args.delay, idle_exit=args.idle_exit, settings=dict(args.settings),
                       started_at=_aware(started_at).isoformat(), coordinator=worker)
    publish_run(server, keys, config, known)
    logger.info("distributed run %s published under %s; workers may join", run_id, keys.base)
    crawl = FrontierCrawl(redis_url=args.redis, prefix=prefix, keys=keys, config=config, db_url=db_url,
                          worker=worker, role="coordinator", log_file=log_file)
    try:
        outcome = crawl_frontier(crawl, known=known, on_seeded=lambda: server.set(keys.seeded, 1))
    except BaseException:
        server.set(keys.state, STOPPING)
        raise
    reason = outcome.finish_reason or "finished"
    interrupted = reason != "finished"
    if interrupted:  # Ctrl-C/SIGTERM ("shutdown"), a full disk ("disk_full"), …: the others stop too
        server.set(keys.state, STOPPING)
    lease = scrapy_settings.getfloat("ARCHIVER_REDIS_LEASE", DEFAULT_LEASE)
    stragglers = wait_for_workers(server, keys, worker, timeout=lease + args.idle_exit + 10)
    stats = merged_stats(server, keys)
    reports = merged_reports(server, keys, targets, stats)
    settle_columns(server, keys, reports)  # before close_run drops what no writer confirmed
    # The coordinator's own texts and times (finish_reason, start_time…); lists were summed.
    stats.update({k: v for k, v in outcome.stats.items() if not isinstance(v, (int, float, list))})
    workers = worker_summaries(server, keys)
    stats["distributed/workers"] = len(workers)
    for info in workers:
        stats[f"distributed/worker/{info['id']}/requests"] = int(info.get("requests", 0))
    if stragglers:
        stats["distributed/stragglers"] = stragglers
    close_run(server, keys, INTERRUPTED if interrupted else FINISHED)
    code = conclude_run(sessions, prepared, reports, finish_reason=reason, stats=stats, out=out,
                        discovery=getattr(args, "discovery", None))  # issue #22
    engine.dispose()
    print("workers: " + "; ".join(f"{w['id']} ({w.get('role', 'worker')}) {w.get('requests', 0)} requests"
                                  for w in workers), file=out)
    return code


def wait_for_workers(server: Any, keys: RunKeys, me: str, *, timeout: float) -> list[str]:
    """Wait until every other worker has flushed and left (or died); the ones still there."""
    frontier = Frontier(server, keys, me)
    deadline = time.monotonic() + timeout
    while True:
        frontier.reap()
        others = [w.decode() for w in server.zrange(keys.workers, 0, -1) if w.decode() != me]
        if not others:
            return []
        if time.monotonic() >= deadline:
            logger.warning("workers %s did not leave in time; their last counters may be missing",
                           ", ".join(others))
            return others
        time.sleep(0.25)


def worker_summaries(server: Any, keys: RunKeys) -> list[dict[str, Any]]:
    summaries = []
    for raw in sorted(server.smembers(keys.done)):
        worker = raw.decode()
        info = {k.decode(): v.decode() for k, v in server.hgetall(keys.worker_info(worker)).items()}
        summaries.append({"id": worker, **info})
    return summaries


def close_run(server: Any, keys: RunKeys, state: str) -> None:
    """Drop the run's frontier and tallies; keep its config and state for a day."""
    server.set(keys.state, state)
    keep = {keys.config, keys.state}
    doomed = [k for k in server.scan_iter(match=f"{keys.base}:*", count=1000) if k.decode() not in keep]
    for start in range(0, len(doomed), 500):
        server.delete(*doomed[start:start + 500])
    for key in keep:
        server.expire(key, KEEP_FINISHED)
    current = server.get(current_key(keys.prefix))
    if current is not None and current.decode() == keys.token:
        server.delete(current_key(keys.prefix))


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


