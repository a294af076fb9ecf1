"""Faults on demand, switched on through the control server (``POST /fault``, JSON body).

A rule is ``{"site": "trs" | "*", "path": …, "mode": …, "times": N, …params}``:

- ``site``: a site slug, or ``"*"`` for every site (default ``"*"``).
- ``path``: what to match: an exact path (``/ldjh/index_1.shtml``), a prefix ending in ``*``
  (``/ldjh/*``), or a path with its query (``/news_list.php?id=12&page=2``, matched exactly);
  omitted = every path of the site.
- ``times``: how many matching requests the rule hits before it is used up (omitted = forever).
  ``{"mode": "status", "status": 503, "times": 2}`` = two 503s, then the page recovers.

Per-request modes (the first live matching rule, in the order they were added, is applied):

==================  ===========================================================================
``slow``            wait ``delay`` seconds (default 3) before sending anything, then answer.
``trickle``         answer normally but send the body in ``chunk``-byte pieces (default 256)
                    every ``interval`` seconds (default 0.5).
``hang``            send the status line and headers (full Content-Length), then nothing for
                    ``delay`` seconds (default 60), then close.
``drop``            close the connection without sending a byte.
``truncate``        send headers with the full Content-Length, then only ``fraction`` (default
                    0.5) of the body, then close.
``status``          answer HTTP ``status`` (default 503) with a short error page; ``retry_after``
                    adds a ``Retry-After`` header (seconds). Use for 500/503/429/404/410/403.
``soft404``         HTTP 200 with a "页面不存在" page.
``redirect_home``   302 to ``/`` (how some CMSs answer a deleted article).
``challenge``       an anti-crawler gateway: HTTP ``status`` 412 (default, 瑞数 style) or 521
                    (加速乐 style) with a JavaScript challenge page that sets a cookie and reloads.
``wrong_charset``   the real bytes, but the Content-Type header claims ``charset`` (default
                    ``gbk`` on UTF-8 sites, ``utf-8`` on GBK sites).
``gzip``            the real body gzip-compressed, with ``Content-Encoding: gzip``.
``gzip_bomb``       ``Content-Encoding: gzip`` body that inflates to ``size_mb`` MB of zeros
                    (default 256; ~250 kB on the wire).
``html_body``       HTTP 200 ``text/html`` "系统繁忙" page instead of the answer (what a list API
                    behind a WAF or a crashed backend sends; issue #14 "Bad input").
``broken_json``     HTTP 200 with the real headers and full Content-Length of a body cut at
                    ``fraction`` (default 0.5): JSON that does not parse (issue #14).
==================  ===========================================================================

Site options (stay on until cleared; ``path``/``times`` ignored):

==================  ===========================================================================
``session_ids``     links on HTML pages carry a fresh session id on every response
                    (``;jsessionid=…`` on .html/.shtml/.htm/.jsp links, ``&sid=…`` on .php
                    links). The server always ignores both, so every variant is the same page.
``robots``          robots.txt gets ``Disallow:`` lines for each path in ``disallow`` (a list).
                    (robots.txt answering 503: a ``status`` rule on ``/robots.txt``.)
``html_list``       the ``post`` site's column HTML renders its items (by default it renders an
                    empty list that a script fills from the JSON API).
``huge_pager``      issue #14 platforms: the pager (text, script counts, last-page links, API
                    totals) claims 100,000 pages whatever the column holds.
``repeat_pages``    issue #14 platforms: listing pages (and API pages) past the last one answer
                    the last page again instead of 404 (pages that repeat the same articles).
``offsite_pager``   issue #14 platforms: page URLs built by page functions / onclick handlers
                    point at another host (``http://www.zxcloud.cn``).
``homepage``        issue #22: ``/`` is a ``shape=frameset``, a ``script`` redirect (both to
                    another domain with ``target=offsite``), an ``offsite``
                    302, or the portal with ``columns`` (``count``, default 500) extra 栏目
                    (archiver/replica/homepage.py); ``shape=decoy``: the speech column unlinked,
                    a 讲话 column of photo news instead; ``shape=sitemap``: the speech column is
                    listed only by the sitemaps (``sitemap=index|plain|broken|huge``, replica/sitemap.py).
``revised_files``   issue #19: the speeches published as files (archiver/replica/files.py) are
                    served revised: each file's text gains a line (other bytes, same links).
==================  ===========================================================================

Always-on traps (no switch): ``/calendar/YYYY-MM.html`` on every site, linked from listing
sidebars as 往期回顾, has 上一月/下一月 links forever; ``;jsessionid=`` and ``sid=`` are accepted
(and ignored) on every URL.
"""

