"""Ranked full-text search over the current version of every article (titles and bodies).

Chinese has no spaces between words, so word tokenizers are useless without a segmenter.

* SQLite: the FTS5 ``snapshot_grams`` index of character unigrams and bigrams
  (``storage/search_index.py``, filled by the storage layer for every new version). A term of
  one character is one unigram token, of two characters one bigram token, and a longer term a
  phrase of its overlapping bigrams, so every length is an index lookup (no scan). A term with
  punctuation or symbols in it (``100%``, ``a_b``) is looked up by its letters and digits, then
  checked literally with ``LIKE``; a term with no letter or digit at all is a ``LIKE`` scan.
* PostgreSQL: ``ILIKE`` served by ``pg_trgm`` GIN indexes on title and body (terms of 1-2
  characters cannot use a trigram index and scan).

Ranking (SQLite):

1. An article whose *title* contains every term ranks above those that only mention a term in
   the body (on every backend).
2. Within each group, when the query matches at most ``RANK_LIMIT`` (5,000) stored versions, by
   ``bm25`` with titles weighted ``TITLE_WEIGHT`` (10x) over bodies.
3. When it matches more (a common word: 政协, 委员, 讲话 are in nearly every speech), bm25 has
   nothing to say (a term in every document carries no information) and scoring every match
   would cost hundreds of milliseconds, so the groups are ordered newest first by published
   date (undated last). Those are read by walking the published-date index and probing the
   full-text index for each version, which stops as soon as the page is full; when the matches
   are too sparse for that walk to be short (fewer than about sqrt(limit x versions)), the
   matches are read from the full-text index and sorted instead.

PostgreSQL orders title hits first, then by the number of occurrences in the body, then newest
first. Filters (site, speaker, dates) apply on every path, and only current versions are
searched. Queries are data, never syntax: terms are bound parameters, cut into grams by the same
function as the indexed text and quoted as FTS5 strings, and ``%``/``_`` are escaped for LIKE.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    Select, and_, case, column, desc, exists, func, literal, literal_column, or_, select, table, text,
)
from sqlalchemy.orm import Session

from storage.export import filter_snapshots
from storage.models import Article, Site, Snapshot
from storage.search_index import TABLE, pairs, term_runs

MARK_START, MARK_END = "\x02", "\x03"  # highlight markers inside snippets
SNIPPET_CONTEXT = 40
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
# Above this many matching versions, bm25 is skipped for newest-first (module docstring, 3.):
# ranking 5,000 matches with their joins costs ~20 ms on the benchmark machine, 100,000 ~300 ms.
RANK_LIMIT = 5000
# Matches in at least 1/DENSE_SHARE of all versions are found by probing the index per version.
DENSE_SHARE = 10
# Fewer matches than this are read and sorted by date (cheaper than walking the date index).
SORT_BELOW = 1000
GRAMS = table(TABLE, column("rowid"))  # SQLite only; made by migration 0002
TITLE_COLUMNS = "{title_chars title_pairs}"


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
    found_in: str = "page"  # or "attachment <url>": the terms are only in a file (issue #19)

    def snippet_plain(self) -> str:
        return self.snippet.replace(MARK_START, "").replace(MARK_END, "")


def parse_terms(query: str) -> list[str]:
    """Whitespace-separated terms (all must match), NFC-normalised; duplicates dropped."""
    terms: list[str] = []
    for term in unicodedata.normalize("NFC", query).split():
        if term not in terms:
            terms.append(term)
    return terms


def gram_phrase(run: str) -> str:
    """The FTS5 phrase for one alphanumeric run: its character, or its overlapping pairs.

    Runs hold letters and digits only (``search_index.term_runs``), so the quotes cannot be
    closed early; they are doubled anyway, as FTS5 string syntax wants."""
    tokens = run if len(run) == 1 else " ".join(pairs(run))
    return '"' + tokens.replace('"', '""') + '"'


def is_literal(term: str) -> bool:
    """True when the grams of ``term`` do not say it all (punctuation, symbols, spaces…)."""
    return "".join(term_runs(term)) != term.lower()


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


def _ids(**filters: Any) -> Select:  # type: ignore[type-arg]
    """Current versions passing the filters (ids only: rows are read for the final page only)."""
    query = (
        select(Snapshot.id)
        .join(Article, Article.id == Snapshot.article_id)
        .join(Site, Site.id == Article.site_id)
    )
    return filter_snapshots(query, all_versions=False, **filters)


def _title_has(terms: list[str]):  # type: ignore[no-untyped-def]
    return and_(*[func.lower(Snapshot.title).contains(t.lower(), autoescape=True) for t in terms])


def _has(term: str):  # type: ignore[no-untyped-def]
    return or_(Snapshot.title.icontains(term, autoescape=True), Snapshot.body.icontains(term, autoescape=True))


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
    files: bool = True,
) -> list[SearchHit]:
    """Articles matching every term of ``query`` (title or body), best first (module docstring).

    With ``files`` (the default), articles whose attachment text holds every term follow the
    page matches, each hit saying which file (``found_in``; issue #19).

    An empty ``query`` lists the articles that pass the filters, newest first (``--speaker``
    alone lists a speaker's speeches).
    """
    terms = parse_terms(query)
    filters = {"site": site, "speaker": speaker, "since": since, "until": until}
    sqlite = session.get_bind().dialect.name == "sqlite"
    if not terms:
        newest = (desc(Snapshot.published_at) if sqlite
                  else desc(func.coalesce(Snapshot.published_at, "")))
        ranked = [(sid, False) for sid in session.execute(
            _ids(**filters).order_by(newest, Snapshot.id.desc()).limit(limit)).scalars()]
    elif sqlite and any(term_runs(t) for t in terms):
        ranked = _sqlite_ranked(session, terms, filters, limit)
    else:
        ranked = _scan_ranked(session, terms, filters, limit)
    hits = _hits(session, ranked, terms)
    if terms and files and len(hits) < limit:
        hits += _file_hits(session, terms, filters, limit - len(hits), {h.snapshot_id for h in hits})
    return hits


def _file_hits(session: Session, terms: list[str], filters: dict[str, Any], limit: int,
               seen: set[int]) -> list[SearchHit]:
    from storage.files import search_file_texts

    found: dict[int, tuple[str, str]] = {}
    for sid, url, text_ in search_file_texts(session, terms, _ids(**filters), limit + len(seen)):
        if sid not in seen and sid not in found and len(found) < limit:
            found[sid] = (url, text_)
    hits = _hits(session, [(sid, False) for sid in found], terms)
    return [replace(h, snippet=make_snippet(None, found[h.snapshot_id][1], terms),
                    found_in=f"attachment {found[h.snapshot_id][0]}") for h in hits]


def _scan_ranked(session: Session, terms: list[str], filters: dict[str, Any], limit: int) -> list[tuple[int, bool]]:
    """PostgreSQL (trigram-indexed ILIKE), and SQLite terms without a letter or digit (a scan)."""
    title_hit = case((_title_has(terms), 1), else_=0).label("title_hit")
    score = sum((_occurrences(t) for t in terms[1:]), _occurrences(terms[0]))
    sql = (
        _ids(**filters).add_columns(title_hit).where(*[_has(t) for t in terms])
        .order_by(desc(title_hit), desc(score), desc(func.coalesce(Snapshot.published_at, "")),
                  Snapshot.id.desc())
        .limit(limit)
    )
    return [(row.id, bool(row.title_hit)) for row in session.execute(sql)]


def _sqlite_ranked(session: Session, terms: list[str], filters: dict[str, Any], limit: int) -> list[tuple[int, bool]]:
    runs = [run for t in terms for run in term_runs(t)]
    everywhere = " AND ".join(gram_phrase(r) for r in runs)
    in_title = " AND ".join(f"{TITLE_COLUMNS} : {gram_phrase(r)}" for r in runs)
    # Terms the grams do not fully describe are also checked literally (and must all match).
    literal = [t for t in terms if is_literal(t)]
    base = _ids(**filters).where(*[_has(t) for t in literal])
    title_literal = _title_has(literal) if literal else None

    versions = session.scalar(select(func.max(Snapshot.id))) or 0
    dense = max(RANK_LIMIT, versions // DENSE_SHARE)
    matches = _count(session, everywhere, dense)
    if matches < RANK_LIMIT or literal:
        return _by_bm25(session, base, everywhere, in_title, title_literal, limit)
    # A common query: title hits newest first, then body hits newest first.
    title_matches = _count(session, in_title, dense)
    ranked = [(sid, True) for sid in _newest(session, base, in_title, title_matches, dense, limit=limit)]
    if len(ranked) < limit:
        exclude = (in_title, title_matches) if title_matches else None
        body_only = _newest(session, base, everywhere, matches, dense, limit=limit - len(ranked),
                            exclude=exclude)
        ranked += [(sid, False) for sid in body_only]
    return ranked


def _match(name: str, value: str):  # type: ignore[no-untyped-def]
    return text(f"{TABLE} MATCH :{name}").bindparams(**{name: value})


def _rowids(name: str, value: str):  # type: ignore[no-untyped-def]
    return select(GRAMS.c.rowid).where(_match(name, value)).correlate(None)


def _count(session: Session, match: str, cap: int) -> int:
    """How many stored versions match, counting no further than ``cap`` (cheap when common)."""
    capped = select(GRAMS.c.rowid).where(_match("m", match)).limit(cap).subquery()
    return session.scalar(select(func.count()).select_from(capped)) or 0


def _by_bm25(session, base, everywhere, in_title, title_literal, limit):  # type: ignore[no-untyped-def]
    title_hit = Snapshot.id.in_(_rowids("t", in_title))
    if title_literal is not None:
        title_hit = and_(title_hit, title_literal)
    title_hit = case((title_hit, 1), else_=0).label("title_hit")
    weights = ", ".join(str(w) for w in (TITLE_WEIGHT, TITLE_WEIGHT, BODY_WEIGHT, BODY_WEIGHT))
    sql = (
        base.add_columns(title_hit)
        .join(GRAMS, GRAMS.c.rowid == Snapshot.id)
        .where(_match("q", everywhere))
        # Ties (bm25 is ~0 for a term in every match) go to the newest stored version.
        .order_by(desc(title_hit), literal_column(f"bm25({TABLE}, {weights})"), Snapshot.id.desc())
        .limit(limit)
    )
    return [(row.id, bool(row.title_hit)) for row in session.execute(sql)]


def _newest(session, base, match, matches, dense, *, limit, exclude=None):  # type: ignore[no-untyped-def]
    """Ids of current versions matching ``match`` (and not ``exclude``), newest first.

    ``matches`` (counted up to ``dense``) picks the plan. At least ``dense`` (1/DENSE_SHARE of all
    versions): walk the published-date index newest first, probing the full-text index for each
    version, until the page is full (a probe costs the distance to the next match: short when
    dense, long when sparse). At least ``SORT_BELOW``: the same walk against the set of matching
    rowids, read once (about 0.5 µs per index entry, checked before the row is read). Fewer:
    read the matches and sort them.
    """
    if limit <= 0 or matches == 0:
        return []
    if matches >= dense:
        sql = base.where(_probe("p", match))
    elif matches >= SORT_BELOW:
        # ``id + 0``: the set must filter the date-ordered walk, not drive the query by rowid.
        sql = base.where((Snapshot.id + 0).in_(_rowids("p", match)))
    else:
        sql = base.where(Snapshot.id.in_(_rowids("p", match)))
    if exclude is not None:
        excluded, excluded_matches = exclude
        sql = sql.where(~_probe("x", excluded) if excluded_matches >= dense
                        else (Snapshot.id + 0).not_in(_rowids("x", excluded)))
    sql = sql.order_by(desc(Snapshot.published_at), Snapshot.id.desc()).limit(limit)
    return list(session.execute(sql).scalars())


def _probe(name: str, match: str):  # type: ignore[no-untyped-def]
    return exists(select(literal(1)).select_from(GRAMS).where(_match(name, match), GRAMS.c.rowid == Snapshot.id))


def _hits(session: Session, ranked: list[tuple[int, bool]], terms: list[str]) -> list[SearchHit]:
    if not ranked:
        return []
    rows = session.execute(
        select(
            Snapshot.id, Snapshot.title, Snapshot.body, Snapshot.published_at, Snapshot.speaker,
            Article.url, Article.status, Site.slug,
        )
        .join(Article, Article.id == Snapshot.article_id)
        .join(Site, Site.id == Article.site_id)
        .where(Snapshot.id.in_([sid for sid, _ in ranked]))
    )
    by_id = {row.id: row for row in rows}
    return [
        SearchHit(
            snapshot_id=sid, url=row.url, site=row.slug, title=row.title,
            published_at=row.published_at, speaker=row.speaker, status=row.status,
            title_hit=title_hit, snippet=make_snippet(row.title, row.body, terms),
        )
        for sid, title_hit in ranked
        if (row := by_id.get(sid)) is not None
    ]
