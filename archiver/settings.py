"""Scrapy settings for cppcc-archiver.

Politeness is on by default (robots.txt, one request at a time per host, a delay, AutoThrottle,
an honest User-Agent). ARCHIVER_* keys are ours; everything else is a Scrapy setting and can be
overridden with ``cppcc-archiver crawl -s NAME=VALUE``.
"""

from archiver import __version__
from archiver.revisit import DEFAULT_INTERVALS

BOT_NAME = "archiver"
SPIDER_MODULES = ["archiver.spiders"]
NEWSPIDER_MODULE = "archiver.spiders"

# --- our settings -------------------------------------------------------------------------
ARCHIVER_CONTACT_URL = "https://github.com/cppcc-archiver/cppcc-archiver"
ARCHIVER_DB = None  # SQLAlchemy URL; None means storage.db.default_url()
ARCHIVER_MAX_LISTING_PAGES = 2000  # per column and run: bounds pagination traps (40,000 articles at 20 a page)
ARCHIVER_MAX_ARTICLE_PAGES = 50  # per article: bounds `_N` continuation chains
# Issue #15: what one response or article may make the crawl hold (archiver/limits.py; a hit is a
# note and a shortfall on the site's line, and archiver/limits/<key> in the run's stats).
# Header section of a response, counted while it arrives (DOWNLOAD_MAXSIZE counts the body only):
# real servers send 1-4 kB in 10-30 fields; a 300 MB header flood took the crawl to 2.25 GB.
ARCHIVER_MAX_HEADER_BYTES = 256 * 1024
ARCHIVER_MAX_HEADERS = 500
# All pages of one article together (continuation pages are held until the last one arrives):
# real multi-page articles are well under 1 MB; 30 pages of 15 MB each took 3 GB. A continuation
# page may only fill what is left (its download_maxsize); the pages fetched before the budget ran
# out are stored as the article, the later ones are not fetched.
ARCHIVER_MAX_ARTICLE_BYTES = 4 * 1024 * 1024
# One listing page: only its first N characters are parsed (parse time and memory grow with the
# page, on the reactor's thread, while every site waits: 100,000 links blocked them for 27 s and
# took 664 MB; a real listing page is tens of kilobytes, the replica's under 10 kB; BENCHMARKS.md
# gives the parse time of a page at the bound), and at most N of its links are followed.
ARCHIVER_MAX_LISTING_CHARS = 500_000
ARCHIVER_MAX_LISTING_ENTRIES = 2000
# A listing page, or an article's pages together, above this many bytes is parsed on a worker
# thread (archiver/offthread.py): the reactor goes on serving the other sites meanwhile (a 3.8 MB
# listing stalled them 1.6 s). Below it, parsing in place is cheaper than the hop; 0: every page.
ARCHIVER_THREAD_PARSE_BYTES = 256 * 1024
ARCHIVER_REVISIT = "due"  # due | all | none
# CMS family modules the crawl may use, e.g. "generic" (none: the generic path alone) or
# "trs,hanweb"; None: every one (issue #16).
ARCHIVER_FAMILIES = None
# One runtime (issue #21, BENCHMARKS.md "Runtime"): extraction in the crawl's process, storage on
# its writer thread, in batches of at most this many items (one transaction each; one item per
# transaction cost 30-55% more CPU per article).
ARCHIVER_STORAGE_BATCH = 50
ARCHIVER_SQLITE_BUSY_TIMEOUT = None  # seconds the writer waits for SQLite's write lock (PostgreSQL: lock_timeout); None: 30
# Seconds a child process (attachment text, archiver/pipelines/files.py) may take over one call
# before it is killed and replaced and the call sent again (issue #15: a hung or stopped child
# stalled the crawl forever).
ARCHIVER_CHILD_CALL_TIMEOUT = 300.0
# While the crawl is stopping (SIGTERM/Ctrl-C) a call gets at most this, and so does a child to exit.
ARCHIVER_CHILD_STOP_TIMEOUT = 30.0
# (max age of the article in days, revisit interval in days): recent articles often, old rarely.
ARCHIVER_REVISIT_INTERVALS = list(DEFAULT_INTERVALS)  # archiver/revisit.py, the one policy (issue #18)
ARCHIVER_ROBOTS_RETRY_AFTER = 3600  # seconds; an unreachable robots.txt means "try later"
# Host names answered without DNS, {".zx.test": "127.0.0.1"}: test and benchmark use only, with
# TWISTED_DNS_RESOLVER = "archiver.resolver.MappedResolver" (issue #21, the national simulation).
ARCHIVER_HOSTS: dict = {}
# Listings read through headless Chromium (archiver/render.py, issue #14): "" = the sites whose
# registry entry says `render = true`; "all"; "none"; or a comma list of site slugs/listing URLs.
ARCHIVER_RENDER = ""

