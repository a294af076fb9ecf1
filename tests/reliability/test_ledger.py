"""ColumnLedger (archiver/spiders/completeness.py, issue #15) on its own: a column is complete
only when its walk ended and every article it listed was confirmed stored."""

from __future__ import annotations

from scrapy.http import Request

from archiver.report import SiteReport
from archiver.spiders.completeness import ColumnLedger

A, B = "http://x.test/a/index.html", "http://x.test/b/index.html"


def listed(column: str, url: str, **meta) -> Request:
    return Request(url, meta={"target": column, "article_url": url, **meta})


def test_a_column_with_an_article_not_stored_is_not_complete():
    ledger = ColumnLedger()
    for column, n in ((A, 3), (B, 2)):
        for i in range(n):
            ledger.scheduled(listed(column, f"{column}{i}.html"))
    # A continuation page and a revisit (no column) are not counted against any column.
    ledger.scheduled(listed(A, f"{A}0_1.html", pages=["first"]))
    ledger.scheduled(Request("http://x.test/old.html", meta={"article_url": "http://x.test/old.html"}))
    for url in (f"{A}0.html", f"{A}1.html", f"{B}0.html", f"{B}1.html", "http://x.test/old.html"):
        ledger.stored(url)
    report = SiteReport(site="x", listing_url=A, complete_columns=[A, B], listing_pages=1)
    ledger.settle(report, failed=set())
    assert report.complete_columns == [B]
    assert report.shortfalls == [f"1 listed articles of {A} not stored: the next run walks the column again"]
    assert report.outcome == "incomplete"


def test_storage_errors_and_failed_columns_are_said():
    ledger = ColumnLedger()
    report = SiteReport(site="x", listing_url=A, complete_columns=[A, B], storage_errors=2, listing_pages=1)
    ledger.settle(report, failed={B})
    assert report.complete_columns == [A]
    assert "2 items not stored (storage errors)" in report.shortfalls
    assert report.outcome == "incomplete"
