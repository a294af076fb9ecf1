"""Atom feeds of what changed in the archive (issue #20).

One entry per **event**, never rewritten: a new speech (version 1), an edit (a later version
stored by a crawl, with the version numbers and a short character diff), a removal (how and
when) and a restoration. An article edited twice has three entries. Written with feedgen (a
maintained Atom/RSS writer on lxml) as a static file that a web server or a feed reader's
``file://`` reads; a cron job refreshes it after each crawl.

Versions made by ``reprocess`` (our extractor changed, not the site) are not events of the site
and are left out. The newest ``limit`` events are written (feed readers poll; a feed of 100,000
entries helps nobody); the export's filters choose which articles' events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from storage import diff
from storage.export import filter_snapshots, filter_version_fields
from storage.models import Article, ArticleEvent, Site, Snapshot

# XML 1.0 cannot carry these at all; lxml refuses them (a title with a stray \x08 on a real page).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DIFF_CHARS = 600  # of the diff shown in an edit's entry; the archive keeps every version whole
SUMMARY_CHARS = 280  # of a new speech's body shown in its entry
FEED_NS = "tag:cppcc-archiver,2026"


def xml_text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


@dataclass(frozen=True)
class Event:
    kind: str  # new | edited | removed | restored
    at: datetime
    article_id: int
    url: str
    site: str
    title: str
    key: str  # the archive's own identifier of the event
    detail: str
    versions: tuple[int, int] | None = None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def matching_articles(query: str | None):  # type: ignore[no-untyped-def]
    """Articles whose current version holds every term of ``query`` (title or body), or None.

    A plain substring test (the search command's rule, `storage/search.py`), read once per
    feed: a feed is refreshed by cron, not typed at."""
    from storage.search import parse_terms

    terms = parse_terms(query or "")
    if not terms:
        return None
    current = aliased(Snapshot)
    has = [or_(current.title.icontains(t, autoescape=True), current.body.icontains(t, autoescape=True))
           for t in terms]
    return (select(current.article_id).join(Article, (Article.id == current.article_id)
                                            & (Article.current_version == current.version))
            .where(and_(*has)))


def version_events(session: Session, *, limit: int, search: str | None = None,
                   **filters: Any) -> list[Event]:
    # Columns, not Snapshot objects: a feed of every event must not hold every body (a 20,000
    # article archive took 665 MB that way); only an edit reads two versions' fields for its diff.
    query = (
        select(Snapshot.id, Snapshot.article_id, Snapshot.version, Snapshot.title, Snapshot.created_at,
               Snapshot.speaker, Snapshot.speaker_title, Snapshot.published_at, Snapshot.source,
               func.substr(Snapshot.body, 1, SUMMARY_CHARS).label("start"), Article.url, Site.slug)
        .join(Article, Article.id == Snapshot.article_id)
        .join(Site, Site.id == Article.site_id)
        .where(Snapshot.reason == "crawl")
    )
    query = filter_snapshots(query, **{**filters, "all_versions": True})
    query = _newest(query, Snapshot, Snapshot.created_at, search=search, limit=limit)
    events = []
    for row in session.execute(query):
        at, key, title = _aware(row.created_at), f"snapshot/{row.id}", row.title or row.url
        if row.version == 1:
            events.append(Event("new", at, row.article_id, row.url, row.slug, title, key, _describe(row)))
            continue
        pair = session.execute(
            select(Snapshot.version, Snapshot.fields).where(
                Snapshot.article_id == row.article_id, Snapshot.version <= row.version)
            .order_by(Snapshot.version.desc()).limit(2)).all()
        change = diff.format_plain(pair[1].fields, pair[0].fields) if len(pair) == 2 else ""
        if len(change) > DIFF_CHARS:
            change = change[:DIFF_CHARS] + " …"
        versions = (pair[1].version if len(pair) == 2 else row.version - 1, row.version)
        events.append(Event("edited", at, row.article_id, row.url, row.slug, title, key, change, versions))
    return events


def _newest(query, entity, at, *, search: str | None, limit: int):  # type: ignore[no-untyped-def]
    """Events (rows of ``entity``, dated by ``at``) of the articles ``search`` matches, the
    newest ``limit`` of them (all when 0)."""
    matching = matching_articles(search)
    if matching is not None:
        query = query.where(entity.article_id.in_(matching))
    if limit:
        query = query.order_by(at.desc(), entity.id.desc()).limit(limit)
    return query


def status_events(session: Session, *, limit: int, search: str | None = None,
                  **filters: Any) -> list[Event]:
    current = aliased(Snapshot)
    query = (
        select(ArticleEvent, Article.url, Site.slug, current.title)
        .join(Article, Article.id == ArticleEvent.article_id)
        .join(Site, Site.id == Article.site_id)
        .join(current, (current.article_id == Article.id) & (current.version == Article.current_version))
    )
    query = _filter_current(query, current, **filters)
    query = _newest(query, ArticleEvent, ArticleEvent.at, search=search, limit=limit)
    events = []
    for event, url, slug, title in session.execute(query):
        what = f"{event.kind} ({event.how})" if event.how else event.kind
        events.append(Event(event.kind, _aware(event.at), event.article_id, url, slug, title or url,
                            f"event/{event.id}", f"{what} at {_aware(event.at).isoformat()}"))
    return events


def _filter_current(query, current, *, site=None, since=None, until=None, speaker=None,  # type: ignore[no-untyped-def]
                    changed_since=None, all_versions=None):
    """The export's filters on a status event: the article's current version decides."""
    query = filter_version_fields(query, current, site=site, since=since, until=until, speaker=speaker)
    if changed_since is not None:
        query = query.where(ArticleEvent.at >= changed_since)
    return query


def _describe(row: Any) -> str:
    parts = [f"{k}: {v}" for k, v in (("speaker", row.speaker), ("post", row.speaker_title),
                                       ("published", row.published_at), ("source", row.source)) if v]
    return "\n".join([*parts, row.start or ""])


TITLES = {"new": "New", "edited": "Edited", "removed": "Removed", "restored": "Restored"}


def entry_title(event: Event) -> str:
    label = TITLES.get(event.kind, event.kind)
    if event.versions:
        label += f" v{event.versions[0]}→v{event.versions[1]}"
    return xml_text(f"{label}: {event.title}")


def build_feed(session: Session, *, feed_id: str, title: str, self_link: str | None,
               limit: int = 500, **filters: Any) -> tuple[bytes, int]:
    """The Atom document and its number of entries, newest event first."""
    from feedgen.feed import FeedGenerator

    events = version_events(session, limit=limit, **filters) + status_events(session, limit=limit, **filters)
    events.sort(key=lambda e: (e.at, e.key), reverse=True)
    if limit:
        events = events[:limit]
    fg = FeedGenerator()
    fg.id(f"{FEED_NS}:feed/{feed_id}")
    fg.title(xml_text(title))
    fg.author({"name": "cppcc-archiver"})
    fg.generator("cppcc-archiver (feedgen)")
    fg.updated(events[0].at if events else datetime(1970, 1, 1, tzinfo=UTC))
    if self_link:
        fg.link(href=self_link, rel="self")
    fg.link(href="https://github.com/cppcc-archiver/cppcc-archiver", rel="alternate")
    for event in reversed(events):  # feedgen prepends: oldest first in, newest first out
        entry = fg.add_entry()
        entry.id(f"{FEED_NS}:{event.key}")
        entry.title(entry_title(event))
        entry.updated(event.at)
        entry.published(event.at)
        entry.link(href=event.url, rel="alternate")
        entry.category(term=event.kind)
        entry.category(term=f"site:{event.site}")
        entry.content(xml_text(f"{event.url}\n{event.detail}"), type="text")
    return fg.atom_str(pretty=True), len(events)
