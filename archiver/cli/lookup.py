"""Finding what a user names: a site slug, an article by any of its URLs (issue #17)."""

from __future__ import annotations

from archiver.cli import options
from archiver.cli.options import UsageError


def check_site(session, slug: str | None) -> None:  # type: ignore[no-untyped-def]
    """``--site`` naming no site of this archive is a typo, not an empty result (issue #17)."""
    from sqlalchemy import select

    from storage.models import Site

    if not slug:
        return
    slugs = list(session.scalars(select(Site.slug).order_by(Site.slug)))
    if slug not in slugs:
        known = ", ".join(slugs[:12]) + (", …" if len(slugs) > 12 else "") if slugs else "none yet"
        raise UsageError(f"no site {slug!r} in this archive (its sites: {known})")


def find_article(session, given: str):  # type: ignore[no-untyped-def]
    """The article a URL names, as a user may paste it (issue #17): any case of scheme and host,
    a #fragment, no scheme, http for https, or the URL of a later page of the article (stored
    as one of the article's fetches)."""
    from sqlalchemy import select

    from storage import repository
    from storage.models import Article, Fetch

    url = options.article_url(given)
    other = ("https://" + url[len("http://"):]) if url.startswith("http://") else "http://" + url[len("https://"):]
    candidates = list(dict.fromkeys([given.strip(), url, other]))
    for candidate in candidates:
        article = repository.get_article(session, candidate)
        if article is not None:
            return article
    article_id = session.scalar(
        select(Fetch.article_id).where(Fetch.url.in_(candidates), Fetch.article_id.is_not(None)).limit(1)
    )
    return session.get(Article, article_id) if article_id is not None else None
