"""Stored text made inert for a terminal (issues #9 and #15).

An archive holds whatever pages said. Printed raw, ESC sequences would clear the archivist's
screen or plant hyperlinks; bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C)
reorder what is shown, so a URL or a name reads as something else (Trojan Source); U+2028/U+2029
and the C1 NEL break lines where the text has none. Each is shown as an escape (``\\x1b``,
``\\u202e``) instead: visible, and obeyed by nothing.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls; bidi controls; line/paragraph separators.
_TERMINAL_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: str) -> str:
    """``text`` safe to print on a terminal: controls shown as ``\\xNN``/``\\uNNNN``."""
    return _TERMINAL_CONTROLS.sub(_shown, text)
