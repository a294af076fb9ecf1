"""Which CMS family built a page: URL shapes, generator comments, metas, scripts, markup.

Each clue adds to a family's score; the best score wins, `generic` when nothing is convincing.
Works on listings and articles alike (the crawler may start from either).
"""

from __future__ import annotations

import re

FAMILIES = ("trs", "hanweb", "legacy", "datepath", "post", "detail")

# (family, weight, pattern searched in the URL)
_URL_CLUES: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("trs", 5, re.compile(r"/t\d{8}_\d+(?:_\d+)?\.s?html?$")),
    ("trs", 2, re.compile(r"/index(?:_\d+)?\.shtml$")),
    ("hanweb", 6, re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html")),
    ("hanweb", 6, re.compile(r"/col/col\d+/")),
    ("hanweb", 6, re.compile(r"/module/(?:web/|jslib/jquery/)?jpage/dataproxy\.jsp")),
    ("legacy", 4, re.compile(r"(?:news_(?:list|view)|show_?news|list|view)\.(?:php|asp)\b", re.I)),
    ("legacy", 4, re.compile(r"/(?:html/)?news-(?:view|list)-\d+", re.I)),
    ("legacy", 4, re.compile(r"(?:ShowArticle|ShowClass|List)\.asp", re.I)),
    ("legacy", 4, re.compile(r"/Article/(?:show|index)/", re.I)),
    ("datepath", 6, re.compile(r"/\d{4}-\d{2}/\d{2}/content_\d+\.html?$")),
    ("datepath", 6, re.compile(r"/node_\d+(?:_\d+)?\.html?$")),
    ("post", 6, re.compile(r"/post_\d+\.html$")),
    ("post", 4, re.compile(r"list\.jsp\?.*pagenum=", re.I)),
    ("detail", 7, re.compile(r"/content/detail/[0-9a-fA-F]{24}\.html$")),
    ("detail", 4, re.compile(r"/content/column/[0-9a-fA-F]+")),
)

# (family, weight, pattern searched in the page text). Alternations and re.I are slow on long
# pages, so case-insensitive clues are literals looked up in the lower-cased text instead.
_TEXT_CLUES: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("trs", 5, re.compile(r"class=[\"'][^\"']*TRS_(?:Editor|UEDITOR)")),
    ("trs", 4, re.compile(r"createPageHTML\s*\(")),
    ("trs", 3, re.compile(r"countPage\s*=")),
    ("trs", 3, re.compile(r"CurrChnlCls")),
    ("trs", 2, re.compile(r"href=[\"'][^\"']*t\d{8}_\d+\.s?html?[\"']")),
    ("hanweb", 5, re.compile(r"<script[^>]+type=[\"']text/xml[\"'][^>]*>\s*<datastore>")),
    ("hanweb", 4, re.compile(r"dataproxy\.jsp")),
    ("hanweb", 3, re.compile(r"<meta\s+name=[\"']?ContentStart")),
    ("hanweb", 2, re.compile(r"ZJEG_RSS")),
    ("hanweb", 2, re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html")),
    ("legacy", 2, re.compile(r"共\s*\d+\s*页")),
    ("datepath", 5, re.compile(r"href=[\"'][^\"']*/\d{4}-\d{2}/\d{2}/content_\d+\.htm")),
    ("datepath", 4, re.compile(r"href=[\"'][^\"']*node_\d+(?:_\d+)?\.htm")),
    ("datepath", 2, re.compile(r"中国人民政治协商会议\S{1,12}委员会主办")),
    ("post", 5, re.compile(r"href=[\"'][^\"']*/post_\d+\.html")),
    ("detail", 5, re.compile(r"href=[\"'][^\"']*/content/detail/[0-9a-fA-F]{24}\.html")),
    ("detail", 3, re.compile(r"<span\s+id=[\"']hits[\"']")),
)
# (family, weight, literals: any of them in the text, or in the lower-cased text when lower)
_LITERAL_CLUES: tuple[tuple[str, int, tuple[str, ...], bool], ...] = (
    ("hanweb", 8, ("大汉网络", "大汉版通"), False),
    ("hanweb", 8, ("hanweb",), True),
    ("legacy", 3, ("count.php", "news_view.php", "showarticle.asp"), True),
    ("legacy", 3, ("文章点击数",), False),
    ("legacy", 1, ("charset=gb2312",), True),
    ("post", 4, ("list.jsp?pagenum", "list.jsp?pagesize"), True),
    ("detail", 2, ("审核人",), False),
)

THRESHOLD = 4


def family_scores(url: str, text: str) -> dict[str, int]:
    scores = {name: 0 for name in FAMILIES}
    for family, weight, pattern in _URL_CLUES:
        if pattern.search(url):
            scores[family] += weight
    for family, weight, pattern in _TEXT_CLUES:
        if pattern.search(text):
            scores[family] += weight
    lower = text.lower()
    for family, weight, needles, lowered in _LITERAL_CLUES:
        haystack = lower if lowered else text
        if any(n in haystack for n in needles):
            scores[family] += weight
    return scores


def detect_family(url: str, html: str, *, families: frozenset[str] | None = None) -> str:
    """`trs` | `hanweb` | `legacy` | `datepath` | `post` | `detail`, else `generic`.

    `families` (ARCHIVER_FAMILIES, issue #16) limits the answer to the family modules allowed;
    None allows every one.
    """
    return pick_family(family_scores(url, html or ""), families)


def pick_family(scores: dict[str, int], families: frozenset[str] | None = None) -> str:
    """The best-scoring allowed family, `generic` below the threshold (shared with --explain)."""
    allowed = [name for name in FAMILIES if families is None or name in families]
    if not allowed:
        return "generic"
    best = max(allowed, key=lambda name: scores[name])
    return best if scores[best] >= THRESHOLD else "generic"
