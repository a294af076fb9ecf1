"""Legacy PHP/ASP county sites (河池, 达州 type): table layouts, GB2312 declared, GBK bytes.

`news_list.php?id=12&page=2` listings with `首页 上一页 下一页 尾页 共9页` anchors;
`news_view.php?id=61578` (or `/html/news-view-61578.html`, `ShowArticle.asp?ArticleID=…`,
`/Article/show/id/830.html`) articles split over pages with `[1] [2] [3]` links, the body in a
table cell, an info row `作者:… 来源: 发表于:2023年03月29日 文章点击数:…`, and a left column
of 最新文章 with their own dates (never the page's date).
"""

from __future__ import annotations

import re

from .base import CMSFamily
from .pagination import TOTAL_PAGES


class LegacyFamily(CMSFamily):
    name = "legacy"
    # Detection (base.CMSFamily): the listing and article scripts' URLs (any case), the `共9页`
    # pager, the scripts and the read counter named in the page, the GB2312 declaration.
    URL_CLUES = (
        (4, re.compile(r"(?:news_(?:list|view)|show_?news|list|view)\.(?:php|asp)\b", re.I)),
        (4, re.compile(r"/(?:html/)?news-(?:view|list)-\d+", re.I)),
        (4, re.compile(r"(?:ShowArticle|ShowClass|List)\.asp", re.I)),
        (4, re.compile(r"/Article/(?:show|index)/", re.I)),
    )
    TEXT_CLUES = ((2, TOTAL_PAGES),)
    LITERAL_CLUES = (
        (3, ("count.php", "news_view.php", "showarticle.asp"), True),
        (3, ("文章点击数",), False),
        (1, ("charset=gb2312",), True),
    )
    ARTICLE_URL = re.compile(
        r"(?:news_view\.php\?(?:.*&)?id=\d+|news-view-\d+\.html|show_?news\.php\?(?:.*&)?id=\d+|"
        r"ShowArticle\.asp\?(?:.*&)?ArticleID=\d+|/Article/show/id/\d+\.html|/news-\d+\.html|"
        r"Content-\d+\.html|view\.(?:php|asp)\?(?:.*&)?id=\d+)",
        re.I,
    )
    TITLE_XPATHS = (
        "//td[contains(concat(' ', normalize-space(@class), ' '), ' title ')][normalize-space()]",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' title ')][normalize-space()]",
        "//h1[normalize-space()]",
    )
    INFO_XPATHS = ()
    BODY_XPATHS = (
        "//td[contains(concat(' ', normalize-space(@class), ' '), ' content ')]",
        "//td[contains(@class,'content')]",
        "//div[contains(@class,'content')]",
        "//*[@id='content']",
    )
