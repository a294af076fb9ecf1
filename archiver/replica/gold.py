"""Gold answers: what a careful archivist would record for every article, per day.

Computed from the generator's own article objects (never by parsing the served HTML).
One record per article (a cross-posted copy is not a separate record: its URL is listed in the
original's ``also_at``). Fields (names follow docs/CONTRACTS.md):

- ``site``, ``family``, ``column`` (column name, e.g. 领导讲话), ``key`` (internal id)
- ``url``: the article's first page (full URL when the site base is known, else the path);
  ``path``; ``pages``: every page of the article in order (first included)
- ``title`` (full title, never the truncated listing title, never with a glued date);
  ``listing_title``: the link text the speech column shows (may end in ``...``; the post site's
  JSON API always gives the full title)
- ``published_at``: ``2023-05-22T11:15:00+08:00`` when the page gives a time, ``2023-05-22``
  when it gives only a date; ``source``, ``author``, ``editor``: strings or null
- ``body``: the article's own paragraphs joined by ``\\n`` – no chrome, no indentation, no image
  captions, no attachment lines, no ``编辑:…`` credit, no ``(上接第1版)``-style marks
- ``images``: ``[{"url", "caption"}]``; ``attachments``: ``[{"url", "name"}]`` (name = link text)
- ``speaker`` (padding removed), ``speaker_title``, ``occasion``, ``delivered_on``
  (``YYYY-MM-DD`` / ``YYYY-MM`` / null when the page does not say), ``kind`` (speech|report|news)
- ``status``: ``live`` or ``removed`` (answers 404) on that day; ``edited_on_day``
- ``duplicate_of``: URL of an earlier article with the same title and text (data trap)
- ``also_at``: other URLs serving the same article (cross-posts)
- ``boilerplate``: chrome strings present on the article's pages that must not appear in an
  extracted body (breadcrumbs, info rows, widgets, sidebar titles and dates, footers); empty for
  removed articles and when computed ``with_boilerplate=False``
- ``all_articles`` order: the speech column's listing order (newest first), then removed
  articles, then secondary-column articles
"""

from __future__ import annotations

from archiver.replica.families import Family, build_sites
from archiver.replica.model import Article
from archiver.replica.sites import DEFAULT_SCALE


def published_at(a: Article, precision: str) -> str:
    if precision == "date":
        return a.published.strftime("%Y-%m-%d")
    if precision == "minute":
        return a.published.strftime("%Y-%m-%dT%H:%M:00+08:00")
    return a.published.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def record(fam: Family, a: Article, day: int, base: str = "", with_boilerplate: bool = True) -> dict:
    store = fam.store
    status = store.status(a, day)
    a = store.version(a, day)
    by_key = {x.key: x for x in store.specials + store.secondary}
    dup = by_key.get(a.duplicate_of) if a.duplicate_of else None
    images, attachments = [], []
    for i, b in fam.asset_blocks(a):
        url = base + fam.asset_path(a, i, b)
        if b.kind == "img":
            images.append({"url": url, "caption": b.text})
        else:
            attachments.append({"url": url, "name": b.text})
    return {
        "site": a.site, "family": fam.name, "column": fam.column_name(a), "key": a.key,
        "url": base + fam.article_path(a), "path": fam.article_path(a),
        "pages": [base + fam.article_path(a, p) for p in range(a.pages)],
        "title": a.title, "listing_title": fam.listing_title(a) if a.column == "main" else None,
        "published_at": published_at(a, fam.precision(a)),
        "source": a.source or None, "author": a.author or None, "editor": a.editor or None,
        "body": "\n".join(a.paragraphs), "images": images, "attachments": attachments,
        "speaker": a.speaker.replace(" ", "") if a.speaker else None, "speaker_title": a.speaker_title,
        "occasion": a.occasion, "delivered_on": a.delivered_on, "kind": a.kind,
        "status": status, "edited_on_day": a.edited_on_day,
        "duplicate_of": base + fam.article_path(dup) if dup else None,
        "also_at": [base + fam.article_path(by_key[k]) for k in a.also_at if k in by_key]
        + [base + p for p in fam.aliases(a)],
        "boilerplate": fam.boilerplate(a, day) if status == "live" and with_boilerplate else [],
    }


def iter_gold(families: dict[str, Family], day: int, bases: dict[str, str] | None = None,
              site: str | None = None, with_boilerplate: bool = True):
    """Gold records one by one (rendering pages for ``boilerplate`` costs ~3 ms per article:
    pass ``with_boilerplate=False`` at large scales)."""
    for slug, fam in families.items():
        if site and slug != site:
            continue
        base = (bases or {}).get(slug, "")
        for a in fam.store.all_articles(day):
            yield record(fam, a, day, base, with_boilerplate)


def gold_records(families: dict[str, Family], day: int, bases: dict[str, str] | None = None,
                 site: str | None = None, with_boilerplate: bool = True) -> list[dict]:
    return list(iter_gold(families, day, bases, site, with_boilerplate))


def gold(day: int = 1, scale: int = DEFAULT_SCALE, *, bases: dict[str, str] | None = None,
         site: str | None = None, with_boilerplate: bool = True) -> list[dict]:
    """Gold records of every article of every site on ``day`` (paths unless ``bases`` given)."""
    return gold_records(build_sites(scale, [site] if site else None), day, bases, site, with_boilerplate)
