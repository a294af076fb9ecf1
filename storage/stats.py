"""Archive statistics: what is in it, per site, year and speaker, and what it costs on disk."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from storage.models import Article, Body, CrawlRun, Fetch, Site, Snapshot


def archive_stats(session: Session, *, top_speakers: int = 30) -> dict[str, Any]:
    """Counts per site / publication year / speaker, and raw vs compressed storage size."""
    current = (Snapshot.article_id == Article.id) & (Snapshot.version == Article.current_version)
    per_site = [
        {"site": slug, "name": name, "region": region, "articles": n, "live": live or 0,
         "removed": removed or 0, "versions": versions or 0}
        for slug, name, region, n, live, removed, versions in session.execute(
            select(
                Site.slug, Site.name, Site.region, func.count(Article.id),
                func.sum(case((Article.status == "live", 1), else_=0)),
                func.sum(case((Article.status == "removed", 1), else_=0)),
                func.sum(Article.current_version),
            )
            .join(Article, Article.site_id == Site.id)
            .group_by(Site.slug, Site.name, Site.region)
            .order_by(Site.slug)
        )
    ]
    year = func.substr(Snapshot.published_at, 1, 4)
    per_year = [
        {"year": y or "unknown", "articles": n}
        for y, n in session.execute(
            select(year, func.count()).select_from(Article).join(Snapshot, current)
            .group_by(year).order_by(year)
        )
    ]
    per_speaker = [
        {"speaker": s, "articles": n}
        for s, n in session.execute(
            select(Snapshot.speaker, func.count()).select_from(Article).join(Snapshot, current)
            .where(Snapshot.speaker.is_not(None))
            .group_by(Snapshot.speaker).order_by(func.count().desc(), Snapshot.speaker)
            .limit(top_speakers)
        )
    ]
    bodies, raw, compressed = session.execute(
        select(func.count(), func.coalesce(func.sum(Body.size), 0),
               func.coalesce(func.sum(Body.compressed_size), 0))
    ).one()
    fetched = session.scalar(
        select(func.coalesce(func.sum(Body.size), 0)).select_from(Fetch)
        .join(Body, Body.sha256 == Fetch.body_sha256)
    )
    return {
        "articles": session.scalar(select(func.count()).select_from(Article)) or 0,
        "versions": session.scalar(select(func.count()).select_from(Snapshot)) or 0,
        "fetches": session.scalar(select(func.count()).select_from(Fetch)) or 0,
        "crawl_runs": session.scalar(select(func.count()).select_from(CrawlRun)) or 0,
        "per_site": per_site,
        "per_year": per_year,
        "per_speaker": per_speaker,
        "storage": {
            "bodies": bodies,
            "fetched_bytes": int(fetched or 0),  # what every fetch received, duplicates included
            "raw_bytes": int(raw),  # distinct bodies, uncompressed
            "compressed_bytes": int(compressed),  # what the archive actually stores
        },
    }
