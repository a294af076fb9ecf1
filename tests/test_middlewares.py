from datetime import UTC, datetime

from archiver.middlewares import retry_after_seconds

NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after_seconds("120", now=NOW) == 120
    assert retry_after_seconds("Fri, 27 Nov 2026 12:00:30 GMT", now=NOW) == 30
    assert retry_after_seconds("Fri, 27 Nov 2026 11:00:00 GMT", now=NOW) == 0
    assert retry_after_seconds("soon", now=NOW) is None
    assert retry_after_seconds(None, now=NOW) is None
