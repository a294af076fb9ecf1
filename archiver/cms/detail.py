"""`/content/detail/{24 hex}.html` county sites (安徽 type).

Info `2021-12-29 16:00:51 编辑: 杨玉娟 审核人:叶玲玲 阅读次数:<span id="hits"></span>` (the
counter is filled by XHR); footer `政府网站标识码：3411000001` and `皖公网安备…`.
"""

from __future__ import annotations

import re

from .base import CMSFamily


class DetailFamily(CMSFamily):
    name = "detail"
    ARTICLE_URL = re.compile(r"/content/detail/[0-9a-fA-F]{24}\.html$")
    # Detection (detect.py): (weight, pattern searched in the URL).
    URL_CLUES = (
        (7, ARTICLE_URL),
        (4, re.compile(r"/content/column/[0-9a-fA-F]+")),
    )
    # (weight, pattern searched in the page text).
    TEXT_CLUES = (
        (5, re.compile(r"href=[\"'][^\"']*/content/detail/[0-9a-fA-F]{24}\.html")),
        (3, re.compile(r"<span\s+id=[\"']hits[\"']")),
    )
    # (weight, literals: any of them in the text, or in the lower-cased text when lower).
    LITERAL_CLUES = (
        (2, ("审核人",), False),
    )
    TITLE_XPATHS = (
        "//*[contains(@class,'title')]//h1",
        "//h1[normalize-space()]",
        "//*[contains(@class,'title') and not(ancestor::head)][normalize-space()]",
    )
    BODY_XPATHS = (
        "//*[contains(@class,'article-content')]",
        "//*[contains(@class,'content') and .//p and not(.//*[contains(@class,'content') and .//p])]",
    )
