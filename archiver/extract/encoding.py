"""Decode fetched HTML bytes into correct text, whatever the header or `<meta>` claims.

Real pages (docs/REPLICA-SPEC.md): legacy county sites declare `charset=gb2312` only in `<meta>` but
send GBK bytes with characters outside GB2312 (traditional characters, 堃 喆 镕), and "pages whose
header says one charset and whose bytes are another". So declarations are hints: we try strict
decodes (BOM, header, meta, utf-8, gb18030) and keep the first that decodes without errors.
No detection library on the common path: strict codecs are fast and decisive for CJK text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["Decoded", "decode_html", "normalize_charset", "sniff_meta_charset"]


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # codec actually used, e.g. "utf-8", "gb18030"
    declared: str | None  # what the page claimed (header first, else meta), as written
    replacement_share: float  # share of U+FFFD in `text` (0.0 for a clean decode)


# GB2312 and GBK pages routinely contain GBK-only characters; gb18030 is a strict superset of
# both, so decoding as gb18030 never loses a character the declared codec would have kept.
_ALIASES = {
    "gb2312": "gb18030", "gb_2312": "gb18030", "gb_2312-80": "gb18030", "gbk": "gb18030",
    "x-gbk": "gb18030", "cp936": "gb18030", "ms936": "gb18030", "windows-936": "gb18030",
    "euc-cn": "gb18030", "euccn": "gb18030", "csgb2312": "gb18030", "hz-gb-2312": "gb18030",
    "chinese": "gb18030", "gb18030": "gb18030",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "cp950": "big5hkscs", "x-x-big5": "big5hkscs",
    "utf8": "utf-8", "utf-8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    # WHATWG: "latin1"/"ascii" labels mean windows-1252.
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252", "windows-1252": "cp1252",
}
# Codecs that decode any byte string without error, so a "success" proves nothing.
_PERMISSIVE = {"cp1252", "latin_1", "iso8859-1"}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:\-]+)", re.I)
# `<meta charset="gb2312">` and `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`
_META_CHARSET_RE = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:\-]+)", re.I
)
_META_SNIFF_BYTES = 4096


def normalize_charset(label: str | None) -> str | None:
    """Map a declared label to the Python codec we decode with (None if unknown)."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        info = codecs.lookup(key)
    except LookupError:
        return None
    # Issue #15: `charset=zlib` (or base64, rot13, hex, uu, bz2) names a bytes-to-bytes or
    # str-to-str codec; decoding with it raised TypeError/zlib.error and made the page
    # unarchivable forever. Such a label is no evidence at all: fall back to detection.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def sniff_meta_charset(body: bytes) -> str | None:
    """The charset named by a `<meta>` tag in the first 4 KiB, as written."""
    m = _META_CHARSET_RE.search(body[:_META_SNIFF_BYTES])
    return m.group(1).decode("ascii", "replace") if m else None


def _header_label(header_charset: str | None) -> str | None:
    """Accept either a bare label (`gbk`) or a whole Content-Type value."""
    if not header_charset:
        return None
    m = _HEADER_CHARSET_RE.search(header_charset)
    if m:
        return m.group(1)
    return None if "/" in header_charset or ";" in header_charset else header_charset.strip()


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    except Exception:  # noqa: BLE001 - a codec that is no text codec after all (issue #15)
        return None


def _share(text: str) -> float:
    return text.count("\ufffd") / len(text) if text else 0.0


def decode_html(body: bytes, *, header_charset: str | None = None) -> Decoded:
    """Decode `body`; see the module docstring for the order of evidence."""
    header = _header_label(header_charset)
    meta = sniff_meta_charset(body)
    declared = header or meta

    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = body[len(bom):].decode(codec, errors="replace")
            return Decoded(text, codec, declared, _share(text))

    if body.isascii():
        return Decoded(body.decode("ascii"), normalize_charset(declared) or "utf-8", declared, 0.0)

    # Valid UTF-8 is overwhelming evidence for non-ASCII text: GBK/Big5 text essentially never
    # forms valid UTF-8, while UTF-8 Chinese can accidentally pass a strict gb18030 decode
    # (all its bytes are >= 0x80). So a GBK header over UTF-8 bytes cannot fool us.
    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", declared, 0.0)

    # UTF-8 with a few corrupt bytes (a truncated download, one bad byte) must not fall through
    # to gb18030, which can "succeed" on UTF-8 bytes and return mojibake. GBK text read as UTF-8
    # gives mostly errors; so nearly-clean UTF-8 wins unless a CJK legacy charset was declared.
    legacy_declared = any(
        (c := normalize_charset(label)) not in (None, "utf-8") and c not in _PERMISSIVE
        for label in (header, meta)
    )
    if not legacy_declared:
        loose = body.decode("utf-8", errors="replace")
        bad = loose.count("\ufffd")
        good = sum(1 for ch in loose if ord(ch) > 127) - bad
        if good > 0 and bad <= max(1, good // 20):
            return Decoded(loose, "utf-8", declared, _share(loose))

    candidates: list[str] = []
    for label in (header, meta):
        codec = normalize_charset(label)
        if codec and codec != "utf-8" and codec not in _PERMISSIVE and codec not in candidates:
            candidates.append(codec)
    if "gb18030" not in candidates:
        candidates.append("gb18030")
    for codec in candidates:
        text = _strict(body, codec)
        if text is not None:
            return Decoded(text, codec, declared, 0.0)

    # Nothing decodes cleanly (truncated or corrupt bytes). A declared single-byte codec is
    # honoured only now; otherwise keep the decode with the fewest replacement characters.
    for label in (header, meta):
        codec = normalize_charset(label)
        if codec in _PERMISSIVE:
            text = body.decode(codec, errors="replace")
            return Decoded(text, codec, declared, _share(text))
    best: tuple[int, str, str] | None = None
    for codec in [*candidates, "utf-8"]:
        text = body.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        if best is None or bad < best[0]:
            best = (bad, codec, text)
    assert best is not None
    _, codec, text = best
    return Decoded(text, codec, declared, _share(text))
