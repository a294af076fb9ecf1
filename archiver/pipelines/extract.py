"""Derive an article's fields from its raw pages, counting every cleaning action in the stats.

The work is done by pure functions (archiver.extract.record and what it composes); this wrapper
only feeds them the item and counts what they did under ``archiver/…`` so that a crawl's stats
say what was removed and archivists can audit it.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

from archiver.extract.record import EXTRACTOR, extract_record
from archiver.items import ArticleItem

logger = logging.getLogger(__name__)

# Fields whose absence is worth counting: a rising count means a layout stopped matching.
WATCHED_FIELDS = ("title", "published_at", "source", "body", "speaker")


class ExtractPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ExtractPipeline":
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        extraction = extract_record(
            item.pages,
            family=item.family,
            listing_title=item.listing_title,
            listing_date=item.listing_date,
        )
        item.fields = dict(extraction.fields)
        item.audit = list(extraction.audit)
        item.family = item.family or extraction.family
        item.soft_404 = extraction.soft_404
        item.date_candidates = list(extraction.date_candidates)
        item.extractor = EXTRACTOR
        self.count(item, extraction)
        return item

    def count(self, item: ArticleItem, extraction) -> None:
        inc = self.stats.inc_value
        inc("archiver/extract/articles")
        inc(f"archiver/extract/family/{extraction.family}")
        for removal in extraction.audit:
            inc(f"archiver/boilerplate/{removal['rule']}_removed")
        for name in WATCHED_FIELDS:
            if not item.fields.get(name):
                inc(f"archiver/extract/missing/{name}")
        if item.fields.get("published_from"):
            inc(f"archiver/dates/from_{item.fields['published_from']}")
        if extraction.replacement_share:
            inc("archiver/encoding/pages_with_replacement_chars")
            logger.warning(
                "%s: %.2f%% of the text are replacement characters (encoding %s)",
                item.url, 100 * extraction.replacement_share, extraction.encoding,
            )
        if len(item.pages) > 1:
            inc("archiver/extract/multipage_articles")
