"""The national-scale simulation (issue #21): N CPPCC sites from one replica process.

One HTTP server on one port answers many host names, ``site0001.zx.test`` … ``siteNNNN.zx.test``;
the crawl resolves them to 127.0.0.1 with ``archiver.resolver.MappedResolver`` (a setting, no
/etc/hosts), so Scrapy's per-host politeness sees N distinct sites. Each simulated site borrows a
replica site's family and chrome (all families, in turn) under its own name and domain, with a
small column (``articles`` = 20–100 by default) and its own latency. Deterministic by index:

- 5% of the sites are slow (0.5–1.5 s per answer), the rest answer in 20–120 ms;
- 1% (``fault_every``) hang mid-response on their column page (headers sent, then silence past any timeout),
  1% answer 503 to everything for the whole run, 1% are behind a 412/521 challenge;
- site 1 has ``huge_pages`` listing pages (10,000 by default).

    python -m archiver.replica.national --sites 3000 [--articles 20-100] [--huge-pages 10000]

prints one JSON line ``{"port", "suffix", "sites": {host: {"listing", "family", "articles",
"latency", "fault"}}}`` and serves until stdin reaches EOF (like ``python -m archiver.replica``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import threading
import time

from archiver.replica.families import available, family_class
from archiver.replica.server import SiteHandler, SiteServer, State
from archiver.replica.sites import SITES
from archiver.replica.specials import specials
from archiver.replica.store import SiteStore

SUFFIX = ".zx.test"
HANG_SECONDS = 90.0  # longer than the crawl's DOWNLOAD_TIMEOUT (30 s): the crawler must give up


@dataclasses.dataclass(frozen=True)
class VirtualSite:
    index: int
    host: str
    template: str  # the replica site whose family and chrome this one borrows
    articles: int
    latency: float  # seconds before every answer
    fault: str | None  # "hang" | "down" | "challenge" | None

    @property
    def slug(self) -> str:
        return f"site{self.index:04d}"


def plan(n: int, articles: tuple[int, int] = (20, 100), huge_pages: int = 10_000,
         fault_every: int = 100) -> list[VirtualSite]:
    """The N simulated sites; the same N gives the same sites (benchmarks compare runs).
    One site in ``fault_every`` hangs, one is down, one is challenged (tests use 10)."""
    templates = available()
    lo, hi = articles
    out = []
    for i in range(1, n + 1):
        template = templates[i % len(templates)]
        k = (i * 7919) % 1000  # a fixed scramble of the index
        count = lo + (i * 37) % (hi - lo + 1)
        count = max(count, len(specials(template)))  # a column always holds its special articles
        if i == 1 and huge_pages:
            count = huge_pages * SITES[template].per_page
        latency = 0.5 + (k % 11) / 10 if k % 20 == 3 else 0.02 + (k % 101) / 1000
        fault = {7 % fault_every: "hang", 23 % fault_every: "down", 62 % fault_every: "challenge"}.get(
            i % fault_every) if fault_every >= 10 else None
        out.append(VirtualSite(i, f"site{i:04d}{SUFFIX}", template, count, latency, fault))
    return out


class NationalFamilies(dict):
    """Families built on first request: 3,000 sites cost nothing until the crawl reaches them."""

    def __init__(self, sites: dict[str, VirtualSite]) -> None:
        super().__init__()
        self.sites = sites
        self._lock = threading.Lock()

    def __missing__(self, slug: str):
        site = self.sites[slug]
        base = SITES[site.template]
        # The spec keeps the template's slug: the replica's article generator and special
        # articles are keyed on it. Name, domain and site code (the chrome) are the site's own.
        spec = dataclasses.replace(base, name=f"第{site.index}县政协", domain=site.host,
                                   site_code=f"{base.site_code[:4]}{site.index:06d}")
        with self._lock:
            if slug not in self:
                self[slug] = family_class(spec.family)(spec, SiteStore(spec, site.articles))
            return dict.__getitem__(self, slug)


class NationalState(State):
    def __init__(self, sites: list[VirtualSite], day: int = 1) -> None:
        super().__init__(scale=20, day=day, sites=[next(iter(SITES))])
        self.virtual = {s.slug: s for s in sites}
        self.by_host = {s.host: s for s in sites}
        self.families = NationalFamilies(self.virtual)
        for s in sites:
            for rule in fault_rules(s):
                self.faults.add(rule)


def fault_rules(site: VirtualSite) -> list[dict]:
    listing = SITES[site.template].listing_path
    if site.fault == "hang":
        return [{"site": site.slug, "path": listing, "mode": "hang", "delay": HANG_SECONDS}]
    if site.fault == "down":
        return [{"site": site.slug, "path": None, "mode": "status", "status": 503}]
    if site.fault == "challenge":
        # Half on the column page (412), half already on robots.txt (521): both are reported
        # `challenged`, in the same words.
        path, status = (listing, 412) if site.index % 2 else ("/robots.txt", 521)
        return [{"site": site.slug, "path": path, "mode": "challenge", "status": status}]
    return []


class NationalHandler(SiteHandler):
    timeout = 30  # idle keep-alive connections of 3,000 hosts must not keep 3,000 threads forever

    def serve(self) -> None:
        site = self.state.by_host.get((self.headers.get("Host") or "").split(":")[0].lower())
        if site is None:
            self.send_error(404, "unknown host")
            return
        self.slug = site.slug
        time.sleep(site.latency)
        super().serve()


class NationalServer(SiteServer):
    request_queue_size = 2048


def make_server(state: NationalState, host: str = "127.0.0.1", port: int = 0) -> NationalServer:
    return NationalServer((host, port), type("NationalSite", (NationalHandler,), {"state": state}))


def describe(sites: list[VirtualSite], port: int) -> dict:
    return {"port": port, "suffix": SUFFIX, "sites": {
        s.host: {"slug": s.slug, "listing": f"http://{s.host}:{port}{SITES[s.template].listing_path}",
                 "family": SITES[s.template].family, "articles": s.articles, "latency": s.latency,
                 "fault": s.fault} for s in sites}}


def parse_range(text: str) -> tuple[int, int]:
    lo, _, hi = text.partition("-")
    lo_i, hi_i = int(lo), int(hi or lo)
    if not 1 <= lo_i <= hi_i:
        raise argparse.ArgumentTypeError(f"not a range LO-HI with 1 <= LO <= HI: {text!r}")
    return lo_i, hi_i


def main(argv: list[str] | None = None) -> int:
    from archiver.replica.__main__ import stdin_is_pipe

    ap = argparse.ArgumentParser(prog="python -m archiver.replica.national",
                                 description="N simulated CPPCC sites on one port (issue #21)")
    ap.add_argument("--sites", type=int, default=3000)
    ap.add_argument("--articles", type=parse_range, default=(20, 100), help="articles per site, LO-HI")
    ap.add_argument("--huge-pages", type=int, default=10_000, help="listing pages of site 1 (0: none)")
    ap.add_argument("--fault-every", type=int, default=100, help="1 site in N hangs, 1 is down, 1 challenged")
    ap.add_argument("--day", type=int, default=1)
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args(argv)
    sites = plan(args.sites, args.articles, args.huge_pages, args.fault_every)
    state = NationalState(sites, args.day)
    server = make_server(state, args.host)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    sys.stdout.write(json.dumps(describe(sites, server.server_address[1]), ensure_ascii=False) + "\n")
    sys.stdout.flush()
    stop = threading.Event()
    if stdin_is_pipe():
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
