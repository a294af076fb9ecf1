"""Ranked full-text search over the current version of every article (titles and bodies).

Chinese has no spaces between words, so word tokenizers are useless without a segmenter. Both
backends use character trigrams instead, which match any substring of 3+ characters:

* SQLite: the FTS5 ``snapshot_search`` table (``tokenize='trigram'``, kept in sync by triggers
  on ``snapshots``; see the initial migration), ranked by ``bm25`` with titles weighted 10x;
* PostgreSQL: ``ILIKE`` served by ``pg_trgm`` GIN indexes on title and body.

Trigrams cannot match 1-2 character queries (``政协``), so those use ``LIKE`` (a scan; fine for
an archive of this size). Whatever the path, an article whose *title* contains every term ranks
above those that only mention it in the body. Queries are data, never syntax: terms are bound
parameters, FTS phrases are quoted, and ``%``/``_`` are escaped for LIKE.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, column, desc, func, literal_column, or_, select, table, text
from sqlalchemy.orm import Session

from storage.export import filter_snapshots
from storage.models import Article, Site, Snapshot

MARK_START, MARK_END = "\x02", "\x03"  # highlight markers inside snippets
SNIPPET_CONTEXT = 40
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
FTS = table("snapshot_search", column("rowid"))  # SQLite only; made by the migration


@dataclass(frozen=True)
class SearchHit:
    snapshot_id: int
    url: str
    site: str
    title: str | None
    published_at: str | None
    speaker: str | None
    status: str
    title_hit: bool
    snippet: str  # with MARK_START/MARK_END around each match

    def snippet_plain(self) -> str:
        return self.snippet.replace(MARK_START, "").replace(MARK_END, "")


def parse_terms(query: str) -> list[str]:
    """Whitespace-separated terms (all must match), NFC-normalised; duplicates dropped."""
    terms: list[str] = []
    for term in unicodedata.normalize("NFC", query).split():
        if term not in terms:
            terms.append(term)
    return terms


def fts_phrase(term: str) -> str:
    """An FTS5 string literal: matched as a substring by the trigram tokenizer, never as syntax."""
    return '"' + term.replace('"', '""') + '"'


def make_snippet(title: str | None, body: str | None, terms: list[str], *, context: int = SNIPPET_CONTEXT) -> str:
    """A passage of the body around the first match, every match wrapped in markers."""
    text_ = body or ""
    lowered = text_.lower()
    positions = [lowered.find(t.lower()) for t in terms if t]
    positions = [p for p in positions if p >= 0]
    if positions:
        first = min(positions)
        start, end = max(0, first - context), min(len(text_), first + context * 2)
    else:
        start, end = 0, min(len(text_), context * 2)
    passage = text_[start:end].replace("\n", " ")
    passage = ("…" if start > 0 else "") + passage + ("…" if end < len(text_) else "")
    return highlight(passage, terms)


def highlight(value: str, terms: list[str]) -> str:
    if not terms:
        return value
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    return pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", value)


def _base(**filters: Any):  # type: ignore[no-untyped-def]
    query = (
        select(
            Snapshot.id, Snapshot.title, Snapshot.body, Snapshot.published_at, Snapshot.speaker,
            Article.url, Article.status, Site.slug,
        )
        .join(Article, Article.id == Snapshot.article_id)
        .join(Site, Site.id == Article.site_id)
    )
    return filter_snapshots(query, all_versions=False, **filters)


def _title_hit(terms: list[str]):  # type: ignore[no-untyped-def]
    return case(
        (and_(*[func.lower(Snapshot.title).contains(t.lower(), autoescape=True) for t in terms]), 1),
        else_=0,
    )


def _occurrences(term: str):  # type: ignore[no-untyped-def]
    body = func.coalesce(Snapshot.body, "")
    return (func.length(body) - func.length(func.replace(body, term, ""))) / len(term)


def search(
    session: Session,
    query: str,
    *,
    site: str | None = None,
    speaker: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Articles matching every term of ``query`` (title or body), best first.

    An empty ``query`` lists the articles that pass the filters, newest first (``--speaker``
    alone lists a speaker's speeches).
    """
    terms = parse_terms(query)
    filters = {"site": site, "speaker": speaker, "since": since, "until": until}
    sql = _base(**filters)
    if not terms:
        sql = sql.order_by(desc(func.coalesce(Snapshot.published_at, "")), Snapshot.id.desc())
    else:
        title_hit = _title_hit(terms).label("title_hit")
        sql = sql.add_columns(title_hit)
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite" and all(len(t) >= 3 for t in terms):
            match = " AND ".join(fts_phrase(t) for t in terms)
            rank = literal_column(f"bm25(snapshot_search, {TITLE_WEIGHT}, {BODY_WEIGHT})")
            sql = (
                sql.join(FTS, FTS.c.rowid == Snapshot.id)
                .where(text("snapshot_search MATCH :match").bindparams(match=match))
                .order_by(desc(title_hit), rank, desc(func.coalesce(Snapshot.published_at, "")))
            )
        else:
            for t in terms:
                sql = sql.where(or_(
                    Snapshot.title.icontains(t, autoescape=True),
                    Snapshot.body.icontains(t, autoescape=True),
                ))
            score = sum((_occurrences(t) for t in terms[1:]), _occurrences(terms[0]))
            sql = sql.order_by(desc(title_hit), desc(score), desc(func.coalesce(Snapshot.published_at, "")))
    rows = session.execute(sql.limit(limit)).all()
    return [
        SearchHit(
            snapshot_id=row.id, url=row.url, site=row.slug, title=row.title,
            published_at=row.published_at, speaker=row.speaker, status=row.status,
            title_hit=bool(getattr(row, "title_hit", 0)),
            snippet=make_snippet(row.title, row.body, terms),
        )
        for row in rows
    ]
