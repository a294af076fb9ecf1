"""Run `cppcc-archiver` as a user would: a real process, real arguments, real exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from archiver.replica.sites import MODELLED_SITES

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 600, env: dict | None = None,
            check: bool = False) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("ARCHIVER_DB", None) if env is None or "ARCHIVER_DB" not in env else None
    proc = subprocess.run(
        [sys.executable, "-m", "archiver", *args], cwd=cwd or ROOT, env=full_env,
        capture_output=True, text=True, timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-4000:]}")
    return proc


def crawl(db_url: str, *urls: str, cwd: Path, extra: tuple[str, ...] = (), check: bool = True):
    return run_cli("crawl", "--db", db_url, "--delay", "0", "--no-progress", *extra, *urls,
                   cwd=cwd, check=check)


def export_jsonl(db_url: str, *extra: str, cwd: Path) -> list[dict]:
    proc = run_cli("export", "--db", db_url, "--format", "jsonl", "--output", "-", *extra, cwd=cwd, check=True)
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


SPEECH_COLUMN = "领导讲话"  # every replica site's crawled column; other columns hold cross-posts


def speech_gold(replica, *, day: int = 1, site: str | None = None, status: str | None = "live",
                sites: tuple[str, ...] | None = MODELLED_SITES) -> dict[str, dict]:
    """Gold records of the speech columns (what crawling the listing URLs must find), by URL.

    ``sites``: the sites crawled (default: the six modelled families, see :func:`modelled_listings`;
    ``None`` = every replica site)."""
    return {
        g["url"]: g for g in replica.gold(day=day, site=site)
        if g["column"] == SPEECH_COLUMN and (status is None or g["status"] == status)
        and (site or sites is None or g["site"] in sites)
    }


def modelled_listings(replica) -> list[str]:
    """Listing URLs of the six modelled families' sites. Tests that crawl "every replica site"
    crawl these: the issue #14 platforms (archiver.replica.sites.NEW_SITES) have no family module
    and are only walked by the generic path, scored by bench/generic_only.py and their own tests."""
    return [site["listing"] for slug, site in replica.sites.items() if slug in MODELLED_SITES]


def last_run_stats(db_url: str) -> dict[str, Any]:
    """The Scrapy stats stored with the archive's latest crawl run (``crawl_runs.stats``)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as con:
            stats = con.execute(text("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")).scalar_one()
    finally:
        engine.dispose()
    return json.loads(stats) if isinstance(stats, str) else stats


def site_counts(stats: dict[str, Any], name: str) -> dict[str, int]:
    """``name`` (``new``, ``removed``, … of archiver/report.py's COUNTED) per site slug, from a
    run's stats: the counts its summary line prints are made from these."""
    from archiver.report import SITE_STATS

    prefix, suffix = f"{SITE_STATS}/", f"/{name}"
    return {key[len(prefix):-len(suffix)]: value for key, value in stats.items()
            if key.startswith(prefix) and key.endswith(suffix)}
