"""When a known article is due for a revisit (pure)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Sequence

Interval = tuple[int | None, int]  # (articles younger than N days, or None for any age; every M days)


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
    age_days = (now.date() - parse_age(published_at, first_seen_at)).days
    return now - last_seen_at >= revisit_interval(max(age_days, 0), intervals)
