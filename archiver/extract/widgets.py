"""Body chrome seen on real pages beyond the replica's, as named rules (issues #16 and #23).

`boilerplate.strip_boilerplate` runs these like its own RULES: whole short lines only, so a
sentence that mentions 二维码 or 首页 stays. Each name reaches the audit and the crawl's stats
(`archiver/boilerplate/<rule>_removed`).

- `separator`: DedeCMS's `------分隔线----------------------------`, bare `-----` / `＝＝＝` bars;
- `qr_share`: `扫二维码分享到手机`, `扫码分享`, `微信扫一扫分享`;
- `back_to_home`: `返回新华网首页 返回时政频道`, `返回人民网首页`;
- `summary_box`: a summary/excerpt box (`摘要：…`, `核心提示：…`, or unlabelled) whose text the
  body then repeats: kept once, where the body has it (`strip_repeated_summary`).
"""

from __future__ import annotations

import re

__all__ = ["WIDGET_RULES", "strip_repeated_summary", "SUMMARY_LABEL_RE"]

# (rule, pattern), tried in order on whole lines: each rule named once, beside its pattern.
WIDGET_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("separator", re.compile(
        r"^[-—–_=＝~·.*＊]{3,}\s*(?:分[隔割]线)?\s*[-—–_=＝~·.*＊]*$|^[-—–_=＝]*\s*分[隔割]线\s*[-—–_=＝]*$")),
    ("qr_share", re.compile(
        r"^[【\[]?(?:微信|手机)?扫(?:描|一扫)?(?:二维码|码)?\s*(?:即可)?(?:分享|转发|关注|阅读|在手机)[^。，,]{0,16}$")),
    ("back_to_home", re.compile(r"^(?:[【\[]?返回\S{0,12}?(?:首页|频道|栏目|列表)[】\]]?\s*)+$")),
)

SUMMARY_LABEL_RE = re.compile(r"^[【\[]?(?:摘\s*要|内容摘要|内容提要|提要|核心提示|导读|导语|简介)[】\]]?\s*[:：]?\s*")
_ELLIPSIS = ("……", "…", "...", "。。。")
_MIN_SUMMARY = 10  # a shorter line repeated is a heading or a name, not a summary
_LOOKAHEAD = 4


def _summary_text(para: str) -> str:
    text = SUMMARY_LABEL_RE.sub("", para.strip(), count=1)
    for tail in _ELLIPSIS:
        if text.endswith(tail):
            return text[: -len(tail)].rstrip()
    return text


def strip_repeated_summary(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """(kept, removed): an opening paragraph the next few paragraphs repeat (the body's own
    first sentences, whole or cut with `…`) is a summary box; the body keeps its own copy."""
    removed: list[str] = []
    kept = list(paragraphs)
    i = 0
    while i < min(len(kept), 2):
        text = _summary_text(kept[i])
        later = kept[i + 1 : i + 1 + _LOOKAHEAD]
        if len(text) >= _MIN_SUMMARY and any(p.startswith(text) for p in later):
            removed.append(kept.pop(i))
            continue
        i += 1
    return kept, removed
