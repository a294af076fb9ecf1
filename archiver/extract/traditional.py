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


def _may_be_traditional(text: str) -> bool:
    # Every CJK character beyond ASCII may change; pure ASCII never does.
    return any(ord(ch) > 0x2E7F for ch in text)


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
