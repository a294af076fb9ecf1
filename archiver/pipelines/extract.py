"""Derive an article's fields from its raw pages, counting every cleaning action in the stats.

The work is done by pure functions (archiver.article and what it composes) in the crawl's
process (issue #21: a child process for it cost more CPU and twice the memory for nothing at
production politeness); this wrapper only feeds them the item and counts what they did under
``archiver/…`` so that a crawl's stats say what was removed and archivists can audit it.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future

from archiver import offthread
from archiver.article import EXTRACTOR, Extraction
from archiver.cms import parse_families
from archiver.items import ArticleItem
from archiver.pipelines.work import extract_article

logger = logging.getLogger(__name__)

# Fields whose absence is worth counting: a rising count means a layout stopped matching.
WATCHED_FIELDS = ("title", "published_at", "source", "body", "speaker")


class ExtractPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.settings = crawler.settings
        # Passed to every extraction explicitly: extraction is a pure function (issue #16).
        self.families = parse_families(crawler.settings.get("ARCHIVER_FAMILIES"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ExtractPipeline":
        return cls(crawler)

    async def process_item(self, item):
        if not isinstance(item, ArticleItem):
            return item
        args = (item.pages, item.family, item.listing_title, item.listing_date,
                dict(item.overrides), self.families)
        try:
            if offthread.is_big(sum(len(page.body) for page in item.pages), self.settings):
                self.stats.inc_value("archiver/offthread/articles")
                extraction = await maybe_deferred_to_future(offthread.run(extract_article, *args))
            else:
                extraction = extract_article(*args)
        except Exception as exc:
            # A page the extractor chokes on is still archived: storage keeps its raw bytes and
            # reports "no title and no body"; `reprocess` can extract it once the rules are fixed.
            logger.error("extraction failed for %s: %s: %s", item.url, type(exc).__name__, exc)
            self.stats.inc_value("archiver/extract/errors")
            item.fields, item.extractor = {}, EXTRACTOR
            return item
        self.apply(item, extraction)
        return item

    def apply(self, item: ArticleItem, extraction: Extraction) -> None:
        item.fields = dict(extraction.fields)
        item.audit = list(extraction.audit)
        item.family = extraction.family  # the family really used (ARCHIVER_FAMILIES may forbid one)
        item.soft_404 = extraction.soft_404
        item.date_candidates = list(extraction.date_candidates)
        item.overrides_used = dict(extraction.overrides_used)
        item.extractor = EXTRACTOR
        self.count(item, extraction)

    def count(self, item: ArticleItem, extraction: Extraction) -> None:
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
        for key in extraction.overrides_used:
            inc(f"archiver/extract/override/{key}")
        if len(item.pages) > 1:
            inc("archiver/extract/multipage_articles")
