"""Readable differences between two versions of an article.

Chinese bodies are long paragraphs without spaces, so a line diff says only "the paragraph
changed". Bodies are compared first by sentences (split after 。！？；!?; and newlines), then,
inside each changed pair of sentences, by characters (difflib), so a one-character edit
(完成各项议程 -> 完成了各项议程) shows as exactly that character. Plain output uses the wdiff
convention: ``[-deleted-]`` and ``{+inserted+}``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")
COMPARED_FIELDS = ("title", "published_at", "speaker", "speaker_title", "delivered_on", "source",
                   "author", "occasion", "images", "attachments")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # same | changed | removed | added | skipped
    segments: tuple[tuple[str, str], ...]  # (equal|delete|insert, text)


def split_sentences(text: str | None) -> list[str]:
    """Sentences with their closing punctuation; empty pieces dropped."""
    return [s for s in SENTENCE_END.split(text or "") if s.strip()]


# difflib's matching is quadratic: a 40,000-character paragraph with an edit did not finish in
# 60 s (issue #15). Past this many cells (characters of the changed middle of one times the
# other, ~1 s on a slow machine), a passage is compared by clauses, and past it again shown whole.
MAX_DIFF_CELLS = 4_000_000
CLAUSE_END = re.compile(r"(?<=[，、,：:；;。！？!?\s])")


def diff_chars(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Character-level difference; bounded: see MAX_DIFF_CELLS and `too_long_for_chars`."""
    head = _common_prefix(old, new)
    tail = _common_prefix(old[head:][::-1], new[head:][::-1])
    a, b = old[head:len(old) - tail], new[head:len(new) - tail]
    segments: list[tuple[str, str]] = [("equal", old[:head])] if head else []
    if len(a) * len(b) <= MAX_DIFF_CELLS:
        segments += _opcodes(a, b, a, b)
    else:
        segments += _diff_clauses(a, b)
    if tail:
        segments.append(("equal", old[len(old) - tail:]))
    return tuple(segments)


def too_long_for_chars(old: str, new: str) -> bool:
    """True when `diff_chars` compares these by clauses (or whole), not by characters."""
    head = _common_prefix(old, new)
    tail = _common_prefix(old[head:][::-1], new[head:][::-1])
    return (len(old) - head - tail) * (len(new) - head - tail) > MAX_DIFF_CELLS


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    if a[:n] == b[:n]:
        return n
    lo, hi = 0, n  # binary search on slices: C-speed comparisons, no per-character loop
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _diff_clauses(a: str, b: str) -> list[tuple[str, str]]:
    x, y = [c for c in CLAUSE_END.split(a) if c], [c for c in CLAUSE_END.split(b) if c]
    if len(x) * len(y) > MAX_DIFF_CELLS:
        return [("delete", a), ("insert", b)]
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes():
        old, new = "".join(x[i1:i2]), "".join(y[j1:j2])
        if op == "replace" and len(old) * len(new) <= MAX_DIFF_CELLS:
            segments += _opcodes(old, new, old, new)
        else:
            segments += _opcodes_whole(op, old, new)
    return segments


def _opcodes(a, b, old: str, new: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        segments += _opcodes_whole(op, old[i1:i2], new[j1:j2])
    return segments


def _opcodes_whole(op: str, old: str, new: str) -> list[tuple[str, str]]:
    if op == "equal":
        return [("equal", old)]
    return ([("delete", old)] if old else []) + ([("insert", new)] if new else [])


def diff_text(old: str | None, new: str | None, *, context: int = 1) -> list[DiffLine]:
    """Sentence-level diff, character-level inside changed sentences; unchanged runs elided."""
    a, b = split_sentences(old), split_sentences(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    lines: list[DiffLine] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = [DiffLine("same", (("equal", s.rstrip("\n")),)) for s in a[i1:i2]]
            if len(same) > 2 * context + 1:
                head = same[:context] if lines else []
                tail = same[-context:] if i2 < len(a) or j2 < len(b) else []
                hidden = len(same) - len(head) - len(tail)
                skipped = DiffLine("skipped", (("equal", f"… {hidden} unchanged sentences …"),))
                lines += head + ([skipped] if hidden else []) + tail
            else:
                lines += same
        elif op == "replace":
            old_run, new_run = a[i1:i2], b[j1:j2]
            # Pair sentences one to one; the remainder is plainly removed or added.
            for k in range(max(len(old_run), len(new_run))):
                if k < len(old_run) and k < len(new_run):
                    before, after = old_run[k].rstrip("\n"), new_run[k].rstrip("\n")
                    lines.append(DiffLine("changed", diff_chars(before, after)))
                    if too_long_for_chars(before, after):  # said, so nobody reads it as exact
                        lines.append(DiffLine("skipped", (("equal", ABBREVIATED),)))
                elif k < len(old_run):
                    lines.append(DiffLine("removed", (("delete", old_run[k].rstrip("\n")),)))
                else:
                    lines.append(DiffLine("added", (("insert", new_run[k].rstrip("\n")),)))
        elif op == "delete":
            lines += [DiffLine("removed", (("delete", s.rstrip("\n")),)) for s in a[i1:i2]]
        else:
            lines += [DiffLine("added", (("insert", s.rstrip("\n")),)) for s in b[j1:j2]]
    return lines


def diff_fields(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for each compared field (not the body) whose value changed."""
    keys = [k for k in COMPARED_FIELDS] + sorted(
        k for k in set(old) | set(new) if k not in COMPARED_FIELDS and k != "body"
    )
    return [(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


ABBREVIATED = "… a long sentence: compared clause by clause, not character by character …"
PREFIX = {"same": "  ", "changed": "~ ", "removed": "- ", "added": "+ ", "skipped": "  "}


def format_segments(segments: tuple[tuple[str, str], ...]) -> str:
    out = []
    for op, value in segments:
        out.append(value if op == "equal" else f"[-{value}-]" if op == "delete" else f"{{+{value}+}}")
    return "".join(out)


def format_plain(old: dict[str, Any], new: dict[str, Any]) -> str:
    """The whole difference between two versions' fields as plain text."""
    parts = []
    for name, before, after in diff_fields(old, new):
        if isinstance(before, str) and isinstance(after, str):
            parts.append(f"{name}: {format_segments(diff_chars(before, after))}")
        else:
            parts.append(f"{name}: {before!r} -> {after!r}")
    body = diff_text(old.get("body"), new.get("body"))
    if any(line.kind not in ("same", "skipped") for line in body):
        parts.append("body:")
        parts += [PREFIX[line.kind] + format_segments(line.segments) for line in body]
    return "\n".join(parts) if parts else "(no differences in the extracted fields)"
