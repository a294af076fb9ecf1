"""When a known article is due for a revisit (pure): the one revisit policy (issue #18). The crawl
asks `is_revisit_due` (archiver/state.py), `show` prints `next_check`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Sequence

Interval = tuple[int | None, int]  # (articles younger than N days, or None for any age; every M days)
# ARCHIVER_REVISIT_INTERVALS' default: recent articles often (they get edited), old ones rarely.
DEFAULT_INTERVALS: list[Interval] = [(7, 1), (30, 7), (365, 30), (None, 180)]


def parse_age(published_at: str | None, first_seen_at: datetime) -> date:
    """The article's day of birth: its published date, else when we first saw it."""
    if published_at:
        try:
            return date.fromisoformat(published_at[:10])
        except ValueError:
            pass
    return first_seen_at.date()


def revisit_interval(age_days: int, intervals: Sequence[Interval]) -> timedelta:
    for max_age, every in intervals:
        if max_age is None or age_days <= max_age:
            return timedelta(days=every)
    return timedelta(days=intervals[-1][1])


def is_revisit_due(
    *,
    published_at: str | None,
    first_seen_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    intervals: Sequence[Interval],
) -> bool:
    """Recent articles are revisited often (they get edited), old ones rarely."""
    return now >= next_check(published_at=published_at, first_seen_at=first_seen_at,
                             last_seen_at=last_seen_at, now=now, intervals=intervals)


def next_check(
    *,
    published_at: str | None,
    first_seen_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    intervals: Sequence[Interval],
) -> datetime:
    """When the crawl will next find the article due (its age is counted at `now`)."""
    age_days = (now.date() - parse_age(published_at, first_seen_at)).days
    return last_seen_at + revisit_interval(max(age_days, 0), intervals)
