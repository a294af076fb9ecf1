"""Discovery as a table, as JSON (`--format json`) and as a registry entry (TOML) to paste."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict
from urllib.parse import urlsplit

from archiver.discover import Check, Discovery


def as_dict(found: Discovery) -> dict:
    return {
        "homepage": found.homepage, "url": found.url, "platform": found.platform, "problem": found.problem,
        "links": found.links, "speech_column": found.speech_column, "notes": found.notes,
        "proposed": [c.url for c in found.proposed],
        "candidates": [{**{k: v for k, v in asdict(c).items() if k != "entries"}, "walks": c.walks}
                       for c in found.candidates],
    }


def as_json(found: Discovery, check: Check | None = None) -> str:
    data = as_dict(found)
    if check is not None:
        data["check"] = {**asdict(check), "ok": check.ok}
    return json.dumps(data, ensure_ascii=False, indent=2)


def as_table(found: Discovery) -> str:
    lines = [f"homepage {found.homepage}" + (f" (read at {found.url})" if found.url and found.url != found.homepage else "")]
    if found.problem:
        return "\n".join(lines + [f"FAILED: {found.problem}"])
    lines.append(f"platform {found.platform}; {found.links} column links read")
    lines += [f"note: {note}" for note in found.notes]
    lines.append(f"{'rank':<5}{'score':>6}  {'column':<10}{'kind':<9}{'family':<10}{'walks':<15}speech-like titles / URL")
    for i, c in enumerate(found.candidates, 1):
        shown = f"{len(c.speech_titles)}/{len(c.titles)}"
        lines.append(f"{i:<5}{c.score:>6}  {_pad(c.label, 10)}{c.kind:<9}{c.family or '-':<10}{c.walks:<15}{shown:<6} {c.url}")
        lines.append(f"{'':<13}evidence: {c.evidence}" + (f"; {c.error}" if c.error else ""))
        for title in c.speech_titles[:3]:
            lines.append(f"{'':<13}e.g. {title}")
    proposed = found.proposed
    lines.append("proposed: " + (", ".join(c.url for c in proposed) if proposed else "none (nothing to register)"))
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Pad to a terminal width: CJK characters take two columns (the table stays aligned)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(1, width - used)


def default_slug(url: str) -> str:
    host = urlsplit(url).hostname or "site"
    host = re.sub(r"^www\.", "", host)
    host = re.sub(r"\.(gov|org|com|net)\.cn$|\.(cn|com|org|net)$", "", host)
    slug = re.sub(r"[^a-z0-9]+", "_", host.lower()).strip("_") or "site"
    return slug if slug[0].isalpha() else "site_" + slug


def registry_entry(found: Discovery, *, slug: str, name: str, region: str, verified_on: str | None = None,
                   check: Check | None = None, columns: list | None = None) -> str:
    """One `[[site]]` table for a registry file (tomllib reads it back: tested). ``columns``: the
    candidates to write (`sites add` writes only those its check passed); default, the proposed."""
    chosen = found.proposed if columns is None else columns
    columns = ", ".join(json.dumps(c.url, ensure_ascii=False) for c in chosen)
    families = {c.family for c in chosen}
    lines = ["[[site]]", f"slug = {json.dumps(slug)}", f"name = {json.dumps(name, ensure_ascii=False)}",
             f"region = {json.dumps(region, ensure_ascii=False)}"]
    if len(families) == 1 and (family := families.pop()) not in ("", "generic"):
        lines.append(f"family = {json.dumps(family)}")
    if any(c.rendered for c in chosen):
        lines.append("render = true")  # the check read the list through a browser: so must the crawl
    lines += [f"homepage = {json.dumps(found.homepage, ensure_ascii=False)}", f"columns = [{columns}]",
              f"source = {json.dumps('discovered from the homepage by cppcc-archiver sites discover', ensure_ascii=False)}",
              f"verified = {'true' if verified_on else 'false'}"]
    if verified_on:
        lines.append(f"verified_on = {json.dumps(verified_on)}")
    if check is not None and check.article_url:
        lines.append(f"notes = {json.dumps('checked with ' + check.article_url, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
