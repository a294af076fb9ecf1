"""A site's report is made from the crawl's stats (archiver/report.py, issue #18): the spider and
the storage pipeline count and note there, the spider keeps the walk; `from_stats` joins them."""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from archiver import report
from archiver.report import SiteReport


def test_a_report_is_the_walk_with_the_counts_and_notes_of_its_site() -> None:
    stats = MemoryStatsCollector(get_crawler())
    report.count(stats, "a", "new", 3)
    report.count(stats, "a", "requests")
    report.count(stats, "a", "requests")
    report.count(stats, "a", "listing_pages")
    report.count(stats, "b", "new", 7)  # another site's counts stay its own
    report.note(stats, "a", "first note: the summary shows it")
    report.note(stats, "a", "second note")
    report.challenge(stats, "b")
    walk = SiteReport(site="a", listing_url="http://a/", new=99)  # a count in the walk is not the count
    walk.short("walked 1 of 2 listing pages (共2页)")
    walk.note("a note of the walk itself, made at close")

    made = report.from_stats(walk, stats.get_stats())
    assert (made.new, made.requests, made.updated, made.challenged) == (3, 2, 0, False)
    assert made.messages == ["first note: the summary shows it", "second note", "a note of the walk itself, made at close"]
    assert made.summary_line() == ("a: incomplete, 3 new, 0 changed, 0 unchanged, 0 removed, 0 errors, 2 requests "
                                   "(walked 1 of 2 listing pages (共2页); first note: the summary shows it)")
    assert walk.new == 99 and len(walk.messages) == 1  # the walk itself is left as it was
    assert report.from_stats(SiteReport(site="b", listing_url="http://b/"), stats.get_stats()).challenged


def test_notes_are_bounded_and_kept_in_order() -> None:
    stats = MemoryStatsCollector(get_crawler())
    for n in range(50):
        report.note(stats, "a", f"note {n}")
    made = report.from_stats(SiteReport(site="a", listing_url="http://a/"), stats.get_stats())
    assert made.messages == [f"note {n}" for n in range(report.MAX_MESSAGES)]
