"""Items that flow from the spider through the pipelines into storage.

The spider only fetches: it yields raw pages with their provenance. The pipelines derive every
other field from those raw bytes (so a stored page can be re-extracted later), and the storage
pipeline persists both the raw exchange and the derived fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storage.exchange import FetchedPage  # the stored exchange, re-exported: the crawl's items carry it

__all__ = ["ArticleItem", "FetchItem", "FetchedPage", "GoneItem", "UnchangedItem"]


@dataclass
class ArticleItem:
    """An article: its raw pages (first page first) plus the fields the pipelines extract."""

    site: str
    url: str  # canonical URL of the article's first page: the article's identity
    pages: list[FetchedPage]
    run_id: int | None = None
    family: str | None = None
    listing_url: str | None = None
    listing_title: str | None = None
    listing_date: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)  # the site registry's (issue #16)
    # Filled by ExtractPipeline / DatesPipeline / SpeechPipeline.
    fields: dict[str, Any] = field(default_factory=dict)
    audit: list[dict[str, str]] = field(default_factory=list)
    date_candidates: list[tuple[str, str]] = field(default_factory=list)  # (where, raw)
    extractor: str | None = None
    soft_404: bool = False
    overrides_used: dict[str, str] = field(default_factory=dict)  # registry overrides applied
    files: list[Any] = field(default_factory=list)  # FileResult per linked file (issue #19)


@dataclass
class FetchItem:
    """A fetch that is not an article page (a listing, a robots.txt, a failed request)."""

    site: str
    page: FetchedPage
    run_id: int | None = None
    kind: str = "listing"  # listing | article-error | other
    error: str | None = None


@dataclass
class GoneItem:
    """A known article that answered 404/410, a soft 404, or a redirect to the home page."""

    site: str
    url: str
    how: str  # http-404 | http-410 | soft-404 | redirect-home
    page: FetchedPage
    run_id: int | None = None


@dataclass
class UnchangedItem:
    """A known article that answered 304 Not Modified to a conditional request."""

    site: str
    url: str
    page: FetchedPage
    run_id: int | None = None
