"""A hostile site for the resource bounds of issue #15, on 127.0.0.1 (tests and bench only).

What the replica's faults cannot make, because they must be written raw or are huge:

- ``/ldjh/index.html``: a listing of one normal article, the header floods and the long article
  (``/flood/index.html``: the normal article and the floods; ``/long/index.html``: it and the long one);
- ``/art/1.html``: a normal article;
- ``/flood/bytes.html``: ``flood_mb`` MB of headers, as folded continuation lines of 8 kB each
  (each under Twisted's 16 kB line limit, all one header value);
- ``/flood/fold.html``: a normal article with one header value of ``fold_kb`` kB, folded;
- ``/flood/count.html``: ``flood_fields`` header fields of a few bytes each;
- ``/long/t20240301_5001.html``: an article of ``long_pages`` pages (``…_2.html`` and on) of
  ``long_page_mb`` MB each, gzip-compressed (small on the wire);
- ``/big/index.html``: a listing page of ``listing_links`` links.

Every request path is logged in ``requests``.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from http.server import BaseHTTPRequestHandler

from archiver.replica.testing import InProcessSite

MB = 1024 * 1024
LONG = "/long/t20240301_5001"
PARAGRAPH = ("<p>各位委员，同志们：今天我们召开全市政协工作会议，主要任务是深入学习贯彻中央和省委政协工作"
             "会议精神，总结过去一年的工作，安排部署今年的任务。</p>\n")


def page(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div class="article"><h1>{title}</h1><div class="info">发布时间：2024-03-01 09:30 来源：测试政协</div>'
            f'<div class="content">{body}</div></div></body></html>').encode()


def listing(links: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<li><a href="{href}">{text}</a><span>2024-03-01</span></li>\n' for href, text in links)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>领导讲话</title></head><body>'
            f'<div class="list"><ul>{items}</ul></div></body></html>').encode()


@lru_cache(maxsize=4)
def long_page(number: int, pages: int, size_mb: float) -> bytes:
    """Page ``number`` of the long article, gzip-compressed."""
    nav = "".join(f'<a href="t20240301_5001{"" if n == 1 else f"_{n}"}.html">{n}</a> ' for n in range(1, pages + 1))
    filler = PARAGRAPH * (int(size_mb * MB) // len(PARAGRAPH.encode()))
    return gzip.compress(page(f"市政协主席在全会上的讲话（第{number}页）", nav + filler), compresslevel=6, mtime=0)


@lru_cache(maxsize=2)
def big_listing(links: int) -> bytes:
    return listing([(f"/big/{i}.html", f"市政协领导讲话第{i}篇") for i in range(links)])


class HostileSite(InProcessSite):
    def __init__(self, *, flood_mb: int = 300, flood_fields: int = 100_000, fold_kb: int = 100,
                 long_pages: int = 30, long_page_mb: float = 15, listing_links: int = 100_000) -> None:
        self.flood_mb, self.flood_fields, self.fold_kb = flood_mb, flood_fields, fold_kb
        self.long_pages, self.long_page_mb, self.listing_links = long_pages, long_page_mb, listing_links
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append(self.path)
                try:
                    site.answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler hung up, as a bound should make it

        super().__init__(Handler)

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        path, w = h.path, h.wfile
        floods = [("/flood/bytes.html", "市政协副主席在协商会上的讲话"), ("/flood/fold.html", "市政协主席在视察时的讲话"),
                  ("/flood/count.html", "市政协秘书长在工作会上的讲话")]
        normal, long = [("/art/1.html", "市政协主席在常委会上的讲话")], [(f"{LONG}.html", "市政协主席在全会上的讲话")]
        columns = {"/ldjh/index.html": normal + floods + long, "/flood/index.html": normal + floods,
                   "/long/index.html": normal + long}
        if path in columns:
            return self._send(w, listing(columns[path]))
        if path == "/art/1.html":
            return self._send(w, page("市政协主席在常委会上的讲话", PARAGRAPH * 5))
        if path == "/flood/bytes.html":
            w.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nX-Flood: a\r\n")
            line = b" " + b"a" * (8 * 1024 - 3) + b"\r\n"
            for _ in range(self.flood_mb * MB // len(line)):
                w.write(line)
            return self._send(w, page("x", PARAGRAPH), status=False)
        if path == "/flood/fold.html":
            w.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nX-Folded: a\r\n")
            for _ in range(self.fold_kb):
                w.write(b" " + b"b" * 1021 + b"\r\n")
            return self._send(w, page("市政协主席在视察时的讲话", PARAGRAPH * 4), status=False)
        if path == "/flood/count.html":
            w.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n")
            for i in range(self.flood_fields):
                w.write(b"X-F%d: v\r\n" % i)
            return self._send(w, page("x", PARAGRAPH), status=False)
        if path.startswith(LONG):
            suffix = path[len(LONG):].removesuffix(".html")
            number = int(suffix[1:]) if suffix.startswith("_") and suffix[1:].isdigit() else 1
            if number <= self.long_pages:
                body = long_page(number, self.long_pages, self.long_page_mb)
                return self._send(w, body, extra=b"Content-Encoding: gzip\r\n")
        if path == "/big/index.html":
            return self._send(w, big_listing(self.listing_links))
        if path.startswith("/big/") and path.endswith(".html"):
            return self._send(w, page("市政协领导讲话", PARAGRAPH * 3))
        w.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found")

    @staticmethod
    def _send(w, body: bytes, *, status: bool = True, extra: bytes = b"") -> None:  # type: ignore[no-untyped-def]
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" if status else b""
        w.write(head + extra + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
