"""`crawl` on registry entries that know only a homepage (issue #22): discover their columns
first, never crawl the homepage as if it were a listing.

The result is cached in the archive without a new table: each run's `crawl_runs.sites_summary`
already holds one JSON report per site (archiver/report.py), and the report now carries
`discovered` ({homepage, columns, at}). The next run reuses the columns the last run of that
site crawled, unless that run found nothing there (the column stopped yielding: moved, renamed,
emptied), the homepage changed in the registry, or the entry is gone from the summary; then
discovery runs again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from archiver.discover import discover

RECENT_RUNS = 200


def cached_columns(db_url: str, profiles: Iterable) -> dict[str, dict]:
    """slug -> the `discovered` record of the last run that crawled the site, when it still
    holds (see the module docstring); sites whose cache is stale or missing are left out."""
    from storage.db import make_engine, make_session_factory
    from storage.models import CrawlRun

    wanted = {p.slug: p for p in profiles}
    found: dict[str, dict] = {}
    try:
        engine = make_engine(db_url)
        with make_session_factory(engine)() as session:
            runs = session.execute(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(RECENT_RUNS)).scalars()
            decided: set[str] = set()
            for run in runs:
                for slug, entry in (run.sites_summary or {}).items():
                    if slug not in wanted or slug in decided:
                        continue
                    decided.add(slug)
                    record = entry.get("discovered") or {}
                    if (record.get("columns") and record.get("homepage") == wanted[slug].homepage
                            and entry.get("listed", 0) > 0):
                        found[slug] = record
        engine.dispose()
    except SQLAlchemyError:
        return {}  # no archive yet (or an older schema): discover
    return found


def resolve(profiles: list, db_url: str, *, delay: float) -> dict[str, dict]:
    """slug -> {homepage, columns, at, family, problem}: cached or freshly discovered."""
    records = cached_columns(db_url, profiles)
    for profile in profiles:
        if profile.slug in records:
            records[profile.slug] = {**records[profile.slug], "cached": True}
            continue
        found = discover(profile.homepage, delay=delay)
        proposed = found.proposed if found.speech_column or any(c.speech_titles for c in found.proposed) else []
        problem = found.problem or ("" if proposed else "discovery found no column of speeches: "
                                    + "; ".join(found.notes or ["nothing proposed"]))
        families = {c.family for c in proposed}
        records[profile.slug] = {
            "homepage": profile.homepage, "columns": [c.url for c in proposed],
            "family": families.pop() if len(families) == 1 else None,
            "at": datetime.now(UTC).isoformat(timespec="seconds"), "problem": problem, "cached": False,
        }
    return records
