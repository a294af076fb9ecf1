"""Date-path newspaper CMS (重庆政协 type).

Articles `/cqzx_content/2023-09/06/content_10582293.htm`; column pages `node_115.htm`,
`node_115_2.htm`; info `2023年09月06日 09:47 来源:重庆政协报`; `编辑:张玉兰` closes the body.
"""

from __future__ import annotations

import re

from lxml import html

from .base import TITLE_BLOCK_XPATHS, CMSFamily
from .pagination import expand_page_template, pager_links, total_pages_text
from .urls import absolute_link


def node_pages(url: str, text: str, doc: html.HtmlElement) -> tuple[list[str], int | None]:
    """The pager's pages plus the siblings a column page links directly (`node_115_2.htm`)."""
    links = pager_links(url, doc)
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
    return [*expand_page_template(links, total, url), *links], total


class DatePathFamily(CMSFamily):
    name = "datepath"
    ARTICLE_URL = re.compile(r"/\d{4}-\d{2}/\d{2}/content_\d+\.html?$")
    # Detection (base.CMSFamily): an article URL, a link to one, a column page, a link to one
    # (relative: `node_115_2.htm`), the `…委员会主办` sponsor line.
    ARTICLE_URL_WEIGHT, ARTICLE_LINK_WEIGHT = 6, 5
    URL_CLUES = ((6, r"/node_\d+(?:_\d+)?\.html?$"),)
    TEXT_CLUES = (
        (4, r"href=[\"'][^\"']*node_\d+(?:_\d+)?\.htm"),
        (2, r"中国人民政治协商会议\S{1,12}委员会主办"),
    )
    TITLE_XPATHS = TITLE_BLOCK_XPATHS
    BODY_XPATHS = (
        "//*[@id='ozoom']",
        "//founder-content",
        "//*[contains(@class,'content') and .//p]",
    )
    LISTING_PAGES = staticmethod(node_pages)
