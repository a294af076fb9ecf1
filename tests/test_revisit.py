from datetime import UTC, datetime, timedelta

import pytest

from archiver.revisit import is_revisit_due, next_check, revisit_interval
from archiver.settings import ARCHIVER_REVISIT_INTERVALS as INTERVALS

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "published_at, last_seen_days_ago, due",
    [
        ("2026-11-25T10:00:00+08:00", 2, True),  # two days old, seen two days ago: daily
        ("2026-11-25", 0.5, False),  # seen twelve hours ago
        ("2026-11-01", 3, False),  # within a month: weekly
        ("2026-11-01", 8, True),
        ("2025-12-01", 20, False),  # within a year: monthly
        ("2025-12-01", 31, True),
        ("2019-03-01", 100, False),  # old: twice a year
        ("2019-03-01", 181, True),
    ],
)
def test_recent_articles_are_revisited_often_and_old_ones_rarely(published_at, last_seen_days_ago, due):
    last_seen = NOW - timedelta(days=last_seen_days_ago)
    assert is_revisit_due(
        published_at=published_at, first_seen_at=last_seen, last_seen_at=last_seen, now=NOW,
        intervals=INTERVALS,
    ) is due


def test_unknown_publication_date_falls_back_to_first_seen():
    first_seen = NOW - timedelta(days=3)
    assert is_revisit_due(
        published_at=None, first_seen_at=first_seen, last_seen_at=NOW - timedelta(days=1, hours=1),
        now=NOW, intervals=INTERVALS,
    )


def test_interval_table_is_read_in_order():
    assert revisit_interval(0, INTERVALS) == timedelta(days=1)
    assert revisit_interval(400, INTERVALS) == timedelta(days=180)


def test_next_check_is_when_the_crawl_finds_the_article_due():
    """Issue #18: `show` prints next_check; the crawl asks is_revisit_due: one policy."""
    seen = datetime(2026, 3, 1, 8, tzinfo=UTC)
    kwargs = dict(published_at="2026-02-27", first_seen_at=seen, last_seen_at=seen, intervals=INTERVALS)
    assert next_check(now=seen, **kwargs) == seen + timedelta(days=1)  # 2 days old: every day
    later = seen + timedelta(days=20)  # 22 days old by then: weekly
    assert next_check(now=later, **kwargs) == seen + timedelta(days=7)
    assert is_revisit_due(now=seen + timedelta(days=7), **kwargs)
    assert not is_revisit_due(now=seen + timedelta(days=6), **kwargs)
