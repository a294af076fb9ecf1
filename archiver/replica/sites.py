"""The replica sites: one per CMS family for the six modelled families, and the platforms added for
issue #14 (JEECMS, DedeCMS, EmpireCMS, WordPress, PHPCMS, SiteServer and their variants; see
docs/REPLICA-PLATFORMS.md), each with its own identity and chrome data (data/sites.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from archiver.replica.model import BEIJING


@dataclass(frozen=True)
class SiteSpec:
    slug: str
    family: str
    name: str  # 荆州市政协
    domain: str
    column_name: str
    listing_path: str
    charset: str = "utf-8"  # the bytes
    declared: str = "utf-8"  # what the page's <meta> says
    per_page: int = 8
    id_base: int = 100000
    id_stride: int = 7
    precision: str = "minute"  # how the info row gives the publication time
    site_code: str = "4210000001"
    icp: str = ""
    gongan: str = ""
    address: str = ""
    postcode: str = ""
    tech: str = ""
    extra: dict = field(default_factory=dict)


# The sites themselves are data (data/sites.toml), one table per site in serving order.
SITES: dict[str, SiteSpec] = {
    s["slug"]: SiteSpec(**s)
    for s in tomllib.loads((Path(__file__).parent / "data" / "sites.toml").read_text("utf-8"))["site"]
}

# The six families the crawler has family modules for; the others are the issue #14 platforms,
# which only the generic path walks (tests that need a family module loop over these six).
MODELLED_FAMILIES = ("trs", "hanweb", "legacy", "datepath", "post", "detail")
MODELLED_SITES = tuple(slug for slug, s in SITES.items()
                       if s.family in MODELLED_FAMILIES and not s.extra.get("opt_in"))
# Served by default (opt-in sites such as `rendered` only when asked for by name).
NEW_SITES = tuple(slug for slug, s in SITES.items()
                  if slug not in MODELLED_SITES and not s.extra.get("opt_in"))

# The simulated calendar: day 1 is this date; day N is N-1 days later.
DAY1 = datetime(2025, 6, 3, 9, 0, tzinfo=BEIJING)
# Newest day-1 generic article; generic articles spread back to SPAN_START.
ANCHOR = datetime(2025, 5, 30, 16, 20, tzinfo=BEIJING)
SPAN_START = datetime(2012, 3, 1, 9, 0, tzinfo=BEIJING)
DEFAULT_SCALE = 20
