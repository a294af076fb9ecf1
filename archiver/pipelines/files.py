"""Fetch the attachments and images an article links to, and read their text (issue #19).

Runs after extraction (it needs the links) and before storage. Every file goes through Scrapy's
own downloader (``engine.download_async``, as Scrapy's FilesPipeline does), so the politeness of
pages applies unchanged: robots.txt, one slot per host (``download_slot``), the delay,
AutoThrottle, retries with backoff. Only files on the article's registrable domain (the site
and its sub-domains: ``www.x.gov.cn`` and ``files.x.gov.cn``) or on a host of the site's
``file_hosts`` registry list are fetched; any other is recorded as skipped with the reason.

Limits: ``ARCHIVER_FILE_MAX_BYTES`` (50 MB; Scrapy cancels a larger body from its
Content-Length or as it grows, so a 2 GB file is never read), ``ARCHIVER_FILE_TYPES`` (media
types kept, by prefix, as the bytes say). Text is read in a child process
(``archiver.extract.filetext`` through a ``ProcessLane``) with a page and time budget, so a
hostile file ends as a per-file status and the reactor goes on downloading.

A file's text is read once per run however many articles link it (``archiver.pipelines.textcache``,
issue #21): ``ARCHIVER_FILE_TEXT_CACHE_ENTRIES`` / ``_CHARS`` bound it, 0 entries turns it off.

Statistics: ``archiver/files/<role>/<status>``, ``archiver/files/text/<status>``, bytes under
``archiver/files/bytes``; ``archiver/files/text/reads`` (files sent to the child) and
``archiver/files/text/cache_hits`` (links whose text was already read or being read).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_to_bytes, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer

from archiver.extract.filetext import FileText, Limits, extract_text, sniff
from archiver.extract.files import FileResult, apply_files
from archiver.items import ArticleItem
from archiver.pipelines.lanes import ProcessLane, lane_deadlines
from archiver.pipelines.textcache import TextCache
from archiver.spiders.column import _describe_failure, is_redirect_home, to_page

logger = logging.getLogger(__name__)

DEFAULT_TYPES = ("application/pdf", "application/vnd.openxmlformats-officedocument",
                 "application/msword", "application/vnd.ms-", "application/rtf", "application/zip",
                 "application/x-ole-storage", "image/")
# Public suffixes Chinese government sites sit under: the registrable domain is one label more.
CN_SUFFIXES = ("gov.cn", "com.cn", "org.cn", "net.cn", "edu.cn", "ac.cn")
GONE = {404: "http-404", 410: "http-410"}
# Failures that describe the site, not the crawl: the file is gone or is not a file.
SITE_TRUTHS = ("http-404", "http-410", "redirect-home", "soft-404")


def registrable_domain(host: str) -> str:
    """``www.jzzx.gov.cn`` -> ``jzzx.gov.cn``; an IP address stays itself."""
    host = host.lower().rstrip(".")
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in CN_SUFFIXES else 2
    return ".".join(labels[-keep:])


def allowed_host(url: str, article_url: str, file_hosts: tuple[str, ...] = ()) -> bool:
    host, own = urlsplit(url).hostname or "", urlsplit(article_url).hostname or ""
    if urlsplit(url).scheme not in ("http", "https") or not host:
        return False
    return registrable_domain(host) == registrable_domain(own) or any(
        host == h or host.endswith("." + h) for h in file_hosts)


def content_disposition_name(value: str | None) -> str | None:
    """The file name a server sent, decoded: RFC 6266 ``filename*=UTF-8''…``, else ``filename=``
    percent-encoded in UTF-8 or, as old IIS/ASP sites do, in GBK."""
    if not value:
        return None
    star = re.search(r"filename\*\s*=\s*([\w-]+)''([^;]+)", value, re.I)
    if star:
        return _decode(unquote_to_bytes(star.group(2).strip()), star.group(1))
    plain = re.search(r'filename\s*=\s*"?([^";]+)"?', value, re.I)
    if not plain:
        return None
    raw = plain.group(1).strip()
    return _decode(unquote_to_bytes(raw) if "%" in raw else raw.encode("latin-1", "replace"), None)


def _decode(data: bytes, charset: str | None) -> str:
    for name in filter(None, (charset, "utf-8", "gb18030")):
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", "replace")


def read_file(data: bytes, url: str, declared: str | None, limits: Limits) -> FileText:
    """What the child process runs (module-level: pickled by name)."""
    return extract_text(data, url=url, declared=declared, limits=limits)


class FilesPipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_FILES", True):
            raise NotConfigured("ARCHIVER_FILES is off")
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_bytes = settings.getint("ARCHIVER_FILE_MAX_BYTES", 50 * 1024 * 1024)
        self.types = tuple(settings.getlist("ARCHIVER_FILE_TYPES") or DEFAULT_TYPES)
        self.limits = Limits(max_pages=settings.getint("ARCHIVER_FILE_TEXT_MAX_PAGES", 300),
                             seconds=settings.getfloat("ARCHIVER_FILE_TEXT_SECONDS", 30.0))
        self.lane: ProcessLane | None = None
        self.texts = TextCache(settings.getint("ARCHIVER_FILE_TEXT_CACHE_ENTRIES", 2000),
                               settings.getint("ARCHIVER_FILE_TEXT_CACHE_CHARS", 20_000_000))
        self.reading: dict[tuple[str, str], list[defer.Deferred]] = {}  # key -> articles waiting for it

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FilesPipeline":
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        # Always a child (issue #21): a hostile PDF can hang in C code, and only a process can be
        # killed; the watchdog (ARCHIVER_CHILD_CALL_TIMEOUT) does it and the crawl goes on.
        self.lane = ProcessLane("files", 1, **lane_deadlines(self.crawler)).start()

    async def close_spider(self, spider=None) -> None:
        if self.lane is not None:
            await maybe_deferred_to_future(self.lane.close())
            self.lane = None

    async def process_item(self, item):
        if not isinstance(item, ArticleItem) or item.soft_404 or not item.fields:
            return item
        links = [("attachment", i, e) for i, e in enumerate(item.fields.get("attachments") or [])]
        links += [("image", i, e) for i, e in enumerate(item.fields.get("images") or [])]
        if not links:
            return item
        hosts = tuple(item.overrides.get("file_hosts") or ())
        item.files = []
        for role, index, entry in links:
            result, page = await self.fetch(item, role, index, entry.get("url") or "", hosts)
            result.page = page  # the exchange, stored as a fetch of kind attachment|image
            item.files.append(result)
            self.stats.inc_value(f"archiver/files/{role}/{result.status}")
            self.report(item, result)
        item.fields, audit = apply_files(item.fields, item.files)
        item.audit = [*item.audit, *audit]
        if audit:
            self.stats.inc_value("archiver/files/speech_from_attachment")
        return item

    def report(self, item: ArticleItem, result: FileResult) -> None:
        """A file the crawl could not get (network, 5xx, 403…) makes the site short, never ``ok``;
        a file the site no longer has, or one refused by policy, is the site's truth: a note."""
        report = getattr(self.crawler.spider, "reports", {}).get(item.site)
        if report is None or result.status == "stored":
            return
        line = f"{result.role} {result.url}: {result.status}: {result.reason}"
        if result.status == "failed" and not (result.reason or "").startswith(SITE_TRUTHS):
            report.short(f"{result.role} not fetched: {result.url} ({result.reason})")
        else:
            report.note(line)

    async def fetch(self, item: ArticleItem, role: str, index: int, url: str, hosts: tuple[str, ...]):
        if not allowed_host(url, item.url, hosts):
            return FileResult(role, index, url, "skipped", "host not allowed (not the site's domain "
                              "nor in its file_hosts)"), None
        request = scrapy.Request(url, headers={"Referer": item.pages[0].url}, meta={
            "site": item.site, "download_slot": urlsplit(url).netloc, "handle_httpstatus_all": True,
            "download_maxsize": self.max_bytes, "download_warnsize": 0}, dont_filter=True)
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # refused by robots.txt, cancelled as too large, timed out…
            reason = _describe(exc, self.max_bytes)
            status = "skipped" if "robots" in reason or "larger than" in reason else "failed"
            return FileResult(role, index, url, status, reason), None
        page = to_page(response, referer=item.url)
        declared = response.headers.get("Content-Type", b"").decode("latin-1") or None
        filename = content_disposition_name(response.headers.get("Content-Disposition", b"").decode("latin-1"))
        if response.status in GONE or is_redirect_home(response):
            reason = GONE.get(response.status, "redirect-home")
            return FileResult(role, index, url, "failed", reason), _bodiless(page)
        if response.status != 200:
            return FileResult(role, index, url, "failed", f"HTTP {response.status}"), _bodiless(page)
        data = response.body
        media_type = sniff(data, url=url, declared=declared)
        result = FileResult(role, index, url, "stored", None, media_type=media_type, size=len(data),
                            filename=filename)
        if media_type == "text/html":
            # An error page answered with 200 (soft 404): kept as the fetch's body, not as the file.
            result.status, result.reason, result.size = "failed", "soft-404: an HTML page instead of the file", None
            return result, page
        if not media_type.startswith(self.types):
            result.status, result.reason, result.size = "skipped", f"media type {media_type} not kept", None
            return result, _bodiless(page)
        from storage.blobs import sha256_hex  # the same digest as the body store's

        result.sha256 = sha256_hex(data)
        self.stats.inc_value("archiver/files/bytes", len(data))
        if role == "attachment":
            text = await self.read(data, url, declared, key=(result.sha256, media_type))
            result.media_type = text.media_type
            result.text_status, result.text, result.text_reason, result.pages = (
                text.status, text.text, text.reason, text.pages)
            self.stats.inc_value(f"archiver/files/text/{text.status}")
        return result, page

    async def read(self, data: bytes, url: str, declared: str | None, key: tuple[str, str] | None = None) -> FileText:
        """``key``: (sha256, sniffed media type), all ``extract_text`` depends on with the limits."""
        if self.texts.max_entries <= 0:  # off: every link is read, as before issue #21
            key = None
        if key is not None:
            cached = self.texts.get(key)
            if cached is not None or key in self.reading:
                self.stats.inc_value("archiver/files/text/cache_hits")
                if cached is not None:
                    return cached
                waiter: defer.Deferred = defer.Deferred()  # the same file, being read for another article
                self.reading[key].append(waiter)
                return await maybe_deferred_to_future(waiter)
            self.reading[key] = []
        text = None
        try:
            self.stats.inc_value("archiver/files/text/reads")
            text, returned = await self.ask_child(data, url, declared)
            if returned and key is not None:  # never a crash: another read may succeed
                self.texts.put(key, text)
            return text
        finally:
            for waiter in self.reading.pop(key, []) if key is not None else []:
                waiter.callback(text or FileText(sniff(data, url=url, declared=declared), "failed",
                                                 "text extraction cancelled"))

    async def ask_child(self, data: bytes, url: str, declared: str | None) -> tuple[FileText, bool]:
        """The text and whether the child returned it (False: it crashed or was killed)."""
        try:
            if self.lane is None:
                return read_file(data, url, declared, self.limits), True
            return await maybe_deferred_to_future(self.lane.submit(read_file, data, url, declared, self.limits)), True
        except Exception as exc:  # the child died (memory): the file is kept, its text is not
            logger.error("text extraction failed for %s: %s", url, exc)
            return FileText(sniff(data, url=url, declared=declared), "failed",
                            f"text extraction crashed: {type(exc).__name__}"), False


def _bodiless(page):  # type: ignore[no-untyped-def]
    """A refused or failed answer is kept as an exchange (status, headers), not its bytes."""
    page.body = b""
    return page


def _describe(exc: Exception, max_bytes: int) -> str:
    from twisted.python.failure import Failure

    text = _describe_failure(Failure(exc))
    if "Cancelled" in text or "maxsize" in text.lower():
        return f"larger than the {max_bytes // (1024 * 1024)} MB limit (ARCHIVER_FILE_MAX_BYTES)"
    if type(exc).__name__ == "IgnoreRequest" and "robots" not in text.lower():
        return f"refused: {text}"
    return text
