"""Which CMS family built a page: URL shapes, generator comments, metas, scripts, markup.

Each clue adds to a family's score; the best score wins, `generic` when nothing is convincing.
Works on listings and articles alike (the crawler may start from either).
"""

from __future__ import annotations

import re

from .base import CMSFamily
from .families import DETECTED, FAMILIES

Clue = tuple[int, re.Pattern[str]]


def url_clues(family: CMSFamily) -> tuple[Clue, ...]:
    """(weight, pattern searched in the URL): the family's article URL, then its own others."""
    article = ((family.ARTICLE_URL_WEIGHT, family.ARTICLE_URL),) if family.ARTICLE_URL_WEIGHT else ()
    return (*article, *((w, re.compile(p)) for w, p in family.URL_CLUES))


def text_clues(family: CMSFamily) -> tuple[Clue, ...]:
    """(weight, pattern searched in the page text): a link to an article, then its own others."""
    link = ((family.ARTICLE_LINK_WEIGHT, link_to(family.ARTICLE_URL)),) if family.ARTICLE_LINK_WEIGHT else ()
    return (*link, *((w, re.compile(p)) for w, p in family.TEXT_CLUES))


def link_to(article_url: re.Pattern[str] | None) -> re.Pattern[str]:
    """`href="…` then the article URL pattern, without its end anchor: in the page text the
    link's closing quote (or a query, a fragment) follows the URL."""
    if article_url is None:
        raise ValueError("ARTICLE_LINK_WEIGHT needs an ARTICLE_URL")
    return re.compile(r"href=[\"'][^\"']*" + article_url.pattern.removesuffix("$"), article_url.flags)


# Each family's clues are constants on its class (issue #18); the order is the tie-break order.
# Alternations and re.I are slow on long pages, so case-insensitive clues are literals looked up
# in the lower-cased text instead (LITERAL_CLUES).
_URL_CLUES = tuple((name, w, pat) for name in DETECTED for w, pat in url_clues(FAMILIES[name]))
_TEXT_CLUES = tuple((name, w, pat) for name in DETECTED for w, pat in text_clues(FAMILIES[name]))
_LITERAL_CLUES = tuple((name, w, needles, lowered)
                       for name in DETECTED for w, needles, lowered in FAMILIES[name].LITERAL_CLUES)

THRESHOLD = 4


def family_scores(url: str, text: str) -> dict[str, int]:
    scores = {name: 0 for name in DETECTED}
    for family, weight, pattern in _URL_CLUES:
        if pattern.search(url):
            scores[family] += weight
    for family, weight, pattern in _TEXT_CLUES:
        if pattern.search(text):
            scores[family] += weight
    lower = text.lower()
    for family, weight, needles, lowered in _LITERAL_CLUES:
        haystack = lower if lowered else text
        if any(n in haystack for n in needles):
            scores[family] += weight
    return scores


def detect_family(url: str, html: str, *, families: frozenset[str] | None = None) -> str:
    """`trs` | `hanweb` | `legacy` | `datepath` | `post` | `detail`, else `generic`.

    `families` (ARCHIVER_FAMILIES, issue #16) limits the answer to the family modules allowed;
    None allows every one.
    """
    return pick_family(family_scores(url, html or ""), families)


def pick_family(scores: dict[str, int], families: frozenset[str] | None = None) -> str:
    """The best-scoring allowed family, `generic` below the threshold (shared with --explain)."""
    allowed = [name for name in DETECTED if families is None or name in families]
    if not allowed:
        return "generic"
    best = max(allowed, key=lambda name: scores[name])
    return best if scores[best] >= THRESHOLD else "generic"
