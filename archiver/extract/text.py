"""Text normalisation shared by every extractor.

Why this exists: real CPPCC pages indent paragraphs with `　　` (U+3000), `&emsp;` and `&nbsp;`
(docs/REPLICA-SPEC.md, "Data traps": "`　　`, `&emsp;`, `&nbsp;` indentation"), editors paste
zero-width characters, and names are padded to a fixed width (`段  鸣`, spec "Speeches").
Full-width punctuation (，。：；“”（）【】) is the site's own writing and is never converted.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text", "normalize_name", "is_han"]

# Entities that survive as literal text when a CMS double-escapes (`&amp;nbsp;` -> `&nbsp;`).
_WS_ENTITY_RE = re.compile(r"&(?:nbsp|ensp|emsp|thinsp|#160|#xa0|#8194|#8195|#12288|#x3000);", re.I)
_ENTITY_CHAR = {"&#12288;": "\u3000", "&#x3000;": "\u3000"}
# Zero-width and invisible format characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen).
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Non-ASCII spaces that mean "a space" mid-line; U+3000 is kept mid-line (info rows use it as a
# separator: `发布日期：2023-05-04 10:12　信息来源：…`) and only stripped at paragraph edges.
_SPACE_LIKE_RE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f]")
_ASCII_WS_RUN_RE = re.compile(r"[ \t\f\v\r]+")
_EDGE_WS = " \t\r\f\v\u3000"
# Whitespace of any width between two characters of a name: `段  鸣`, `段　鸣`, `段&nbsp;鸣`.
_NAME_WS_RE = re.compile(r"[\s\u3000\u00a0\u2000-\u200b\u202f\u205f\ufeff]+")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _entity_to_char(match: re.Match[str]) -> str:
    return _ENTITY_CHAR.get(match.group(0).lower(), " ")


def normalize_text(s: str) -> str:
    """Return `s` as NFC text with indentation, invisible characters and space runs cleaned.

    Lines (paragraphs) are kept apart by `\\n`; each is stripped of edge whitespace, including
    ideographic-space indentation; empty lines are dropped (the body is paragraphs joined by
    `\\n`, CONTRACTS.md).
    """
    if not s:
        return ""
    s = unicodedata.normalize("NFC", s)
    # Run on every line of every page: the tests below skip work that would change nothing.
    if "&" in s:
        s = _WS_ENTITY_RE.sub(_entity_to_char, s)
    s = _ZERO_WIDTH_RE.sub("", s)
    s = _SPACE_LIKE_RE.sub(" ", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    lines = []
    for line in s.split("\n"):
        if "  " in line or "\t" in line or "\f" in line or "\v" in line:  # else each run is one space
            line = _ASCII_WS_RUN_RE.sub(" ", line)
        line = line.strip(_EDGE_WS)
        if line:
            lines.append(line)
    return "\n".join(lines)


def normalize_name(s: str) -> str:
    """A person's name without padding: `段  鸣` -> `段鸣`, `段　鸣` -> `段鸣`.

    Spaces are removed only where the name is Han characters (and `·` for minority names such as
    `阿不都热依木·卡德尔`); a Latin name keeps its single spaces.
    """
    s = normalize_text(s).replace("\n", " ")
    if not s:
        return ""
    if _HAN_RE.search(s):
        s = _NAME_WS_RE.sub("", s)
        # Minority-name separators come in several look-alikes; keep the one archivists search.
        s = re.sub("[•‧・･∙]", "·", s)
        return s
    return _ASCII_WS_RUN_RE.sub(" ", s).strip()


def is_han(ch: str) -> bool:
    """True for one CJK ideograph (incl. extension blocks where rare name characters live)."""
    return bool(_HAN_RE.fullmatch(ch))
