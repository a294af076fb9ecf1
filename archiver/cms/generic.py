"""The fallback for layouts no family recognises: URL patterns, link density, densest text.

Listing rows are links that look like articles (an id in the path or query, or a titled link
with its own date) grouped by their container, sidebars excluded; every pagination style the
families know is tried (pager anchors and `共N页`, TRS paging scripts, a Hanweb datastore, a
JSON list API referenced from a script). The body is the densest text block
(dom.densest_block); the info row is the short date-bearing element after the heading.
"""

from __future__ import annotations

from lxml import html

from .base import CMSFamily
from .hanweb import HanwebFamily
from .model import Listing, PageRequest
from .page import script_or_numbered_continuations
from .pagination import expand_page_template, pager_links, script_page_urls, total_pages_text
from .post import api_requests


class GenericFamily(CMSFamily):
    name = "generic"

    def parse_listing(self, url: str, text: str, doc: html.HtmlElement) -> Listing:
        if "<datastore>" in text:  # a Hanweb column page the detector did not recognise
            listing = HanwebFamily().parse_listing(url, text, doc)
            listing.family = self.name
            return listing
        return super().parse_listing(url, text, doc)

    def listing_follow(
        self, url: str, text: str, doc: html.HtmlElement
    ) -> tuple[list[PageRequest], int | None]:
        script_urls, count = script_page_urls(url, text)
        links = pager_links(url, doc)
        body = doc.find("body")
        total = count or total_pages_text(text if body is None else body.text_content())
        urls = script_urls or expand_page_template(links, total, url)
        return [*(PageRequest(u) for u in [*urls, *links]), *api_requests(url, text)], total

    def continuation_urls(self, url: str, text: str, doc: html.HtmlElement) -> list[str]:
        # Every article paging style the families know, as for listings (issue #16).
        return script_or_numbered_continuations(url, text, doc)
