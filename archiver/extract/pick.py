"""The choices made when an article's pages are merged: which title, which publication date,
which dates to note as rejected, and control characters kept out of every value.

Pure functions over candidate values (nothing here knows a CMS family): `archiver.article`
gathers the candidates from each page and calls these (issues #9, #16, #23).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from archiver.extract.dates import ParsedDate, parse_published
from archiver.extract.trace import Trace

__all__ = ["MAX_TITLE_LEN", "day_of", "pick_published", "pick_title", "rejected_dates", "strip_controls"]


def _is_truncated(title: str | None) -> bool:
    return bool(title) and title.rstrip().endswith(("...", "…", "..", "。。。"))  # type: ignore[union-attr]


MAX_TITLE_LEN = 300


def pick_title(page_title: str | None, listing_title: str | None, audit: list[dict[str, str]]) -> str | None:
    """The page's title; the listing's when the page gives none or cuts it with `...` and the
    listing has it whole (issue #16); a 2,000-character "title" is a body, not a title."""
    title = page_title
    if title and len(title) > MAX_TITLE_LEN:
        audit.append({"rule": "title_too_long", "text": title[:80] + "…"})
        title = None
    if listing_title and not _is_truncated(listing_title) and len(listing_title) <= MAX_TITLE_LEN:
        if not title:
            return listing_title
        stem = title.rstrip().rstrip(".…。").rstrip()
        if _is_truncated(title) and len(listing_title) > len(stem) and listing_title.startswith(stem):
            audit.append({"rule": "truncated_title", "text": title})
            return listing_title
    return title


def pick_published(
    candidates: list[tuple[str, str]], *, now: datetime, trace: Trace | None = None
) -> tuple[ParsedDate, str] | None:
    """The first candidate that parses, in priority order (meta, info, url, body, listing).

    A date-only winner is upgraded by a later candidate of the article itself that gives the
    same day with a time (a PubDate meta without time, an info row with one): the page gave a
    time and archivists want it. The listing never overrides the article.
    """
    parsed: list[tuple[ParsedDate, str]] = []
    traced: dict[int, dict[str, Any]] = {}  # id(parsed date) -> its trace row
    for where, raw in candidates:
        pd = parse_published(raw, now=now)
        if trace is not None:
            traced[id(pd)] = {"where": where, "raw": raw, "parsed": pd.iso() if pd else None,
                              "precision": pd.precision if pd else None, "chosen": False}
            trace.dates.append(traced[id(pd)])
        if pd is not None and pd.precision != "month":
            parsed.append((pd, where))
    if not parsed:
        return None
    best, where = _upgraded(parsed)
    if trace is not None:
        traced[id(best)]["chosen"] = True
    return best, where


def _upgraded(parsed: list[tuple[ParsedDate, str]]) -> tuple[ParsedDate, str]:
    """The first parsed candidate, or the later one with a time that upgrades it."""
    best, where = parsed[0]
    if not best.has_time:
        day = day_of(best)
        for pd, other in parsed[1:]:
            if other != "listing" and pd.has_time and day_of(pd) == day:
                return pd, other
        if where in ("meta", "url"):
            # The date-time printed under the headline beats a date-only meta or URL even when
            # their days differ: the page shows it for the article (issue #23).
            for pd, other in parsed[1:]:
                if other == "info" and pd.has_time:
                    return pd, other
    return best, where


_YEAR = re.compile(r"(?:1[89]|2\d)\d{2}")


def rejected_dates(candidates: list[tuple[str, str]], *, now: datetime) -> list[dict[str, str]]:
    """Audit notes for candidates that name a year yet do not parse: a date in the future or
    before the archive's range (issue #16 "Bad input"), or an impossible one (2023-02-30)."""
    notes = []
    for where, raw in candidates:
        if _YEAR.search(raw) and parse_published(raw, now=now) is None:
            notes.append({"rule": "date_rejected", "text": f"{where}: {raw}"})
    return notes


def day_of(pd: ParsedDate) -> date:
    """The calendar day of a parsed date, with or without its time."""
    return pd.value.date() if isinstance(pd.value, datetime) else pd.value


# Terminal escape sequences (CSI `ESC[2J`, OSC 8 hyperlinks) and other C0 controls planted in a
# page would reach an archivist's terminal through `show`/`search`: never stored (issue #9).
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f]")


def strip_controls(value: str | None, audit: list[dict[str, str]]) -> str | None:
    """`value` without control characters; each removal is audited (escaped, so inert)."""
    if not value or not _ESCAPES.search(value):
        return value
    for match in _ESCAPES.finditer(value):
        escaped = match.group(0).encode("unicode_escape").decode("ascii")
        audit.append({"rule": "control_chars", "text": escaped})
    return _ESCAPES.sub("", value).strip() or None
