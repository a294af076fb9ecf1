"""Issue #8: one worker vs two on the replica, with and without a politeness delay.

The replica serves its sites (``--scale`` articles each, 21 by default) and answers every request after
``--server-delay`` seconds (its ``slow`` fault), like a slow government server. Each scenario
crawls them all into a fresh PostgreSQL database through Redis: ``crawl --redis`` alone (1
worker), or with one ``worker`` beside it (2 workers); first with ``--delay 0`` (politeness off,
our own server), then with ``--delay D``.

A single-process crawl (no Redis) runs first in each group, for reference. Reported per scenario: articles stored, the request window (first to last request the replica
saw, so start-up is not counted), articles per second of that window, the ratio to one worker,
and per-host spacing between consecutive requests (minimum and median over all the hosts, from
the replica's access log, robots.txt included). With a delay the spacing must never fall below
it, whatever the number of workers; the throughput is then bounded by the sites, not by us.

    .venv/bin/python bench/distributed.py [--scale 20] [--server-delay 0.2] [--delay 0.5]

Needs the PostgreSQL (``ARCHIVER_BENCH_PG_URL``, default the test server's ``test`` database,
used only to create and drop ``archiver_bench_<pid>_<n>``) and Redis (``ARCHIVER_BENCH_REDIS_URL``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from _common import ROOT, bench_env, md_table, print_machine

sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from archiver.replica.testing import ReplicaProcess  # noqa: E402
from storage.models import Article  # noqa: E402

PG_URL = os.environ.get("ARCHIVER_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("ARCHIVER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


@dataclass
class Result:
    workers: int
    delay: float
    articles: int
    window: float
    gaps: list[float]
    per_worker: dict[str, int]

    @property
    def rate(self) -> float:
        return self.articles / self.window if self.window > 0 else float("nan")


def fresh_database(admin, n: int) -> tuple[str, str]:
    name = f"archiver_bench_{os.getpid()}_{n}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return name, make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def run_scenario(replica: ReplicaProcess, db_url: str, *, workers: int, delay: float, workdir: Path) -> Result:
    """``workers`` 0 is the single-process crawl (no Redis), for reference."""
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    redis = ["--redis", REDIS_URL, "-s", f"ARCHIVER_REDIS_PREFIX={prefix}", "--idle-exit", "2"] if workers else []
    common = ["--db", db_url, "-s", "LOG_LEVEL=INFO"]
    python = [sys.executable, "-m", "archiver"]
    env = bench_env()
    replica.clear_log()
    helpers = [
        subprocess.Popen([*python, "worker", *common, *redis[:4], "--wait", "60", "--log-file", str(workdir / f"w{i}.log")],
                         env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for i in range(workers - 1)
    ]
    listings = [site["listing"] for site in replica.sites.values()]
    coordinator = subprocess.run(
        [*python, "crawl", *common, *redis, "--delay", str(delay), "--no-progress",
         "--log-file", str(workdir / "c.log"), *listings],
        env=env, cwd=workdir, capture_output=True, text=True,
    )
    for helper in helpers:
        helper.wait(timeout=120)
    if coordinator.returncode != 0:
        raise SystemExit(f"crawl failed ({coordinator.returncode}):\n{coordinator.stdout}\n{coordinator.stderr[-2000:]}")
    log = replica.access_log()
    by_host: dict[str, list[float]] = defaultdict(list)
    for entry in log:
        by_host[entry["site"]].append(entry["t"])
    gaps = []
    for stamps in by_host.values():
        stamps.sort()
        gaps += [b - a for a, b in zip(stamps, stamps[1:])]
    stamps = sorted(e["t"] for e in log)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        articles = conn.execute(select(func.count(Article.id))).scalar_one()
        stats = conn.execute(text("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")).scalar_one()
    engine.dispose()
    per_worker = {k: v for k, v in stats.items() if k.startswith("distributed/worker/")}
    if workers:  # the finished run's config and state would stay a day
        import redis as redis_client

        server = redis_client.Redis.from_url(REDIS_URL)
        stale = list(server.scan_iter(match=f"{prefix}:*"))
        if stale:
            server.delete(*stale)
        server.close()
    return Result(workers, delay, articles, stamps[-1] - stamps[0], gaps, per_worker)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=20, help="articles per replica site (default 20)")
    parser.add_argument("--server-delay", type=float, default=0.2, help="seconds the replica waits per request")
    parser.add_argument("--delay", type=float, default=0.5, help="the politeness delay scenario (seconds)")
    args = parser.parse_args()
    print_machine("Distributed crawl: 1 worker vs 2 (bench/distributed.py)")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    made: list[str] = []
    results: list[Result] = []
    try:
        with ReplicaProcess(scale=args.scale) as replica, tempfile.TemporaryDirectory() as tmp:
            replica.fault("*", None, "slow", delay=args.server_delay)
            for delay in (0.0, args.delay):
                for workers in (0, 1, 2):
                    name, db_url = fresh_database(admin, len(made))
                    made.append(name)
                    workdir = Path(tmp) / f"{workers}w-{delay}"
                    workdir.mkdir()
                    started = time.monotonic()
                    result = run_scenario(replica, db_url, workers=workers, delay=delay, workdir=workdir)
                    print(f"- {workers or 'single-process'} worker(s), --delay {delay}: {result.articles} articles in "
                          f"{time.monotonic() - started:.0f} s wall ({result.per_worker})", flush=True)
                    results.append(result)
    finally:
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    baseline = {r.delay: r.rate for r in results if r.workers == 1}
    rows = [
        [r.workers or "single process", f"{r.delay:g}", f"{args.server_delay:g}", r.articles, round(r.window, 1), round(r.rate, 2),
         f"{r.rate / baseline[r.delay]:.2f}x", f"{min(r.gaps):.3f}", f"{statistics.median(r.gaps):.3f}"]
        for r in results
    ]
    print()
    print(md_table(["workers", "--delay s", "server delay s", "articles", "request window s", "articles/s",
                    "vs 1 worker", "min per-host gap s", "median per-host gap s"], rows))


if __name__ == "__main__":
    main()
