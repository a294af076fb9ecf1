"""The replica HTTP servers: one ThreadingHTTPServer per site plus a control server.

Site request pipeline: access log -> fault rule (faults.py) -> robots.txt / shared static files /
calendar trap -> the family's router (rendered pages cached per day) -> session-id link
rewriting -> conditional request (ETag / Last-Modified -> 304) -> post-response faults.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
import time
import traceback
from collections import OrderedDict, deque
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from archiver.replica import assets, faults, homepage, sitemap
from archiver.replica.chrome import SOFT_404_HTML
from archiver.replica.families import Family, Req, build_sites
from archiver.replica.model import Response
from archiver.replica.sites import DAY1, DEFAULT_SCALE

SESSION_RE = re.compile(r";jsessionid=[^/?#]*", re.I)
LINK_RE = re.compile(r"""(href=)(["'])(?!https?:|javascript:|#|mailto:)([^"'#]+)\2""")
STATIC = {"/images/qrcode.png": ("image/png", assets.qrcode), "/images/logo.png": ("image/png", assets.qrcode),
          "/images/style.css": ("text/css", lambda: b"body{font-size:12px}.footer{text-align:center}"),
          "/favicon.ico": ("image/png", assets.qrcode)}


class State:
    """Everything the servers share; mutated only through the control server."""

    def __init__(self, scale: int = DEFAULT_SCALE, day: int = 1, sites: list[str] | None = None) -> None:
        self.scale = scale
        self.day = day
        self.families: dict[str, Family] = build_sites(scale, sites)
        self.faults = faults.Faults()
        self.log: deque[dict] = deque(maxlen=500_000)  # bounded: benchmarks send millions
        self.bases: dict[str, str] = {}
        self.cache: OrderedDict = OrderedDict()
        self.cache_lock = threading.Lock()
        self.counters: dict[str, int] = {}
        self.started = time.time()

    def day_stamp(self) -> datetime:
        """Last-Modified of every HTML page on the current day (its sidebar changes daily)."""
        return (DAY1 + timedelta(days=self.day - 1)).replace(hour=15, minute=0)

    def render(self, slug: str, req: Req) -> Response | None:
        key = (slug, self.day, req.method == "POST", req.path, req.raw_query, req.body, tuple(req.options),
               req.host)
        with self.cache_lock:
            hit = self.cache.get(key)
            if hit is not None:
                self.cache.move_to_end(key)
                return hit
        resp = self.families[slug].route(req, self.day)
        if resp is not None and resp.last_modified is None and resp.cacheable:
            resp.last_modified = self.day_stamp()
        with self.cache_lock:
            self.cache[key] = resp
            if len(self.cache) > 3000:
                self.cache.popitem(last=False)
        return resp


def http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(timezone.utc), usegmt=True)


class SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes: avoid 40 ms stalls
    server_version = "nginx"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version
    slug: str = ""
    state: State

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:
        self.serve()

    def do_HEAD(self) -> None:
        self.serve()

    def do_POST(self) -> None:
        self.serve()

    # ------------------------------------------------------------------------------------
    def serve(self) -> None:
        st = self.state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        path = SESSION_RE.sub("", split.path)
        pairs = [(k, v) for k, v in parse_qsl(split.query, keep_blank_values=True) if k.lower() != "sid"]
        raw_query = "&".join(f"{k}={v}" for k, v in pairs)
        form = dict(parse_qsl(body.decode("latin-1"), keep_blank_values=True)) if body else {}
        options = {**st.faults.options.get("*", {}), **st.faults.options.get(self.slug, {})}
        req = Req(self.command, path, dict(pairs), raw_query, body, form, options, self.headers.get("Host", ""))
        entry = {"t": round(time.time(), 4), "site": self.slug, "method": self.command,
                 "path": self.path, "status": None, "if_none_match": self.headers.get("If-None-Match"),
                 "if_modified_since": self.headers.get("If-Modified-Since"),
                 "user_agent": self.headers.get("User-Agent"), "day": st.day}
        st.log.append(entry)
        rule = st.faults.take(self.slug, path, split.query)
        mode = rule.mode if rule else None
        p = rule.params if rule else {}
        if mode == "drop":
            entry["status"] = 0
            self.close_connection = True
            return
        if mode == "slow":
            time.sleep(float(p.get("delay", 3)))
        try:
            resp = self.pre_fault(mode, p) or self.route(req)
        except Exception:  # a replica bug must show up as a 500 and a traceback, not a hang
            traceback.print_exc()
            resp = Response(500, b"replica error", "text/plain", cacheable=False)
        entry["status"] = resp.status
        headers = [("Content-Type", resp.content_type)] + resp.headers
        data = resp.body
        if resp.status == 200 and resp.cacheable:
            data = self.rewrite_sessions(data)
            etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
            headers += [("ETag", etag)]
            if resp.last_modified:
                headers += [("Last-Modified", http_date(resp.last_modified))]
            if self.not_modified(etag, resp.last_modified):
                entry["status"] = 304
                self.send_response(304)
                for k, v in headers[1:]:
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        if mode == "wrong_charset":
            wrong = p.get("charset") or ("utf-8" if "gb" in resp.content_type.lower()
                                         or self.state.families[self.slug].spec.charset != "utf-8" else "gbk")
            headers[0] = ("Content-Type", "text/html; charset=" + wrong)
        if mode == "broken_json":
            data = data[: int(len(data) * float(p.get("fraction", 0.5)))]
        if mode == "gzip":
            data = faults.gzip_bytes(data)
            headers.append(("Content-Encoding", "gzip"))
        elif mode == "gzip_bomb":
            data = faults.gzip_bomb(int(p.get("size_mb", 256)))
            headers.append(("Content-Encoding", "gzip"))
        self.send_response(resp.status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        if mode in ("hang", "truncate"):
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if mode == "hang":
            self.wfile.flush()
            time.sleep(float(p.get("delay", 60)))
            self.close_connection = True
        elif mode == "truncate":
            self.wfile.write(data[: int(len(data) * float(p.get("fraction", 0.5)))])
            self.wfile.flush()
            self.close_connection = True
        elif mode == "trickle":
            chunk, interval = int(p.get("chunk", 256)), float(p.get("interval", 0.5))
            for i in range(0, len(data), chunk):
                self.wfile.write(data[i : i + chunk])
                self.wfile.flush()
                if i + chunk < len(data):
                    time.sleep(interval)
        else:
            self.wfile.write(data)

    def pre_fault(self, mode: str | None, p: dict) -> Response | None:
        if mode == "status":
            status = int(p.get("status", 503))
            reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
            hdrs = [("Retry-After", str(p["retry_after"]))] if "retry_after" in p else []
            page = faults.ERROR_PAGE.format(status=status, reason=reason).encode()
            return Response(status, page, headers=hdrs, cacheable=False)
        if mode == "soft404":
            return Response(200, SOFT_404_HTML.encode(), cacheable=False)
        if mode == "html_body":
            return Response(200, faults.BUSY_PAGE.encode(), cacheable=False)
        if mode == "redirect_home":
            return Response(302, b"", headers=[("Location", "/")], cacheable=False)
        if mode == "challenge":
            status = int(p.get("status", 412))
            token = hashlib.md5(str(random.random()).encode()).hexdigest()
            page = (faults.CHALLENGE_521 if status == 521 else faults.CHALLENGE_412).format(token=token)
            return Response(status, page.encode(), cacheable=False,
                            headers=[("Set-Cookie", f"__jsluid_h={token[:16]}; path=/; HttpOnly")])
        return None

    def route(self, req: Req) -> Response:
        st = self.state
        fam = st.families[self.slug]
        if req.path == "/robots.txt":
            opt = st.faults.option(self.slug, "robots") or {}
            lines = (["User-agent: *"] + [f"Disallow: {d}" for d in opt.get("disallow", [])] + ["Allow: /"]
                     + sitemap.robots_lines(req.options, req.host) + [""])
            return Response(body="\n".join(lines).encode(), content_type="text/plain")
        if req.path in STATIC:
            ctype, fn = STATIC[req.path]
            return Response(body=fn(), content_type=ctype, last_modified=DAY1 - timedelta(days=900))
        if req.path.startswith("/calendar/"):
            return calendar_page(req.path) or fam.not_found()
        if req.path in fam.counter_paths:
            with st.cache_lock:
                n = st.counters[req.raw_query] = st.counters.get(req.raw_query, 1000) + 1
            js = f'document.write("{n}");' if "jsp" in req.path or "php" in req.path else f'{{"hits":{n}}}'
            return Response(body=js.encode(), content_type="application/javascript", cacheable=False)
        portal = homepage.route(fam, req, st.day)  # every site's homepage and its 栏目 (issue #22)
        if portal is not None:
            return portal
        resp = st.render(self.slug, req)
        return resp if resp is not None else fam.not_found()

    def rewrite_sessions(self, data: bytes) -> bytes:
        if self.state.faults.option(self.slug, "session_ids") is None or b"href=" not in data:
            return data
        sid = hashlib.md5(str(random.random()).encode()).hexdigest()[:24].upper()

        def sub(m: re.Match) -> bytes:
            url = m.group(3)
            base, q = (url.split(b"?", 1) + [None])[:2] if b"?" in url else (url, None)
            if base.endswith(b".php") or b".php" in base:
                url = url + (b"&" if q is not None else b"?") + b"sid=" + sid.lower().encode()
            elif base.endswith((b".html", b".shtml", b".htm", b".jsp")):
                url = base + b";jsessionid=" + sid.encode() + (b"?" + q if q is not None else b"")
            return m.group(1) + m.group(2) + url + m.group(2)

        return re.sub(LINK_RE.pattern.encode(), sub, data)

    def not_modified(self, etag: str, last_modified: datetime | None) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm:
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return etag in tags or "*" in tags
        ims = self.headers.get("If-Modified-Since")
        if ims and last_modified:
            try:
                return last_modified.replace(microsecond=0) <= parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
        return False


def calendar_page(path: str) -> Response | None:
    """The endless calendar trap: every month links to the previous and next month, forever."""
    m = re.fullmatch(r"/calendar/(\d{4})-(\d{2})(?:-(\d{2}))?\.html", path)
    if not m:
        return None
    y, mo = int(m.group(1)), int(m.group(2))
    if not 1 <= mo <= 12:
        return None
    prev = f"{y - (mo == 1)}-{12 if mo == 1 else mo - 1:02d}"
    nxt = f"{y + (mo == 12)}-{1 if mo == 12 else mo + 1:02d}"
    days = "".join(f'<a href="/calendar/{y}-{mo:02d}-{d:02d}.html">{d}</a> ' for d in range(1, 29))
    page = (f'<html><head><meta charset="utf-8"><title>{y}年{mo}月 往期回顾</title></head><body>'
            f'<div class="cal"><a href="/calendar/{prev}.html">上一月</a> {y}年{mo}月 '
            f'<a href="/calendar/{nxt}.html">下一月</a><div>{days}</div></div></body></html>')
    return Response(body=page.encode(), cacheable=False)


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    # listen() runs in the constructor, so the backlog must be a class attribute. The default of
    # 5 overflowed under a crawl: the kernel dropped SYNs and each retry cost a 1 s stall.
    # nginx listens with 511.
    request_queue_size = 511


def make_site_server(state: State, slug: str, host: str, port: int = 0) -> ThreadingHTTPServer:
    handler = type(f"Site_{slug}", (SiteHandler,), {"slug": slug, "state": state})
    if port:
        try:
            return SiteServer((host, port), handler)
        except OSError:  # taken: any free port (the demo's URLs then differ from last time's)
            pass
    return SiteServer((host, 0), handler)
