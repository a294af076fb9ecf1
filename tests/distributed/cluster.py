"""Run a coordinator and workers as real processes, and read what they left in the archive."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select

from storage.models import Article, CrawlRun, Snapshot

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    out: Path
    err: Path

    def wait(self, timeout: float = 120) -> int:
        return self.popen.wait(timeout=timeout)

    @property
    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8")

    def describe(self) -> str:
        return f"--- {self.name} stdout:\n{self.stdout}\n--- {self.name} stderr (tail):\n{self.err.read_text()[-3000:]}"


def start(name: str, *args: str, cwd: Path) -> Proc:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ARCHIVER_DB", None)
    out, err = cwd / f"{name}.out", cwd / f"{name}.err"
    popen = subprocess.Popen([sys.executable, "-m", "archiver", *args], cwd=cwd, env=env,
                             stdout=out.open("w"), stderr=err.open("w"))
    return Proc(name, popen, out, err)


def common(redis_url: str, db_url: str, prefix: str, *extra_settings: str) -> list[str]:
    args = ["--redis", redis_url, "--db", db_url, "-s", f"ARCHIVER_REDIS_PREFIX={prefix}",
            "-s", "LOG_LEVEL=INFO"]
    for setting in extra_settings:
        args += ["-s", setting]
    return args


def coordinator(listings: list[str], *, redis_url: str, db_url: str, prefix: str, cwd: Path,
                delay: float = 0, idle_exit: float = 1, settings: tuple[str, ...] = (),
                extra: tuple[str, ...] = (), name: str = "coordinator") -> Proc:
    return start(name, "crawl", *common(redis_url, db_url, prefix, *settings),
                 "--delay", str(delay), "--idle-exit", str(idle_exit), "--no-progress",
                 "--log-file", str(cwd / f"{name}.log"), *extra, *listings, cwd=cwd)


def worker(name: str, *, redis_url: str, db_url: str, prefix: str, cwd: Path) -> Proc:
    return start(name, "worker", *common(redis_url, db_url, prefix), "--wait", "60",
                 "--log-file", str(cwd / f"{name}.log"), cwd=cwd)


def versions_by_url(db_url: str) -> dict[str, tuple[int, int]]:
    """Article URL -> (current version, number of stored versions)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Article.url, Article.current_version, func.count(Snapshot.id))
                .outerjoin(Snapshot, Snapshot.article_id == Article.id)
                .group_by(Article.url, Article.current_version)
            )
            return {url: (current, count) for url, current, count in rows}
    finally:
        engine.dispose()


def article_count(db_url: str) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count(Article.id))).scalar_one()
    except Exception:  # the schema is not there yet
        return 0
    finally:
        engine.dispose()


def last_run(db_url: str) -> CrawlRun:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).first()
    finally:
        engine.dispose()


def wait_until(predicate, *, timeout: float, what: str, poll: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(poll)


def worker_requests(stats: dict) -> dict[str, int]:
    prefix = "distributed/worker/"
    return {k[len(prefix):-len("/requests")]: v for k, v in stats.items()
            if k.startswith(prefix) and k.endswith("/requests")}


def busy_workers(redis_url: str, prefix: str, *, role: str = "worker", at_least: int = 1) -> list[str]:
    """Workers of the current run (with ``role``) holding at least ``at_least`` in-flight requests."""
    import redis

    from archiver.distributed.runstate import current_run

    server = redis.Redis.from_url(redis_url)
    try:
        found = current_run(server, prefix)
        if found is None:
            return []
        keys = found[0]
        busy = []
        for raw in server.zrange(keys.workers, 0, -1):
            worker = raw.decode()
            if server.hget(keys.worker_info(worker), "role") == role.encode() and \
                    server.hlen(keys.inflight(worker)) >= at_least:
                busy.append(worker)
        return busy
    finally:
        server.close()
