"""Settings of distributed crawls (``-s NAME=VALUE`` on ``crawl --redis`` and ``worker``).

User-facing:
- ``ARCHIVER_REDIS_PREFIX``: key prefix, so that several deployments (or tests) share a Redis.
- ``ARCHIVER_REDIS_LEASE``: seconds a worker's claim on its in-flight requests lasts without a
  heartbeat; a SIGKILLed worker's requests return to the queue after at most this long.
- ``ARCHIVER_REDIS_FLUSH_INTERVAL``: seconds between flushes of a worker's report counters.
- ``ARCHIVER_REDIS_PREFETCH``: most requests one worker holds at a time (taken from the shared
  queue and not yet done); more makes one worker hoard what others could do.
- ``ARCHIVER_REDIS_PER_HOST``: most requests to one host one worker holds (default 1 with a
  delay, when requests to a host go one at a time anyway; 0, no limit, without).

Internal (set by archiver.distributed.worker for the Scrapy components): ``ARCHIVER_REDIS_RUN``
(the run token), ``ARCHIVER_REDIS_WORKER`` (this worker's id), ``ARCHIVER_REDIS_ROLE``
(coordinator | worker), ``ARCHIVER_REDIS_IDLE_EXIT`` and ``ARCHIVER_HOST_DELAY`` (the run's
``--delay``, enforced per host through Redis).
"""

from __future__ import annotations

import os
import socket
import uuid

from archiver.distributed.keys import DEFAULT_PREFIX, RunKeys

DEFAULT_LEASE = 60.0
DEFAULT_FLUSH_INTERVAL = 2.0
DEFAULT_PREFETCH = 8
# Downloader middleware order: last before the download handler, so that the host slot is taken
# as late as possible (after robots.txt, retries' backoff and everything else).
POLITENESS_ORDER = 990


def prefix(settings) -> str:  # type: ignore[no-untyped-def]
    return settings.get("ARCHIVER_REDIS_PREFIX") or DEFAULT_PREFIX


def run_keys(settings) -> RunKeys:  # type: ignore[no-untyped-def]
    token = settings.get("ARCHIVER_REDIS_RUN")
    if not token:
        raise ValueError("ARCHIVER_REDIS_RUN is not set: the frontier needs a crawl run")
    return RunKeys(prefix(settings), token)


def worker_id(settings) -> str:  # type: ignore[no-untyped-def]
    return settings.get("ARCHIVER_REDIS_WORKER") or new_worker_id()


def lease_seconds(settings) -> float:  # type: ignore[no-untyped-def]
    return settings.getfloat("ARCHIVER_REDIS_LEASE", DEFAULT_LEASE)


def new_worker_id() -> str:
    """Readable in `redis-cli` and logs: host, pid, and a random part against pid reuse."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
