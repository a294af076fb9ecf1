"""Date-path newspaper CMS (重庆政协 type).

Articles `/cqzx_content/2023-09/06/content_10582293.htm`; column pages `node_115.htm`,
`node_115_2.htm`; info `2023年09月06日 09:47 来源:重庆政协报`; `编辑:张玉兰` closes the body.
"""

from __future__ import annotations

import re

from lxml import html

from .base import CMSFamily
from .model import PageRequest
from .pagination import expand_page_template, pager_links, total_pages_text
from .urls import absolute_link


class DatePathFamily(CMSFamily):
    name = "datepath"
    ARTICLE_URL = re.compile(r"/\d{4}-\d{2}/\d{2}/content_\d+\.html?$")
    # Detection (detect.py): (weight, pattern searched in the URL).
    URL_CLUES = (
        (6, ARTICLE_URL),
        (6, re.compile(r"/node_\d+(?:_\d+)?\.html?$")),
    )
    # (weight, pattern searched in the page text).
    TEXT_CLUES = (
        (5, re.compile(r"href=[\"'][^\"']*/\d{4}-\d{2}/\d{2}/content_\d+\.htm")),
        (4, re.compile(r"href=[\"'][^\"']*node_\d+(?:_\d+)?\.htm")),
        (2, re.compile(r"中国人民政治协商会议\S{1,12}委员会主办")),
    )
    TITLE_XPATHS = (
        "//*[contains(@class,'title')]//h1",
        "//h1[normalize-space()]",
        "//*[contains(@class,'title') and not(ancestor::head)][normalize-space()]",
    )
    BODY_XPATHS = (
        "//*[@id='ozoom']",
        "//founder-content",
        "//*[contains(@class,'content') and .//p]",
    )

    def listing_follow(
        self, url: str, text: str, doc: html.HtmlElement
    ) -> tuple[list[PageRequest], int | None]:
        links = pager_links(url, doc)
        # Column pages link their siblings `node_115_2.htm` directly.
        node = re.search(r"node_(\d+)(?:_\d+)?\.htm", url)
        if node:
            sibling = re.compile(rf"node_{node.group(1)}_\d+\.htm$")
            seen = set(links)  # a pager may list every sibling: no quadratic membership test
            marker = f"node_{node.group(1)}_"
            for a in doc.iter("a"):
                href = a.get("href")
                if not href or marker not in href:
                    continue  # most links are articles and sidebars: not worth resolving
                link = absolute_link(url, href)
                if link and link not in seen and sibling.search(link):
                    seen.add(link)
                    links.append(link)
        total = total_pages_text(text)
        return [PageRequest(u) for u in [*expand_page_template(links, total, url), *links]], total
