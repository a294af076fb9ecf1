"""Scale-out crawling: several workers share one crawl run through Redis (issue #8).

``crawl --redis URL`` (archiver.distributed.coordinator) records the run, publishes it to Redis
and seeds the shared frontier; ``worker --redis URL`` (archiver.distributed.worker) joins the
current run from any machine. See docs/DISTRIBUTED.md.

Modules: ``keys`` (Redis key names), ``queue`` (reliable frontier over scrapy-redis),
``politeness`` (per-host spacing across workers), ``runstate`` (run config, known articles,
summed reports), ``spider`` (spider and engine adaptations), ``lifecycle`` (heartbeat, idle exit,
report flushing), ``worker`` and ``coordinator``.
"""

from __future__ import annotations

from typing import Any


def run_distributed_crawl(args: Any, targets: list, db_url: str) -> int:
    from archiver.distributed.coordinator import run_distributed_crawl as run

    return run(args, targets, db_url)


__all__ = ["run_distributed_crawl"]
