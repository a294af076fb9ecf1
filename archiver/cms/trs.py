"""TRS WCM (拓尔思): Jingzhou, cppcc.gov.cn, most 集约化 municipal sites.

Column `/ldjh/index.shtml`, pages `index_1.shtml`… built by an inline script (no links in the
HTML); articles `./YYYYMM/tYYYYMMDD_ID.shtml`, long ones continued at `_1`, `_2` by the same
script. Body `div.TRS_Editor` (TRS injects a `<style>` into it) or `div.TRS_UEDITOR`.
"""

from __future__ import annotations

import re

from lxml import html

from .base import CMSFamily
from .page import script_or_numbered_continuations
from .pagination import TRS_DOC, script_or_pager_pages


class TRSFamily(CMSFamily):
    name = "trs"
    ARTICLE_URL = re.compile("/" + TRS_DOC + r"\.s?html?$")
    # Detection (base.CMSFamily). Not ARTICLE_URL_WEIGHT/ARTICLE_LINK_WEIGHT: the URL clue also
    # takes an article's continuation pages (`_1`), and links to articles are relative
    # (`./202305/t20230522_1.shtml`, `t20230522_1.shtml`). In the text: the body class, the
    # paging script and its variables, the channel class, a link to an article.
    URL_CLUES = (
        (5, "/" + TRS_DOC + r"(?:_\d+)?\.s?html?$"),  # an article or its continuation `_1`
        (2, r"/index(?:_\d+)?\.shtml$"),
    )
    TEXT_CLUES = (
        (5, r"class=[\"'][^\"']*TRS_(?:Editor|UEDITOR)"),
        (4, r"createPageHTML\s*\("),
        (3, r"countPage\s*="),
        (2, r"href=[\"'][^\"']*" + TRS_DOC + r"\.s?html?[\"']"),
    )
    LITERAL_CLUES = ((3, ("CurrChnlCls",), False),)
    TITLE_XPATHS = (
        "//*[contains(@class,'article')]//h1",
        "//div[contains(@class,'title')]//h1",
        "//h1[normalize-space()]",
        "//*[contains(@class,'title') and not(ancestor::head)]",
    )
    INFO_XPATHS = (
        "//*[contains(@class,'info') and (contains(.,'发布时间') or contains(.,'来源'))"
        " and not(.//*[contains(@class,'TRS_Editor') or contains(@class,'TRS_UEDITOR')])]",
    )
    BODY_XPATHS = (
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
        "//div[contains(@class,'TRS_UEDITOR')]",
        "//div[contains(@class,'TRS_Editor')]",
    )
    LISTING_PAGES = staticmethod(script_or_pager_pages)

    def continuation_urls(self, url: str, text: str, doc: html.HtmlElement) -> list[str]:
        return script_or_numbered_continuations(url, text, doc)
