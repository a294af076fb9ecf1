"""The HTTP download handler, with bounds on response headers (issue #15).

``DOWNLOAD_MAXSIZE`` counts body bytes only: a server sending 300 MB of headers (folded
continuation lines, each under Twisted's 16 kB line limit, joined into one value) took the crawl
to 2.25 GB and stored a 327 MB header value. Headers are parsed by Twisted's ``HTTPClientParser``
(through Scrapy's lenient subclass, which skips lines without a colon); the bound must hold while
the lines arrive, so the parser counts bytes and header fields as it receives them and gives up
on the connection at ``ARCHIVER_MAX_HEADER_BYTES`` / ``ARCHIVER_MAX_HEADERS``.

The request then fails with :class:`HeadersTooLarge` (an ``IgnoreRequest``: a header flood is not
a transient failure, so it is not retried), counted in the Scrapy stats
``archiver/limits/header_bytes`` or ``archiver/limits/header_count``.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler, _LenientHTTP11ClientFactory, _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
)
from scrapy.exceptions import DownloadFailedError
from twisted.web._newclient import HEADER, STATUS

from archiver.limits import LimitExceeded


class HeadersTooLarge(LimitExceeded):
    """A response's header section went past a limit while it was being received."""


class _BoundedParser(_LenientHTTPClientParser):
    # Set on a per-handler subclass (see BoundedHTTP11DownloadHandler): the class is swapped in
    # after Twisted builds the parser, so limits cannot be constructor arguments.
    max_header_bytes = 256 * 1024
    max_headers = 500
    _header_bytes = 0
    _header_lines = 0

    def lineReceived(self, line: bytes) -> None:
        if self.state in (STATUS, HEADER):
            self._header_bytes += len(line) + 1
            if line[:1] not in (b" ", b"\t", b"\r", b""):
                self._header_lines += 1
            if self._header_bytes > self.max_header_bytes:
                raise HeadersTooLarge(
                    f"response headers larger than ARCHIVER_MAX_HEADER_BYTES ({self.max_header_bytes} B)",
                    key="header_bytes")
            if self._header_lines > self.max_headers + 1:  # + the status line
                raise HeadersTooLarge(
                    f"more than ARCHIVER_MAX_HEADERS ({self.max_headers}) response header fields",
                    key="header_count")
        super().lineReceived(line)

    def lineLengthExceeded(self, line: bytes) -> None:
        # Twisted drops the connection without a word on a line over 16 kB; say why instead.
        raise HeadersTooLarge(f"a response header line longer than {self.MAX_LENGTH} B", key="header_bytes")

    def allHeadersReceived(self) -> None:
        self._header_bytes = self._header_lines = 0  # a 1xx response starts over
        super().allHeadersReceived()


class _BoundedProtocol(_LenientHTTP11ClientProtocol):
    parser_class: type[_BoundedParser] = _BoundedParser

    def request(self, request):  # type: ignore[no-untyped-def]
        d = super().request(request)
        # Scrapy swaps the parser's class the same way (Twisted hard-codes it): ours adds no state
        # beyond two counters with class-level defaults.
        self._parser.__class__ = self.parser_class
        return d


class HeaderBounds:
    """Bounds the header section of every response an ``HTTP11DownloadHandler`` subclass
    downloads itself: mixed in before it (``class H(HeaderBounds, SomeHTTP11Handler)``), so that
    a handler that delegates plain requests to Scrapy's (the rendered runs' Playwright handler,
    ``archiver/render_download.py``) keeps the bounds for them too."""

    def __init__(self, crawler) -> None:  # type: ignore[no-untyped-def]
        super().__init__(crawler)
        settings = crawler.settings
        parser = type("BoundedParser", (_BoundedParser,), {
            "max_header_bytes": settings.getint("ARCHIVER_MAX_HEADER_BYTES", 256 * 1024),
            "max_headers": settings.getint("ARCHIVER_MAX_HEADERS", 500),
        })
        protocol = type("BoundedProtocol", (_BoundedProtocol,), {"parser_class": parser})

        class Factory(_LenientHTTP11ClientFactory):
            def buildProtocol(self, addr):  # type: ignore[no-untyped-def]
                return protocol(self._quiescentCallback)

        self._pool._factory = Factory

    async def download_request(self, request):  # type: ignore[no-untyped-def]
        try:
            return await super().download_request(request)
        except DownloadFailedError as exc:
            reasons = getattr(exc.__cause__, "reasons", None) or []
            limit = next((r.value for r in reasons if isinstance(r.value, HeadersTooLarge)), None)
            if limit is None:
                raise
            self._crawler.stats.inc_value(f"archiver/limits/{limit.key}")
            raise limit from None


class BoundedHTTP11DownloadHandler(HeaderBounds, HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler whose connections bound every response's header section."""
