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
from .model import PageRequest
from .pagination import script_or_pager_pages


class TRSFamily(CMSFamily):
    name = "trs"
    # Detection (detect.py): (weight, pattern searched in the URL).
    URL_CLUES = (
        (5, re.compile(r"/t\d{8}_\d+(?:_\d+)?\.s?html?$")),
        (2, re.compile(r"/index(?:_\d+)?\.shtml$")),
    )
    # (weight, pattern searched in the page text).
    TEXT_CLUES = (
        (5, re.compile(r"class=[\"'][^\"']*TRS_(?:Editor|UEDITOR)")),
        (4, re.compile(r"createPageHTML\s*\(")),
        (3, re.compile(r"countPage\s*=")),
        (3, re.compile(r"CurrChnlCls")),
        (2, re.compile(r"href=[\"'][^\"']*t\d{8}_\d+\.s?html?[\"']")),
    )
    ARTICLE_URL = re.compile(r"/t\d{8}_\d+\.s?html?$")
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

    def listing_follow(
        self, url: str, text: str, doc: html.HtmlElement
    ) -> tuple[list[PageRequest], int | None]:
        urls, total = script_or_pager_pages(url, text, doc)
        return [PageRequest(u) for u in urls], total

    def continuation_urls(self, url: str, text: str, doc: html.HtmlElement) -> list[str]:
        return script_or_numbered_continuations(url, text, doc)
