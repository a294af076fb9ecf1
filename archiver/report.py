"""Per-site outcome of one crawl: what the summary line, `runs` and the exit code are made of.

The counts of a site live in the crawl's Scrapy stats, under ``archiver/site/<slug>/<name>``:
the spider counts requests and listings there, the storage pipeline what it stored, and neither
edits the other's objects (issue #18). The columns' stated sizes are summed there too (a column
finished by any worker of a distributed run counts). The spider keeps only its walk of each site
(shortfalls, complete columns, entry points) in a ``SiteReport`` without counts; ``from_stats``
makes the site's report from that walk and the stats, the one place counts become a report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

OK, FAILED, CHALLENGED, UNHEALTHY = "ok", "failed", "challenged", "unhealthy"
# A site whose column was not walked or stored in full (issues #14, #15): the summary names
# what is missing and why; a crawl cut short by SIGTERM/Ctrl-C reports its sites interrupted.
INCOMPLETE, INTERRUPTED = "incomplete", "interrupted"
# Most severe first: the outcome is the first that applies.
OUTCOME_ORDER = (CHALLENGED, FAILED, INTERRUPTED, UNHEALTHY, INCOMPLETE, OK)
MAX_MESSAGES = 20
SITE_STATS = "archiver/site"
# The counts kept in the stats (summed over workers by the distributed run as any stat is).
COUNTED = ("listing_pages", "listing_errors", "listed", "new", "updated", "unchanged", "not_modified",
           "removed", "restored", "errors", "requests", "storage_errors")
# What the site's columns say of their size, summed over the columns that say it; absent (None in
# the report) when none does. In the stats like the counts, so that a distributed run adds up
# the columns every worker finished walking (issue #18).
STATED = ("stated_pages", "stated_items")


@dataclass
class SiteReport:
    site: str
    listing_url: str
    listing_pages: int = 0
    listing_errors: int = 0
    listed: int = 0  # article links found in listings
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: int = 0
    removed: int = 0
    restored: int = 0
    errors: int = 0
    requests: int = 0
    challenged: bool = False
    # Columns whose walk ended normally (last page, or an incremental stop): a later run may
    # then stop at the first page with nothing new. A killed run leaves this empty.
    complete_columns: list[str] = field(default_factory=list)
    # Column URL -> the list API its page merely points at (start there next time): its URL, or
    # {"url", "method", "form", "json"} for an API asked by POST.
    entry_points: dict[str, str | dict] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    health: list[str] = field(default_factory=list)
    # What the column says of its own size (`共N页`, `共N条`, an API total, a script's page
    # count), when it says it; compared with what was walked and stored.
    stated_pages: int | None = None
    stated_items: int | None = None
    storage_errors: int = 0  # listed articles fetched but not stored (lock, disk full, a bug)
    # What was not done, each with its numbers and reason ("walked 1 of 2 listing pages (共2页)").
    shortfalls: list[str] = field(default_factory=list)
    interrupted: bool = False
    # Issue #22: for entries that know only a homepage, the columns discovery found there
    # ({homepage, columns, at, …}); the next run reuses them (archiver/discover/cache.py).
    discovered: dict = field(default_factory=dict)

    def note(self, message: str) -> None:
        # Keep the report small even when a site fails on every page.
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(message)

    @property
    def stored(self) -> int:
        return self.new + self.updated + self.unchanged + self.not_modified

    def short(self, reason: str) -> None:
        """Record something not walked or not stored: the site cannot be ``ok``."""
        if reason not in self.shortfalls and len(self.shortfalls) < 20:
            self.shortfalls.append(reason)

    @property
    def outcome(self) -> str:
        if self.challenged:
            return CHALLENGED
        if self.listing_pages == 0:
            return FAILED
        if self.interrupted:
            return INTERRUPTED
        if self.health:
            return UNHEALTHY
        if self.shortfalls or self.errors or self.storage_errors:
            return INCOMPLETE
        return OK

    def summary_line(self) -> str:
        parts = [
            f"{self.site}: {self.outcome}",
            f"{self.new} new",
            f"{self.updated} changed",
            f"{self.unchanged + self.not_modified} unchanged",
            f"{self.removed} removed",
            f"{self.errors} errors",
            f"{self.requests} requests",
        ]
        line = ", ".join(parts)
        detail = self.health + self.shortfalls + self.messages[:1]
        return f"{line} ({'; '.join(detail)})" if detail else line

    def to_dict(self) -> dict:
        data = asdict(self)
        data["outcome"] = self.outcome
        return data


def site_stat(site: str, name: str) -> str:
    return f"{SITE_STATS}/{site}/{name}"


def count(stats: Any, site: str, name: str, n: int = 1) -> None:
    """Count ``n`` of ``name`` (one of ``COUNTED`` or ``STATED``) for ``site`` in the crawl's stats."""
    stats.inc_value(site_stat(site, name), n)


def note(stats: Any, site: str, message: str) -> None:
    """A line for the site's report, in the order things happened (the first is in the summary)."""
    notes = stats.get_value(site_stat(site, "messages"))
    if notes is None:
        notes = []
        stats.set_value(site_stat(site, "messages"), notes)
    if len(notes) < MAX_MESSAGES:
        notes.append(message)


def challenge(stats: Any, site: str) -> None:
    """The site answered with an anti-crawler challenge (412/521): reported, never circumvented."""
    stats.set_value(site_stat(site, "challenged"), 1)


def from_stats(walk: SiteReport, stats: Mapping[str, Any]) -> SiteReport:
    """The site's report: its walk (a ``SiteReport`` without counts) with the counts, the
    challenge and the notes the stats hold for it; the notes of the walk itself come after."""
    def stat(name: str, default: Any = 0) -> Any:
        return stats.get(site_stat(walk.site, name), default)

    report = replace(walk, complete_columns=list(walk.complete_columns), entry_points=dict(walk.entry_points),
                     messages=(list(stat("messages", [])) + walk.messages)[:MAX_MESSAGES],
                     health=list(walk.health), shortfalls=list(walk.shortfalls), discovered=dict(walk.discovered),
                     challenged=walk.challenged or bool(stat("challenged")))
    for name in COUNTED:
        setattr(report, name, int(stat(name)))
    for name in STATED:
        value = stat(name, None)
        setattr(report, name, None if value is None else int(value))
    return report
