"""One JSONL record is one line, whatever its text holds (issue #15).

JSON escapes the C0 controls, but not U+0085 (NEL), U+2028 and U+2029, which ``str.splitlines()``
(and many JSONL readers built on it) takes for line ends: a record holding one came out as two
broken lines. Inside a JSON document these characters can only occur in strings, so writing them
as ``\\u0085``/``\\u2028``/``\\u2029`` escapes is the same JSON, and every reader gets the text back.
"""

from __future__ import annotations

_SPLITTERS = ((b"\xc2\x85", b"\\u0085"), (b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


def one_line(encoded: bytes) -> bytes:
    """A UTF-8 JSON document with the line separators JSON leaves raw escaped."""
    for raw, escaped in _SPLITTERS:
        if raw in encoded:
            encoded = encoded.replace(raw, escaped)
    return encoded
