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


def diff_chars(old: str, new: str) -> tuple[tuple[str, str], ...]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", old[i1:i2]))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", old[i1:i2]))
        if op in ("insert", "replace"):
            segments.append(("insert", new[j1:j2]))
    return tuple(segments)


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
                    lines.append(DiffLine("changed", diff_chars(old_run[k].rstrip("\n"), new_run[k].rstrip("\n"))))
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
