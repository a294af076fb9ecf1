"""Completeness of one column walk: what the column states of its size against what was walked.

Issue #14: a pager the crawler could not read once made it fetch page 1 of `共2页` and call the
site ok. Every listing page's stated size (`共N页`, `共N条`, a script's page count, an API's
total, a last-page link) is kept with the walk, which travels in the listing requests' meta
(so that a distributed walk, parsed by several workers, carries it too). When the walk ends,
a shortfall becomes a line of the site's report (`walked 1 of 2 listing pages (共2页), 5 of ~10
articles`) and the site is `incomplete`; an incremental stop (a page with nothing new) is not a
shortfall. The numbers also go to the run's stats (`archiver/column/*`), and each site's stated
sizes to its counts there (`archiver/site/<slug>/stated_pages`), which its report is made from.
"""

from __future__ import annotations

from typing import Any

import archiver.report as site_reports

WALK = "walk"  # meta key
# Listing pages in a row whose articles were all listed before, or that could not be read, end
# the walk: a pager claiming 100,000 pages over a site that answers its last page for any number,
# or 404 past its real end (issue #14, bad input).
REPEAT_LIMIT = 3


def new_walk() -> dict[str, Any]:
    return {"pages": 0, "failed": 0, "rows": 0, "stated_pages": None, "stated_items": None, "failures": [],
            "repeats": 0, "failing": 0}


def count_page(walk: dict[str, Any], *, rows: int = 0, listed: int = 0, stated_pages: int | None = None,
               stated_items: int | None = None, failure: str | None = None, page: bool = True) -> dict[str, Any]:
    """The walk after one more listing page (a new dict: meta values are shared between requests).
    `rows`: articles new to the run; `listed`: all the page lists; `page=False`: the column page
    of a list API, not one of the pages the API states (its size claims still count)."""
    out = {**walk, "failures": list(walk.get("failures", []))}
    if failure is not None:
        out["failed"] += 1
        out["failing"] = out.get("failing", 0) + 1
        if len(out["failures"]) < 3:
            out["failures"].append(failure)
        return out
    out["pages"] += 1 if page else 0
    out["failing"] = 0
    out["rows"] += rows
    out["repeats"] = out.get("repeats", 0) + 1 if listed and not rows else 0
    for key, value in (("stated_pages", stated_pages), ("stated_items", stated_items)):
        if value is not None and value > 0:
            out[key] = max(value, out[key] or 0)  # the largest claim: never under-state a column
    return out


def shortfalls(walk: dict[str, Any], *, ended: str, max_pages: int | None = None) -> list[str]:
    """What the walk did not cover. `ended`: `last-page`, `incremental`, `cut`, `repeating` or
    `failing`."""
    out: list[str] = []
    pages, rows = walk["pages"], walk["rows"]
    stated_pages, stated_items = walk["stated_pages"], walk["stated_items"]
    if ended == "incremental":
        return out  # nothing new on this page: older pages hold nothing new either
    short_items = stated_items is not None and rows < stated_items
    short_pages = stated_pages is not None and pages < stated_pages and (stated_items is None or short_items)
    if ended == "cut" or short_pages or short_items:
        if stated_pages is not None:
            what = f"walked {pages} of {stated_pages} listing pages (共{stated_pages}页)"
        else:
            what = f"walked {pages} listing pages"
        if stated_items is not None:
            what += f", {rows} of ~{stated_items} articles"
        if ended == "cut":
            what += f": cut at {max_pages} listing pages (raise ARCHIVER_MAX_LISTING_PAGES)"
        elif ended == "repeating":
            what += f": stopped after {REPEAT_LIMIT} pages repeating articles already listed"
        elif ended == "failing":
            what += f": stopped after {REPEAT_LIMIT} listing pages in a row could not be read"
        out.append(what)
    if walk["failed"]:
        out.append(f"{walk['failed']} listing page(s) could not be read ({'; '.join(walk['failures'])})")
    return out


def stop_reason(walk: dict[str, Any]) -> str | None:
    """Why the walk must end before its pending pages: `repeating`, `failing`, or None."""
    if walk.get("repeats", 0) >= REPEAT_LIMIT:
        return "repeating"
    if walk.get("failing", 0) >= REPEAT_LIMIT:
        return "failing"
    return None


def end_walk(report: Any, column: str, walk: dict[str, Any], *, ended: str, max_pages: int, stats: Any,
             name_column: bool = False) -> None:
    """A column's walk is over: its stated size and shortfalls in the site's report and the stats;
    complete (an incremental start next run) only when nothing is short."""
    lines = shortfalls(walk, ended=ended, max_pages=max_pages)
    record(stats, walk, lines)
    for key in site_reports.STATED:  # in the stats, where report.from_stats reads them
        if walk[key] is not None:
            site_reports.count(stats, report.site, key, walk[key])
    for line in lines:
        report.short(f"column {column}: {line}" if name_column else line)
    if not lines:  # else not finished: the next run walks the whole column again
        report.complete_columns.append(column)


def record(stats: Any, walk: dict[str, Any], lines: list[str]) -> None:
    """The walk's numbers in the run's stats (summed over columns)."""
    stats.inc_value("archiver/column/walked_pages", walk["pages"])
    stats.inc_value("archiver/column/listed", walk["rows"])
    if walk["failed"]:
        stats.inc_value("archiver/column/failed_pages", walk["failed"])
    if walk["stated_pages"] is not None:
        stats.inc_value("archiver/column/stated_pages", walk["stated_pages"])
    if walk["stated_items"] is not None:
        stats.inc_value("archiver/column/stated_items", walk["stated_items"])
    if lines:
        stats.inc_value("archiver/column/short")
