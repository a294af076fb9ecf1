"""`/content/detail/{24 hex}.html` county sites (安徽 type).

Info `2021-12-29 16:00:51 编辑: 杨玉娟 审核人:叶玲玲 阅读次数:<span id="hits"></span>` (the
counter is filled by XHR); footer `政府网站标识码：3411000001` and `皖公网安备…`.
"""

from __future__ import annotations

import re

from .base import TITLE_BLOCK_XPATHS, CMSFamily


class DetailFamily(CMSFamily):
    name = "detail"
    ARTICLE_URL = re.compile(r"/content/detail/[0-9a-fA-F]{24}\.html$")
    # Detection (base.CMSFamily): an article URL, a link to one, a column URL, the XHR-filled
    # read counter, the reviewer (审核人) in the info row.
    ARTICLE_URL_WEIGHT, ARTICLE_LINK_WEIGHT = 7, 5
    URL_CLUES = ((4, r"/content/column/[0-9a-fA-F]+"),)
    TEXT_CLUES = ((3, r"<span\s+id=[\"']hits[\"']"),)
    LITERAL_CLUES = ((2, ("审核人",), False),)
    TITLE_XPATHS = TITLE_BLOCK_XPATHS
    BODY_XPATHS = (
        "//*[contains(@class,'article-content')]",
        "//*[contains(@class,'content') and .//p and not(.//*[contains(@class,'content') and .//p])]",
    )
