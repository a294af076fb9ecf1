"""A worker's life in a shared run: join, keep the lease, add up reports, leave when done.

A Scrapy extension (built from the crawler, off unless ``ARCHIVER_REDIS_RUN`` is set):

- a heartbeat *thread* renews this worker's lease and reaps dead workers (their in-flight
  requests go back to the queue). A thread, so that a long synchronous step in the reactor (a
  slow database commit) does not make a live worker look dead;
- the worker's report and stats changes are added to the run's totals before every
  acknowledgement (so a killed worker's counters are not lost with it) and every
  ``ARCHIVER_REDIS_FLUSH_INTERVAL`` seconds; a run interrupted by its coordinator stops the worker;
- when the worker runs out of work, it stays open while any request is queued or in flight
  anywhere (another worker's output may still feed it) and closes after the frontier was empty
  for ``ARCHIVER_REDIS_IDLE_EXIT`` seconds. The coordinator then marks the run ``draining`` so
  that the others close at once;
- on close: a last flush, unfinished requests back to the queue (the scheduler), then it leaves.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis import connection
from twisted.internet.task import LoopingCall

from archiver.distributed.queue import Frontier, before_ack
from archiver.distributed.runstate import CLOSED, DRAINING, STOPPING, ReportLedger, run_state
from archiver.distributed.settings import DEFAULT_FLUSH_INTERVAL, lease_seconds, run_keys, worker_id

logger = logging.getLogger(__name__)


class FrontierLifecycle:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.server = connection.from_settings(settings)
        self.keys = run_keys(settings)
        self.worker = worker_id(settings)
        self.role = settings.get("ARCHIVER_REDIS_ROLE", "worker")
        self.lease = lease_seconds(settings)
        self.idle_exit = settings.getfloat("ARCHIVER_REDIS_IDLE_EXIT", 30.0)
        self.flush_interval = settings.getfloat("ARCHIVER_REDIS_FLUSH_INTERVAL", DEFAULT_FLUSH_INTERVAL)
        self.frontier = Frontier(self.server, self.keys, self.worker, lease=self.lease)
        self.ledger = ReportLedger(self.server, self.keys)
        self.idle_since: float | None = None
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.flusher: LoopingCall | None = None
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> "FrontierLifecycle":
        if not crawler.settings.get("ARCHIVER_REDIS_RUN"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.flush, signal=before_ack)
        return ext

    # -- joining and leaving -------------------------------------------------------------------
    def spider_opened(self, spider: Any) -> None:
        if run_state(self.server, self.keys) in CLOSED:
            # Joined as the run ended: its outcome is recorded, take part in nothing.
            self.closing = True
            logger.warning("run %s ended while this worker started; leaving", self.keys.token)
            return
        self.server.hset(self.keys.worker_info(self.worker), mapping={
            "host": socket.gethostname(), "pid": os.getpid(), "role": self.role,
            "started_at": datetime.now(UTC).isoformat(),
        })
        self.frontier.heartbeat()
        self.thread = threading.Thread(target=self._beat, name="frontier-heartbeat", daemon=True)
        self.thread.start()
        self.flusher = LoopingCall(self._flush_and_check)
        self.flusher.start(self.flush_interval, now=False)
        logger.info("worker %s joined run %s as %s", self.worker, self.keys.token, self.role)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.flusher is not None and self.flusher.running:
            self.flusher.stop()
        if self.thread is None:  # never joined (spider_opened)
            return
        if run_state(self.server, self.keys) in CLOSED:
            logger.warning("run %s was closed before this worker left; its last counters are not "
                           "in the run's summary", self.keys.token)
            self.stopping.set()
            return
        self.flush()
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
        self.frontier.release_own(leave=True)
        reports = spider.site_reports().values()
        pipe = self.server.pipeline(transaction=True)
        pipe.hset(self.keys.worker_info(self.worker), mapping={
            "finish_reason": reason, "finished_at": datetime.now(UTC).isoformat(),
            "requests": sum(r.requests for r in reports),
        })
        pipe.sadd(self.keys.done, self.worker)
        pipe.execute()
        logger.info("worker %s left run %s (%s)", self.worker, self.keys.token, reason)

    # -- while running -------------------------------------------------------------------------
    def _beat(self) -> None:
        # Own connection: redis-py clients are thread-safe, but a slow reactor-side call must
        # not delay the lease.
        server = connection.from_settings(self.crawler.settings)
        frontier = Frontier(server, self.keys, self.worker, lease=self.lease)
        while not self.stopping.wait(self.lease / 4):
            try:
                if frontier.heartbeat():
                    logger.warning("worker %s had lost its lease (paused too long?); its requests "
                                   "may be fetched twice", self.worker)
                moved, dead = frontier.reap()
                if dead:
                    logger.warning("requeued %d in-flight requests of dead worker(s) %s",
                                   moved, ", ".join(dead))
            except Exception:  # Redis briefly away: try again on the next beat
                logger.exception("frontier heartbeat failed")

    def flush(self) -> None:
        """Add this worker's report and stats changes to the run's totals (also called by the
        scheduler before it acknowledges a request)."""
        if self.thread is None:  # never joined the run: nothing of ours belongs in it
            return
        spider = self.crawler.spider
        reports = spider.site_reports().values() if spider is not None else []
        self.ledger.flush(reports, self.crawler.stats.get_stats())

    def _flush_and_check(self) -> None:
        try:
            state = run_state(self.server, self.keys)
            if state not in CLOSED:
                self.flush()
            if not self.closing and state in (STOPPING, *CLOSED):
                self.closing = True
                logger.warning("run %s was interrupted by its coordinator; stopping", self.keys.token)
                engine = self.crawler.engine
                from scrapy.utils.defer import deferred_from_coro

                deferred_from_coro(engine.close_spider_async(reason="shutdown"))
        except Exception:
            logger.exception("could not flush the report to Redis")

    def spider_idle(self, spider: Any) -> None:
        state = run_state(self.server, self.keys)
        if state in (STOPPING, *CLOSED):
            return  # close now
        if not self.server.exists(self.keys.seeded):
            raise DontCloseSpider  # the coordinator is still queuing the start requests
        if not self.frontier.size().empty:
            self.idle_since = None
            raise DontCloseSpider
        if state == DRAINING:
            return
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_exit:
            raise DontCloseSpider
        if self.role == "coordinator":
            self.server.set(self.keys.state, DRAINING)
        logger.info("the shared frontier was empty for %.0f s: closing", self.idle_exit)
