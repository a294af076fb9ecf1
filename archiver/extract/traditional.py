"""Traditional-character text matched with simplified-character rules, reported as written.

County sites and reprinted speeches keep traditional characters (`市政協主席劉建國…講話`,
issue #16). The speech rules are written once, in simplified characters; OpenCC's `t2s` maps a
page's text for matching, and the fields are cut from the original text at the same positions,
so an archive keeps the names exactly as the page printed them. A conversion that changes a
string's length (phrase-level rewrites) is not used: positions would no longer line up.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["to_simplified", "as_written"]


@lru_cache(maxsize=1)
def _converter():
    import opencc  # imported on first use: most pages are simplified and never need it

    return opencc.OpenCC("t2s")


# Traditional forms so common that a traditional-character title or paragraph of any length has
# one of them; text without any is left alone (the conversion costs more than this test).
_COMMON_TRADITIONAL = frozenset(
    "們這會議個為國說時來發與對於員動經業關區長問實現進報開機體當務單從點號書記協屆講話總結嚴幹將條"
    "變邊處傳專題組織廣樂歷義萬東華衛導詞濟營興幣統計產勞綜調視護際團藝級齊陽陰劉陳張黃趙吳許鄭謝韓馮鄧葉蘇呂蔣盧鍾譚陸範賈韋鄒羅楊孫馬錢龔蕭閻賴湯龍顏聶"
)


def _may_be_traditional(text: str) -> bool:
    # A set operation, not a generator over the characters: run on every title and paragraph.
    return not _COMMON_TRADITIONAL.isdisjoint(text)


def to_simplified(text: str) -> str:
    """`text` in simplified characters, same length; `text` itself when nothing (safely) changes."""
    if not text or not _may_be_traditional(text):
        return text
    converted = _converter().convert(text)
    return converted if len(converted) == len(text) else text


def as_written(value: str | None, pairs: list[tuple[str, str]]) -> str | None:
    """`value` (found in a simplified string) as the original string has it at that position."""
    if not value:
        return value
    for simplified, original in pairs:
        at = simplified.find(value)
        if at >= 0 and simplified != original:
            return original[at : at + len(value)]
        if at >= 0:
            return value
    return value