from __future__ import annotations

import gzip
import io
import itertools
import threading
from dataclasses import dataclass, field
from functools import lru_cache

REQUEST_MODES = {"slow", "trickle", "hang", "drop", "truncate", "status", "soft404", "redirect_home",
                 "challenge", "wrong_charset", "gzip", "gzip_bomb", "html_body", "broken_json"}
OPTION_MODES = {"session_ids", "robots", "html_list", "huge_pager", "repeat_pages", "offsite_pager",
                "homepage", "revised_files"}


@dataclass
class Rule:
    id: int
    site: str
    mode: str
    path: str | None = None
    times: int | None = None
    params: dict = field(default_factory=dict)
    hits: int = 0

    def matches(self, site: str, path: str, query: str) -> bool:
        if self.site not in ("*", site):
            return False
        if self.path is None:
            return True
        if "?" in self.path:
            return self.path == (f"{path}?{query}" if query else path)
        if self.path.endswith("*"):
            return path.startswith(self.path[:-1])
        return path == self.path

    def as_dict(self) -> dict:
        return {"id": self.id, "site": self.site, "mode": self.mode, "path": self.path,
                "times": self.times, "hits": self.hits, **self.params}


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.rules: list[Rule] = []
        self.options: dict[str, dict[str, dict]] = {}

    def add(self, spec: dict) -> dict:
        spec = dict(spec)
        mode = spec.pop("mode", None)
        if mode not in REQUEST_MODES | OPTION_MODES:
            raise ValueError(f"unknown fault mode {mode!r}; known: {sorted(REQUEST_MODES | OPTION_MODES)}")
        site = spec.pop("site", "*") or "*"
        path = spec.pop("path", None)
        times = spec.pop("times", None)
        if times is not None and int(times) < 1:
            raise ValueError("times must be a positive integer (omit it for a permanent rule)")
        with self._lock:
            if mode in OPTION_MODES:
                self.options.setdefault(site, {})[mode] = spec
                return {"site": site, "mode": mode, **spec}
            rule = Rule(next(self._ids), site, mode, path, None if times is None else int(times), spec)
            self.rules.append(rule)
            return rule.as_dict()

    def take(self, site: str, path: str, query: str) -> Rule | None:
        """The rule that applies to this request (consuming one of its ``times``)."""
        if not self.rules:
            return None
        with self._lock:
            for rule in self.rules:
                if rule.matches(site, path, query):
                    rule.hits += 1
                    if rule.times is not None:
                        rule.times -= 1
                        if rule.times <= 0:
                            self.rules.remove(rule)
                    return rule
        return None

    def option(self, site: str, mode: str) -> dict | None:
        """The params of a site option when it is on (possibly ``{}``), else None."""
        found = self.options.get(site, {}).get(mode)
        return found if found is not None else self.options.get("*", {}).get(mode)

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.options.clear()

    def as_list(self) -> list[dict]:
        with self._lock:
            opts = [{"site": s, "mode": m, **p} for s, d in self.options.items() for m, p in d.items()]
            return [r.as_dict() for r in self.rules] + opts


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=5, mtime=0)


@lru_cache(maxsize=4)
def gzip_bomb(size_mb: int) -> bytes:
    buf = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        for _ in range(size_mb):
            gz.write(chunk)
    return buf.getvalue()


CHALLENGE_412 = """<!DOCTYPE html><html><head><meta charset="utf-8"><meta id="9DhefwqGPrzGxEp9hPaoag" content="{token}">
<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js"></script></head>
<body><script type="text/javascript">$_ts=window['$_ts'];if(!$_ts)$_ts={{}};$_ts.nsd=45213;$_ts.cd="{token}";
document.cookie="FSSBBIl1UgzbN7N80T={token};path=/";setTimeout(function(){{location.reload()}},50);</script></body></html>"""
CHALLENGE_521 = """<html><body><script>document.cookie=('_')+('_')+('jsl_clearance_s=')+(+new Date()/1000|0)+
('.{token}')+(';max-age=3600;path=/');location.href=location.pathname+location.search</script></body></html>"""
BUSY_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>系统提示</title></head>
<body><div class="msg"><h2>系统繁忙，请稍后再试！</h2><p><a href="/">返回首页</a></p></div></body></html>"""
ERROR_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{status} {reason}</title></head>
<body><h1>{status} {reason}</h1><p>服务器繁忙，请稍后再试。</p><hr><center>nginx</center></body></html>"""
