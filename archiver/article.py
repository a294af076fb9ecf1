"""One article record from its fetched pages: decode, extract per family, merge, date, speech.

This is what the pipelines, `extract --explain` and the `extract` command run, and what
re-extraction (`archiver/pipelines/reprocess.py`) runs over stored raw pages when the rules
change; `EXTRACTOR` names the rules that produced a record, so bump it whenever the output for
some page changes. It stands above both `archiver.cms` (per-family page extraction) and
`archiver.extract` (pure cleaning and choosing), which never import it (issue #18).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from archiver.cms import allowed_family, canonical_url, detect_family, extract_page, normalize_overrides
from archiver.cms.detect import THRESHOLD, family_scores
from archiver.cms.model import ArticlePage
from archiver.extract.encoding import Decoded, decode_html, normalize_charset
from archiver.extract.pick import day_of, pick_published, pick_title, rejected_dates, strip_controls
from archiver.extract.speech import extract_speech
from archiver.extract.trace import Trace
from archiver.items import FetchedPage

EXTRACTOR = "cppcc-archiver/1.1"  # 1.1: real-page shapes, issues #16 and #23

FIELD_NAMES = (
    "title", "published_at", "published_raw", "published_from", "source", "author", "editor",
    "body", "images", "attachments", "speaker", "speaker_title", "occasion", "delivered_on",
)


@dataclass
class Extraction:
    fields: dict[str, Any]
    audit: list[dict[str, str]] = field(default_factory=list)
    family: str = "generic"
    soft_404: bool = False
    encoding: str | None = None
    replacement_share: float = 0.0
    continuation_urls: list[str] = field(default_factory=list)  # pages not yet among `pages`
    date_candidates: list[tuple[str, str]] = field(default_factory=list)  # (where, raw)
    # Registry overrides that took effect, by registry key (`date_xpath`: its XPath): stored in
    # the version's provenance (issue #16).
    overrides_used: dict[str, str] = field(default_factory=dict)


def _strip_page_controls(part: ArticlePage, audit: list[dict[str, str]]) -> None:
    part.title, part.source, part.author, part.editor = (
        strip_controls(v, audit) for v in (part.title, part.source, part.author, part.editor)
    )
    part.paragraphs = [p for p in (strip_controls(q, audit) for q in part.paragraphs) if p]
    for item in (*part.images, *part.attachments):
        for key in ("caption", "name"):
            if item.get(key):
                item[key] = strip_controls(item[key], audit)


def _decode(page: FetchedPage, forced: str | None) -> Decoded:
    """decode_html, unless the site registry pins the encoding (a site whose bytes lie)."""
    codec = normalize_charset(forced) if forced else None
    if codec:
        text = page.body.decode(codec, errors="replace")
        share = text.count("\ufffd") / len(text) if text else 0.0
        return Decoded(text, codec, forced, share)
    return decode_html(page.body, header_charset=page.header("content-type"))


def extract_record(
    pages: list[FetchedPage],
    *,
    family: str | None = None,
    listing_title: str | None = None,
    listing_date: str | None = None,
    overrides: dict[str, Any] | None = None,
    families: frozenset[str] | None = None,
    trace: Trace | None = None,
) -> Extraction:
    """Merge an article's pages (first page first) into one record; see CONTRACTS.md.

    `families` restricts the family modules that may be used (ARCHIVER_FAMILIES, issue #16): a
    family given or detected that is not allowed gives way to `generic`.
    """
    if not pages:
        raise ValueError("extract_record needs at least one page")
    overrides = normalize_overrides(overrides)
    decoded = [_decode(p, overrides.get("encoding")) for p in pages]
    given = overrides.get("family") or family
    name = allowed_family(given or detect_family(pages[0].url, decoded[0].text, families=families),
                          families)
    if trace is not None:  # `extract --explain` (issue #16)
        trace.family, trace.family_given = name, given
        trace.family_scores, trace.family_threshold = family_scores(pages[0].url, decoded[0].text), THRESHOLD
        trace.families_allowed = sorted(families) if families is not None else None
    parts: list[ArticlePage] = [
        extract_page(p.url, d.text, family=name, overrides=overrides, families=families,
                     trace=trace if i == 0 else None)
        for i, (p, d) in enumerate(zip(pages, decoded))
    ]
    first = parts[0]
    audit: list[dict[str, str]] = []
    for part in parts:
        _strip_page_controls(part, audit)
    title = pick_title(first.title, listing_title, audit)

    paragraphs: list[str] = []
    images: list[dict[str, Any]] = []
    attachments: list[dict[str, Any]] = []
    for part in parts:
        paragraphs.extend(part.paragraphs)
        images.extend(i for i in part.images if all(i["url"] != x["url"] for x in images))
        attachments.extend(a for a in part.attachments if all(a["url"] != x["url"] for x in attachments))
        audit.extend(part.audit)

    now = pages[0].fetched_at
    candidates = list(first.date_candidates)
    if listing_date:
        candidates.append(("listing", listing_date))
    picked = pick_published(candidates, now=now, trace=trace)
    audit.extend(rejected_dates(candidates, now=now))
    published_at = published_raw = published_from = None
    posted_on: date | None = None
    if picked is not None:
        pd, published_from = picked
        published_at, published_raw, posted_on = pd.iso(), pd.raw, day_of(pd)

    source = next((p.source for p in parts if p.source), None)
    author = next((p.author for p in parts if p.author), None)
    editor = next((p.editor for p in reversed(parts) if p.editor), None)
    speech = extract_speech(title, paragraphs, posted_on=posted_on, trace=trace)
    fields: dict[str, Any] = {
        "title": title,
        "published_at": published_at,
        "published_raw": published_raw,
        "published_from": published_from,
        "source": source,
        "author": author,
        "editor": editor,
        "body": "\n".join(paragraphs),
        "images": images,
        "attachments": attachments,
        "speaker": speech.speaker,
        "speaker_title": speech.speaker_title,
        "occasion": speech.occasion,
        "delivered_on": speech.delivered_on,
    }
    used = {f"{key}_xpath": overrides[key] for part in parts for key in part.overrides_used}
    if overrides.get("encoding") and normalize_charset(overrides["encoding"]):
        used["encoding"] = overrides["encoding"]
    if trace is not None:
        trace.removed, trace.overrides_used = list(audit), dict(used)
    fetched = {canonical_url(p.url) for p in pages}
    more: list[str] = []
    for part in parts:
        more.extend(u for u in part.continuation_urls if u not in fetched and u not in more)
    return Extraction(
        fields=fields,
        audit=audit,
        family=name,
        soft_404=first.soft_404,
        encoding=decoded[0].encoding,
        replacement_share=max(d.replacement_share for d in decoded),
        continuation_urls=more,
        date_candidates=candidates,
        overrides_used=used,
    )
