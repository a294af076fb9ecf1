"""An article's fields once its files were fetched (issue #19): pure functions, no I/O.

Each ``attachments[]`` entry gains ``sha256``, ``media_type``, ``size``, ``status`` (stored |
skipped | failed | removed), ``reason`` and ``text_chars``; each ``images[]`` entry the same
without ``text_chars``. These are part of the version's fields, so a revisit that finds a file
changed (another digest) or gone makes a new version whose diff names the file.

The text itself is not a field: it is stored once per distinct file (``file_texts``) and joined
back by export, ``show`` and search, so a 300-page report does not bloat every version.

When the page holds only an intro and no speaker, the speech fields are read from the first
lines of the first attachment with text, and the audit says so (rule ``speech_from_attachment``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from archiver.extract.speech import SPEECH_TITLE_RE, extract_speech

FILE_KEYS = ("sha256", "media_type", "size", "status", "reason", "text_chars")
SPEECH_FIELDS = ("speaker", "speaker_title", "occasion", "delivered_on")
INTRO_MAX_CHARS = 400  # a page this short next to a speech file is an intro, not the speech
HEAD_LINES = 40  # speech.py reads subtitles and name lines near the top


@dataclass
class FileResult:
    """One file linked from an article, as fetched (or not) by the files pipeline."""

    role: str  # attachment | image
    index: int  # position in fields[role + "s"]
    url: str
    status: str  # stored | skipped | failed | removed
    reason: str | None = None
    sha256: str | None = None
    media_type: str | None = None
    size: int | None = None
    filename: str | None = None  # from Content-Disposition, when the server named it
    text_status: str | None = None  # text | no-text | failed
    text: str | None = None
    text_reason: str | None = None
    pages: int | None = None
    page: Any = None  # the FetchedPage of the exchange (None when nothing was requested)


def apply_files(fields: dict[str, Any], files: list[FileResult]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """New fields with every file's outcome in its entry, and audit lines for what was read
    from a file (the fields passed in are not changed)."""
    fields = dict(fields)
    audit: list[dict[str, str]] = []
    lists = {role: [dict(e) for e in fields.get(role + "s") or []] for role in ("attachment", "image")}
    for result in files:
        entries = lists[result.role]
        if not 0 <= result.index < len(entries):
            continue
        entry = entries[result.index]
        entry.update(sha256=result.sha256, media_type=result.media_type, size=result.size,
                     status=result.status, reason=result.reason)
        if result.role == "attachment":
            entry["text_chars"] = len(result.text) if result.text else 0
            if result.text_reason and result.status == "stored":
                entry["reason"] = result.text_reason  # no text (format), failed, or cut
            if result.filename and result.filename != entry.get("name"):
                entry["filename"] = result.filename
    fields["attachments"], fields["images"] = lists["attachment"], lists["image"]
    speech, source = speech_from_files(fields, files)
    if speech:
        fields.update(speech)
        fields["speech_from"] = f"attachment: {source}"
        audit.append({"rule": "speech_from_attachment", "text": source})
    return fields, audit


def speech_from_files(fields: dict[str, Any], files: list[FileResult]) -> tuple[dict[str, Any], str | None]:
    """Speech fields from the first attachment with text, when the page names no speaker and its
    body is an intro (or empty)."""
    if fields.get("speaker") or len(fields.get("body") or "") > INTRO_MAX_CHARS:
        return {}, None
    if not SPEECH_TITLE_RE.search(fields.get("title") or ""):
        return {}, None  # a notice with files attached is not a speech because a file is one
    posted_on = _day(fields.get("published_at"))
    for result in files:
        if result.role != "attachment" or not result.text:
            continue
        lines = [line.strip() for line in result.text.split("\n") if line.strip()][:HEAD_LINES]
        if not lines:
            continue
        meta = extract_speech(fields.get("title") or lines[0], lines, posted_on=posted_on)
        if meta.speaker:
            found = dict(zip(SPEECH_FIELDS, (meta.speaker, meta.speaker_title, meta.occasion, meta.delivered_on)))
            wanted = {k: v for k, v in found.items() if v and not fields.get(k)}
            name = result.filename or _name(fields, result) or result.url
            return wanted, name
    return {}, None


def _name(fields: dict[str, Any], result: FileResult) -> str | None:
    entries = fields.get(result.role + "s") or []
    return entries[result.index].get("name") if result.index < len(entries) else None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def carry_files(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """``reprocess``: re-extracted fields keep what the crawl learnt of each file (matched by URL),
    so re-extraction alone makes no version (speech fields are read again from the texts)."""
    new = dict(new)
    for key in ("attachments", "images"):
        known = {e.get("url"): e for e in old.get(key) or []}
        merged = []
        for entry in new.get(key) or []:
            before = known.get(entry.get("url"))
            if before:
                entry = {**entry, **{k: before[k] for k in (*FILE_KEYS, "filename") if k in before}}
            merged.append(entry)
        new[key] = merged
    return new
