"""What the crawler needs to know from the archive before it starts: known articles per site,
which of them are due for a revisit, and which columns need a full walk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Sequence

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from archiver.revisit import Interval, is_revisit_due
from archiver.targets import KnownArticle
from storage.files import urls_with_files
from storage.models import Article, CrawlRun, Site, Snapshot


def load_known(
    session: Session, sites: Iterable[str], *, now: datetime, intervals: Sequence[Interval]
) -> dict[str, KnownArticle]:
    sites = list(sites)
    query = (
        select(
            Article.url, Article.status, Article.etag, Article.last_modified,
            Article.first_seen_at, Article.last_seen_at, Snapshot.published_at,
        )
        .join(Site, Site.id == Article.site_id)
        .outerjoin(
            Snapshot,
            and_(Snapshot.article_id == Article.id, Snapshot.version == Article.current_version),
        )
        .where(Site.slug.in_(list(sites)))
    )
    known: dict[str, KnownArticle] = {}
    # A page can stay the same (304) while its attachment changes: articles with files are
    # revisited without validators, so their files are fetched and compared again (issue #19).
    with_files = urls_with_files(session, sites)
    for url, status, etag, last_modified, first_seen, last_seen, published_at in session.execute(query):
        if url in with_files:
            etag = last_modified = None
        due = is_revisit_due(
            published_at=published_at, first_seen_at=first_seen, last_seen_at=last_seen,
            now=now, intervals=intervals,
        )
        known[url] = KnownArticle(url=url, status=status, etag=etag, last_modified=last_modified, due=due)
    return known


@dataclass
class PreviousWalks:
    complete: dict[str, int] = field(default_factory=dict)  # listing URL -> articles listed
    entry_points: dict[str, str | dict] = field(default_factory=dict)  # listing URL -> where its list really is
    # Sites whose last run did not end ok for want of answers (timeouts, 5xx, a walk cut short):
    # the slowest of a run, started first (issue #21).
    struggled: set[str] = field(default_factory=set)


def previous_walks(session: Session, sites: Iterable[str]) -> PreviousWalks:
    """What earlier runs learnt about each column.

    ``complete``: listing URLs whose last walk ended normally (and how many articles it listed).
    Only the most recent run touching a site counts: if it was killed (never finished) or its
    walk broke off, the next run walks the whole column again so nothing is missed.
    ``entry_points``: columns whose HTML page only points at a list API (the 集约化 JSON lists):
    later runs start at the API and save a request.
    """
    wanted = set(sites)
    found = PreviousWalks()
    decided: set[str] = set()
    runs = session.execute(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(200)).scalars()
    for run in runs:
        summary = run.sites_summary or {}
        for site in wanted - decided:
            entry = summary.get(site)
            if entry is None:
                if run.finished_at is None and site in (run.args or {}).get("sites", []):
                    decided.add(site)  # killed mid-run: walk again
                continue
            decided.add(site)
            if entry.get("outcome") not in (None, "ok", "challenged"):
                found.struggled.add(site)
            for column in entry.get("complete_columns", []):
                found.complete[column] = entry.get("listed", 0)
            for column, url in (entry.get("entry_points") or {}).items():
                found.entry_points.setdefault(column, url)
        if decided == wanted:
            break
    return found
