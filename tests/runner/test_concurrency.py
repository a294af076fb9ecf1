"""Issue #21: requests in flight scale with the number of hosts crawled; one per host stays."""

from __future__ import annotations

from archiver.runner import CrawlRequest, build_settings
from archiver.spiders.column import CrawlTarget


def request(hosts: int, columns_per_host: int = 1, **settings) -> CrawlRequest:
    targets = [CrawlTarget(f"s{i}", f"http://site{i:04d}.zx.test/col{c}/index.html")
               for i in range(hosts) for c in range(columns_per_host)]
    return CrawlRequest(db_url="sqlite://", targets=targets, settings=settings)


def test_concurrency_follows_the_number_of_hosts():
    assert build_settings(request(200)).getint("CONCURRENT_REQUESTS") == 200
    # Columns of one host share its single slot: hosts count, not columns.
    assert build_settings(request(100, columns_per_host=3)).getint("CONCURRENT_REQUESTS") == 100
    assert build_settings(request(300)).getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1


def test_concurrency_has_a_floor_and_a_ceiling():
    assert build_settings(request(2)).getint("CONCURRENT_REQUESTS") == 16
    settings = build_settings(request(3000))
    assert settings.getint("CONCURRENT_REQUESTS") == settings.getint("ARCHIVER_MAX_CONCURRENT_REQUESTS") == 256
    assert build_settings(request(3000, ARCHIVER_MAX_CONCURRENT_REQUESTS=1000)).getint("CONCURRENT_REQUESTS") == 1000


def test_an_explicit_setting_wins():
    assert build_settings(request(3000, CONCURRENT_REQUESTS="24")).getint("CONCURRENT_REQUESTS") == 24
