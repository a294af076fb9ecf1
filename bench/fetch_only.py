"""A fetch-only Scrapy spider: the ceiling for crawl throughput (issue #6); and, with
``--recipe``, the spider a user would write instead of the archiver (issue #21).

    python bench/fetch_only.py URLS.txt
    python bench/fetch_only.py URLS.txt --recipe ARTICLE_URLS.txt OUT.sqlite3

Requests every URL of the file (one per line, as the real crawl requested them, taken from the
replica's access log) and throws the responses away: no parsing, no extraction, no storage.
Same concurrency and politeness numbers as a ``cppcc-archiver crawl --delay 0``: robots.txt
obeyed (one request per site), 16 requests in all, one at a time per site, no delay, no
AutoThrottle, one download slot per host:port (as the column spider sets), the same scheduler
queue (the least busy site's request first), the same CONCURRENT_ITEMS, the same User-Agent.
Prints one JSON line: responses received by status, wall time of the reactor run.

``--recipe``: the same requests, and every response whose URL is in ARTICLE_URLS.txt (the
articles the archiver stored from them) goes through trafilatura (text and metadata, as its
documentation shows) into a SQLite table, one INSERT and commit per article, as a plain
Scrapy + trafilatura + sqlite3 spider does. Listing pages are only fetched (the recipe's link
parsing is left out: it is cheap, and leaving it out only flatters the recipe).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

from archiver import settings as archiver_settings
from archiver.runner import NO_DELAY

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
    "DOWNLOAD_DELAY": NO_DELAY,  # what the crawl's --delay 0 is: one request at a time per host
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


class RecipeSpider(FetchOnlySpider):
    name = "recipe"

    def __init__(self, urls: list[str], articles: set[str], db: str, **kwargs) -> None:
        super().__init__(urls, **kwargs)
        self.articles = articles
        self.db = sqlite3.connect(db)
        self.db.execute("CREATE TABLE IF NOT EXISTS articles (url TEXT PRIMARY KEY, title TEXT, date TEXT, "
                        "text TEXT, html BLOB)")
        self.stored = 0

    def discard(self, response):
        import trafilatura

        self.statuses[response.status] += 1
        if response.url not in self.articles or response.status != 200:
            return None
        doc = trafilatura.bare_extraction(response.text, url=response.url, with_metadata=True)
        if doc is None:
            return None
        self.db.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)",
                        (response.url, doc.title, doc.date, doc.text, response.body))
        self.db.commit()
        self.stored += 1
        return None


def main() -> int:
    argv = sys.argv[1:]
    recipe = len(argv) == 4 and argv[1] == "--recipe"
    if not (len(argv) == 1 or recipe) or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    urls = _lines(argv[0])
    process = CrawlerProcess(SETTINGS, install_root_handler=True)
    if recipe:
        crawler = process.create_crawler(RecipeSpider)
        process.crawl(crawler, urls=urls, articles=set(_lines(argv[2])), db=argv[3])
    else:
        crawler = process.create_crawler(FetchOnlySpider)
        process.crawl(crawler, urls=urls)
    start = time.perf_counter()
    process.start()
    wall = time.perf_counter() - start
    print(json.dumps({"urls": len(urls), "statuses": dict(crawler.spider.statuses), "reactor_wall": wall,
                      "stored": getattr(crawler.spider, "stored", None)}))
    return 0


def _lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


if __name__ == "__main__":
    sys.exit(main())
