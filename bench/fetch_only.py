"""A fetch-only Scrapy spider: the ceiling for crawl throughput (issue #6).

    python bench/fetch_only.py URLS.txt

Requests every URL of the file (one per line, as the real crawl requested them, taken from the
replica's access log) and throws the responses away: no parsing, no extraction, no storage.
Same concurrency and politeness numbers as a ``cppcc-archiver crawl --delay 0``: robots.txt
obeyed (one request per site), 16 requests in all, one at a time per site, no delay, no
AutoThrottle, one download slot per host:port (as the column spider sets), the same scheduler
queue (the least busy site's request first), the same CONCURRENT_ITEMS, the same User-Agent.
Prints one JSON line: responses received by status, wall time of the reactor run.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

from archiver import settings as archiver_settings

SETTINGS = {
    "USER_AGENT": archiver_settings.USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "CONCURRENT_REQUESTS": archiver_settings.CONCURRENT_REQUESTS,
    "CONCURRENT_REQUESTS_PER_DOMAIN": archiver_settings.CONCURRENT_REQUESTS_PER_DOMAIN,
    # The crawl's scheduler queue too: with Scrapy's default one the replayed URLs were handed
    # out clustered by site and the baseline ran up to 1.5x slower than it can.
    "SCHEDULER_PRIORITY_QUEUE": archiver_settings.SCHEDULER_PRIORITY_QUEUE,
    # And its CONCURRENT_ITEMS: with Scrapy's default of 100, every response started 100 asyncio
    # tasks and a quarter of the baseline's CPU went there.
    "CONCURRENT_ITEMS": archiver_settings.CONCURRENT_ITEMS,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_DELAY_JITTER": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": archiver_settings.DOWNLOAD_TIMEOUT,
    "RETRY_TIMES": archiver_settings.RETRY_TIMES,
    "LOG_LEVEL": "WARNING",
}


class FetchOnlySpider(scrapy.Spider):
    name = "fetch_only"

    def __init__(self, urls: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.statuses: Counter[int] = Counter()

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(
                url, callback=self.discard, dont_filter=True,
                meta={"download_slot": urlsplit(url).netloc, "handle_httpstatus_all": True},
            )

    def discard(self, response):
        self.statuses[response.status] += 1
        return None


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) == 2 else 2
    with open(sys.argv[1], encoding="utf-8") as f:
        urls = [line.strip() for line in f if line.strip()]
    process = CrawlerProcess(SETTINGS, install_root_handler=True)
    crawler = process.create_crawler(FetchOnlySpider)
    process.crawl(crawler, urls=urls)
    start = time.perf_counter()
    process.start()
    wall = time.perf_counter() - start
    print(json.dumps({"urls": len(urls), "statuses": dict(crawler.spider.statuses), "reactor_wall": wall}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
