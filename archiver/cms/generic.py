"""The fallback for layouts no family recognises: URL patterns, link density, densest text.

Listing rows are links that look like articles (an id in the path or query, or a titled link
with its own date) grouped by their container, sidebars excluded. Pagination (issue #14): every
pager form archiver/cms/pagers.py reads (anchors, `javascript:` handlers and page functions,
jump menus, GET forms, counts in scripts and text), TRS paging scripts, a Hanweb datastore, and
the list APIs the page's scripts call (archiver/cms/listapi.py). The body is the densest text
block (dom.densest_block); the info row is the short date-bearing element after the heading.
"""

from __future__ import annotations

from lxml import html

from . import apicalls, jsexpr
from .base import CMSFamily
from .hanweb import HanwebFamily
from .listing import dedup_requests
from .model import Listing, PageRequest
from .page import script_or_numbered_continuations
from .pagers import find_pages, is_first_page
from .pagination import pager_links, script_page_urls
from .post import api_requests


class GenericFamily(CMSFamily):
    name = "generic"

    def parse_listing(self, url: str, text: str, doc: html.HtmlElement) -> Listing:
        if "<datastore>" in text:  # a Hanweb column page the detector did not recognise
            listing = HanwebFamily().parse_listing(url, text, doc)
            listing.family = self.name
            return listing
        entries = self.listing_entries(url, doc)
        code = jsexpr.inline_scripts(doc)
        apis = [*api_requests(url, text), *apicalls.discover(url, doc, code, first=2 if entries else 1)]
        # TRS scripts number their pages from 0 (`index_1` is page 2): their own rule wins.
        script_urls, count = script_page_urls(url, text)
        pages = find_pages(url, text, doc, entries=len(entries), expand=not script_urls, guess=not apis)
        links = [u for u in pager_links(url, doc) if u in pages.urls or not is_first_page(u)]
        guessed = [PageRequest(u, guessed=pages.guessed and u not in links) for u in pages.urls]
        follow = [*(PageRequest(u) for u in script_urls), *guessed, *(PageRequest(u) for u in links)]
        listing = Listing(self.name, entries, dedup_requests([*follow, *apis], url),
                          count or pages.total_pages, pages.total_items)
        listing.problems = pages.problems
        return listing

    def continuation_urls(self, url: str, text: str, doc: html.HtmlElement) -> list[str]:
        # Every article paging style the families know, as for listings (issue #16).
        return script_or_numbered_continuations(url, text, doc)
