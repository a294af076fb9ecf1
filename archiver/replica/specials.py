"""Hand-written articles that every site carries at any scale: the seed speech and one article
for each speech form, date format and data trap the spec lists (see docs/REPLICA-SPEC.md,
"Speeches" and "Data traps"). They are data, one array per site in data/specials.toml (its header
describes an entry); this module only turns an entry into an :class:`Article`.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from archiver.replica import corpus
from archiver.replica.model import BEIJING, Article, Block
from archiver.replica.files import file_articles
from archiver.replica.sites import SITES

DATA = tomllib.loads((Path(__file__).parent / "data" / "specials.toml").read_text("utf-8"))
# The issue #14 platforms share the articles of DATA["platform"], filled in with each one's people.
PLATFORM_PEOPLE: dict[str, dict[str, str]] = DATA["platform_people"]


def _filled(value: Any, fill: dict[str, str]) -> Any:
    """``value`` with ``{chair}``… in every string replaced (a platform template entry)."""
    if isinstance(value, str):
        return value.format_map(fill)
    if isinstance(value, list):
        return [_filled(v, fill) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, fill) for k, v in value.items()}
    return value  # numbers and dates


def _entries(site: str) -> list[dict]:
    if site not in PLATFORM_PEOPLE:
        return DATA.get(site, [])  # newer sites: generic articles only
    fill = {**PLATFORM_PEOPLE[site], "site": site}
    return [{**_filled(e, fill), "num": SITES[site].id_base + e["num"]} for e in DATA["platform"]]


def _generated(part: dict) -> list[str]:
    """The paragraphs a generated body part stands for (before its from/upto cut)."""
    if part.get("seed_speech"):
        return list(corpus.seed_paragraphs())
    if "speech" in part:
        rng = corpus.rng_for(part["speech"])
        return corpus.speech_paragraphs(rng, part["topic"], part["occasion"], part["chars"])
    if "news" in part:
        return corpus.news_paragraphs(corpus.rng_for(part["news"]), part["topic"], part["people"], part["held_on"])
    if "paragraphs" in part:
        rng = corpus.rng_for(part["paragraphs"])  # one stream: each paragraph continues the last
        return [corpus.paragraph(rng, part["topic"], part["sentences"]) for _ in range(part["count"])]
    # A misspelt kind would otherwise fail as a KeyError far from the entry that has it.
    raise ValueError(f"data/specials.toml: a body part of no known kind: {part}")


def _blocks(part: str | dict) -> list[Block]:
    if isinstance(part, str):
        return [Block("p", part)]
    for kind in ("img", "att", "mark"):
        if kind in part:
            return [Block(kind, part[kind], part.get("ext", "jpg" if kind == "img" else ""))]
    return [Block("p", text) for text in _generated(part)[part.get("from", 0):part.get("upto")]]


def _article(site: str, entry: dict, written: dict[str, Article]) -> Article:
    fields = dict(entry)
    if "copy_of" in fields:  # a cross-post: the same article in another column
        main = written[fields.pop("copy_of")]
        return Article(site=site, title=main.title, published=main.published, blocks=list(main.blocks),
                       source=main.source, kind=main.kind, flags=main.flags, also_at=(main.key,), **fields)
    return Article(site=site, published=fields.pop("published").replace(tzinfo=BEIJING),
                   blocks=[block for part in fields.pop("body") for block in _blocks(part)],
                   flags=frozenset(fields.pop("flags", ())), also_at=tuple(fields.pop("also_at", ())),
                   **fields)


def _articles(site: str) -> list[Article]:
    written: dict[str, Article] = {}
    for entry in _entries(site):
        written[entry["key"]] = _article(site, entry, written)
    return list(written.values())


@lru_cache(maxsize=None)
def specials(site: str) -> tuple[Article, ...]:
    """The site's hand-written articles of its speech column, then its speeches published as
    files (issue #19, archiver/replica/files.py)."""
    return tuple(a for a in _articles(site) if a.column == "main") + tuple(file_articles(site))


def secondary(site: str) -> tuple[Article, ...]:
    """Articles of a secondary column (TRS: 政协动态, /zxdt/; the issue #14 platforms: 政协要闻)."""
    others = [a for a in _articles(site) if a.column != "main"]
    return tuple(sorted(others, key=lambda a: a.published, reverse=True))
