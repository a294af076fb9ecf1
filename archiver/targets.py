"""What a crawl is asked to walk and what it already knows: the types the spider, the runner,
the distributed crawl and the CLI share (issue #18: defined below all of them, no cycle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class CrawlTarget:
    site: str
    listing_url: str
    family: str | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    full_walk: bool = True
    start_url: str | dict | None = None  # a list API found behind the column page by an earlier run (dict: a POST)
    render: bool = False  # the registry says its listings need a browser (archiver/render.py)
    name: str | None = None  # the registry's name and region of the site, stored (issue #17)
    region: str | None = None


@dataclass(frozen=True)
class KnownArticle:
    url: str
    status: str
    etag: str | None = None
    last_modified: str | None = None
    due: bool = False