# --- politeness -----------------------------------------------------------------------------
USER_AGENT = f"cppcc-archiver/{__version__} (+{ARCHIVER_CONTACT_URL})"
ROBOTSTXT_OBEY = True
# Hosts in flight at once. The runner raises it to the number of sites crawled (up to
# ARCHIVER_MAX_CONCURRENT_REQUESTS) unless set explicitly: with one request at a time per host,
# 16 would throttle a 3,000-site run to 16 hosts while politeness allows all of them (issue #21).
# At most 256: a request waits in the downloader for its host's delay and then fires whether or
# not the crawl can parse what comes back; at 512 a CPU-bound first crawl of 3,000 sites had
# ~300 responses landing at once, event-loop iterations of 0.3-1.2 s, and every host's delay
# stretched by them (the deep column's requests came 1.28 s apart; 256: 1.15 s, 0.05 s mean
# lag, 288 -> 259 s for a 221 s bound; the nightly repeat unchanged, 131 s for 124 s). About
# what 2 cores parse in one delay (~230 responses/s): raise it where requests cost less CPU.
CONCURRENT_REQUESTS = 16
ARCHIVER_MAX_CONCURRENT_REQUESTS = 256
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Scrapy starts CONCURRENT_ITEMS worker tasks for every callback's output (100 by default); our
# callbacks yield one item, or one item and a page of article requests, so 100 tasks per response
# were ~150,000 asyncio tasks per 1,000 articles and a fifth of the reactor's time (issue #6).
CONCURRENT_ITEMS = 8
# Scrapy re-reads and parses a callback's source (inspect + ast) to warn about `return value` in
# generators; its cache is keyed on bound methods, which die at once, so it re-parsed
# parse_listing for ~1 response in 6: 9% of a 3,000-site nightly's CPU (issue #21). A lint
# check, not a crawl's job.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Hand the downloader the request of the least busy site, not the newest: a listing page yields
# twenty requests for one site, and Scrapy's default queue let them fill all CONCURRENT_REQUESTS
# slots while the other sites waited (one request at a time per site means the others idle).
# Scrapy's DownloaderAwarePriorityQueue's choice, without its scan of every site at every pop
# (issue #21: ~2,900 sites x ~56,000 pops in a 3,000-site first crawl); archiver/slotqueue.py.
SCHEDULER_PRIORITY_QUEUE = "archiver.slotqueue.SlotIndexedPriorityQueue"
# Responses whose items are still in the pipelines (waiting for extraction or the writer
# thread): Scrapy stops reading new responses above this many bytes. 2 MB (Scrapy's default is
# 5 MB) keeps ~100 articles in flight, plenty to fill the writer's batches, and the crawl's
# memory flat (issue #6: peak RSS of a 12,000-article crawl, all processes counted).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 2_000_000
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0  # the delay is a floor; AutoThrottle varies it upwards with latency
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- robustness -----------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
# Largest real article pages are ~1 MB; refuses bombs. 4 MB, not 16 (issue #15): a page's text is
# parsed, extracted and indexed in three processes (a 15 MB page took the process tree past
# 600 MB, a 7 MB one to 420 MB), and a listing page is stored and parsed while every site waits.
# See ARCHIVER_MAX_ARTICLE_BYTES for an article's pages together.
DOWNLOAD_MAXSIZE = 4 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Scrapy samples the peak RSS (memusage/max, kept in crawl_runs.stats) every 60 s by default, so
# a crawl shorter than that recorded its start-up size only (issue #9: a gzip bomb's peak was
# invisible in `cppcc-archiver runs`). Sampling ru_maxrss once a second costs nothing.
MEMUSAGE_CHECK_INTERVAL_SECONDS = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
DEPTH_LIMIT = 0
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
LOG_INSTALL_ROOT_HANDLER = False  # the runner installs its own console and rotating file handlers

ITEM_PIPELINES = {
    "archiver.pipelines.extract.ExtractPipeline": 300,
    "archiver.pipelines.files.FilesPipeline": 500,  # attachments and images (issue #19)
    "archiver.pipelines.storage.StoragePipeline": 800,
}

# Attachments and images linked from articles (issue #19, archiver/pipelines/files.py).
ARCHIVER_FILES = True
ARCHIVER_FILE_MAX_BYTES = 50 * 1024 * 1024
ARCHIVER_FILE_TEXT_MAX_PAGES = 300  # PDF pages read for text; the status says when cut
ARCHIVER_FILE_TEXT_SECONDS = 30.0  # per file, in the extraction child
# Texts kept in memory so a file linked from many articles is read once per run (issue #21: 24,232
# links, 40 distinct files, 112 s of CPU in the 3,000-site simulation); 0 entries: off. 20 M
# characters of Chinese text are ~40 MB.
ARCHIVER_FILE_TEXT_CACHE_ENTRIES = 2000
ARCHIVER_FILE_TEXT_CACHE_CHARS = 20_000_000

# Scrapy's HTTP/1.1 handler, with the header bounds above enforced while receiving (issue #15).
DOWNLOAD_HANDLERS = {
    "http": "archiver.download.BoundedHTTP11DownloadHandler",
    "https": "archiver.download.BoundedHTTP11DownloadHandler",
}

ARCHIVER_RETRY_BACKOFF_BASE = 1.0  # seconds; doubles with every retry (with jitter)
ARCHIVER_RETRY_BACKOFF_MAX = 120.0  # a longer Retry-After is capped here
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "archiver.middlewares.RobotsTryLaterMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.middlewares.BackoffRetryMiddleware": 550,
    # Before the robots.txt middleware (100): a refused offsite redirect must not even make the
    # crawler fetch /robots.txt from the other host (issue #9: it did, from another local port).
    "archiver.middlewares.SameSiteRedirectMiddleware": 90,
    # After robots.txt: sends rendering targets' listing requests to the browser (issue #14).
    "archiver.render.RenderMiddleware": 600,
    # After decompression (590), before meta-refresh (580) reads response.text (issue #15).
    "archiver.middlewares.TextCharsetMiddleware": 585,
}
SPIDER_MIDDLEWARES = {"archiver.render.RenderedListingMiddleware": 950}
