"""A live progress display for crawls run on a terminal (cron gets plain log lines instead)."""

from __future__ import annotations

from rich.console import Console
from rich.live import Live
from rich.table import Table
from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task

REFRESH_SECONDS = 0.5


def _table(crawler: Crawler) -> Table:
    table = Table(title="cppcc-archiver crawl", expand=False)
    for column in ("site", "listing pages", "listed", "new", "changed", "unchanged", "removed", "errors", "requests"):
        table.add_column(column, justify="right" if column != "site" else "left")
    spider = crawler.spider
    for report in sorted(getattr(spider, "reports", {}).values(), key=lambda r: r.site):
        table.add_row(
            report.site + (" [red](challenged)[/red]" if report.challenged else ""),
            str(report.listing_pages), str(report.listed), str(report.new), str(report.updated),
            str(report.unchanged + report.not_modified), str(report.removed), str(report.errors),
            str(report.requests),
        )
    return table


def attach_progress(crawler: Crawler) -> None:
    console = Console(stderr=True)
    live = Live(console=console, auto_refresh=False, transient=False)
    loop = task.LoopingCall(lambda: live.update(_table(crawler), refresh=True))

    def opened(spider) -> None:
        live.start()
        loop.start(REFRESH_SECONDS)

    def closed(spider) -> None:
        if loop.running:
            loop.stop()
        live.update(_table(crawler), refresh=True)
        live.stop()

    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(closed, signal=signals.spider_closed)
