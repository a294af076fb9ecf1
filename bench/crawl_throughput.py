"""Issue #6: crawl-and-store throughput vs a fetch-only spider, peak RSS, and a repeat crawl.

Against the replica sites (``--scale`` articles per site, six sites), politeness off
(``--delay 0``) but robots.txt obeyed by both crawlers (one request per site):

1. ``cppcc-archiver crawl --delay 0 LISTING…`` into a fresh SQLite archive, in a child process
   measured for wall time, CPU time and peak RSS (``wait4``, see bench/_common.py).
2. ``bench/fetch_only.py``: a minimal Scrapy spider requesting exactly the URLs the first crawl
   requested (from the replica's access log, robots.txt excluded: Scrapy fetches it itself) with
   the same concurrency settings, discarding the responses.
3. The same crawl again on the unchanged replica (default ``--revisit due``): requests per site.

Throughput is articles stored per second of the crawl process (end to end, start-up included)
and per second of its request window (first to last request seen by the replica). Targets
(issue #6): crawl >= 80% of the fetch-only rate; peak RSS < 300 MB for a crawl of 10,000+
articles (``--replicas 2 --scale 1000``: twelve sites of 1,000 articles), counted over the crawl's
whole process tree (it runs extraction and storage in child processes); a repeat crawl with
nothing new <= 2 requests per site.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from _common import CLI, ROOT, bench_env, load_now, md_table, print_machine, run_measured


class Replicas:
    """Several replica servers seen as one: site keys ``trs``, ``trs#2``, … (``--replicas``).

    Each replica serves the same six sites on other ports, i.e. other URLs: twelve sites crawled
    in parallel, as a nightly crawl of many committees is.
    """

    def __init__(self, count: int, scale: int) -> None:
        from archiver.replica.testing import ReplicaProcess

        self.procs = [ReplicaProcess(scale=scale) for _ in range(count)]

    def __enter__(self) -> "Replicas":
        for rp in self.procs:
            rp.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for rp in self.procs:
            rp.stop()

    @staticmethod
    def _key(slug: str, i: int) -> str:
        return slug if i == 0 else f"{slug}#{i + 1}"

    @property
    def sites(self) -> dict[str, dict]:
        return {self._key(slug, i): site for i, rp in enumerate(self.procs) for slug, site in rp.sites.items()}

    def access_log(self) -> list[dict]:
        log = [dict(e, site=self._key(e["site"], i)) for i, rp in enumerate(self.procs) for e in rp.access_log()]
        return sorted(log, key=lambda e: e["t"])

    def clear_log(self) -> None:
        for rp in self.procs:
            rp.clear_log()

    def cpu_seconds(self) -> float:
        """CPU time the replica servers have used so far (user + system, from /proc)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for rp in self.procs:
            fields = Path(f"/proc/{rp.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    def gold(self, **kwargs) -> list[dict]:
        return [dict(g, site=self._key(g["site"], i)) for i, rp in enumerate(self.procs) for g in rp.gold(**kwargs)]


def window(log: list[dict]) -> float:
    return (log[-1]["t"] - log[0]["t"]) if len(log) > 1 else float("nan")


def crawl(db: Path, listings: list[str], workdir: Path, name: str, extra: list[str],
          profile: str | None = None):
    cmd = [CLI, "crawl", "--db", f"sqlite:///{db}", "--delay", "0", "--no-progress",
           "--log-file", str(workdir / f"{name}.log"), *(extra or []), *listings]
    if profile:
        cmd = [sys.executable, "-m", "cProfile", "-o", profile, "-m", "archiver", *cmd[1:]]
    with open(workdir / f"{name}.out", "w") as out:
        result = run_measured(cmd, stdout=out, stderr=subprocess.STDOUT, env=bench_env())
    if result.returncode != 0:
        print(f"warning: crawl {name} exited {result.returncode}; see {workdir / (name + '.out')}",
              file=sys.stderr)
    return result


def count_articles(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=200,
                    help="replica articles per site (default 200: ~1,200 articles; with --replicas 2, "
                    "1000 for the 10,000+ article peak-RSS run)")
    ap.add_argument("--max-listing-pages", type=int, metavar="N",
                    help="pass -s ARCHIVER_MAX_LISTING_PAGES=N to both crawls (default 2,000 listing pages "
                    "per column; a column cut by it is reported unhealthy)")
    ap.add_argument("--replicas", type=int, default=1, metavar="N",
                    help="serve N copies of the six replica sites (other ports, other URLs) and crawl "
                    "all 6N columns: the way to a 10,000+ article crawl (default 1)")
    ap.add_argument("--keep", metavar="DIR", help="keep the archive, logs and URL list here")
    ap.add_argument("--profile", metavar="FILE",
                    help="run the first crawl under cProfile, stats to FILE (slows it down; for "
                    "finding hot spots, not for the numbers)")
    args = ap.parse_args()

    print_machine("Crawl throughput, peak RSS, repeat crawl (issue #6)")
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_crawl_"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "archive.sqlite3"
    for stale in workdir.glob("archive.sqlite3*"):
        stale.unlink()
    with Replicas(args.replicas, args.scale) as rp:
        listings = [site["listing"] for site in rp.sites.values()]
        rp.clear_log()
        server_cpu = [rp.cpu_seconds()]
        print(f"{args.replicas} replica(s), scale {args.scale}, {len(listings)} sites; load average {load_now()}\n",
              flush=True)

        extra = ["-s", f"ARCHIVER_MAX_LISTING_PAGES={args.max_listing_pages}"] if args.max_listing_pages else []
        first = crawl(db, listings, workdir, "crawl1", extra, profile=args.profile)
        log1 = rp.access_log()
        server_cpu.append(rp.cpu_seconds())
        stored = count_articles(db)
        gold_per_site = Counter(g["site"] for g in rp.gold(boilerplate=False) if g["column"] == "领导讲话")
        urls = [rp.sites[e["site"]]["base"] + e["path"] for e in log1
                if e["path"] != "/robots.txt" and e["method"] == "GET"]
        if any(e["method"] != "GET" for e in log1):
            print("warning: the crawl made non-GET requests; fetch-only replays GETs only", file=sys.stderr)
        url_file = workdir / "urls.txt"
        url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")

        rp.clear_log()
        with open(workdir / "fetch_only.out", "w") as out:
            fetch = run_measured([sys.executable, str(ROOT / "bench" / "fetch_only.py"), str(url_file)],
                                 stdout=out, stderr=subprocess.STDOUT, env=bench_env())
        log2 = rp.access_log()
        server_cpu.append(rp.cpu_seconds())
        fetch_report = json.loads((workdir / "fetch_only.out").read_text().strip().splitlines()[-1])

        rp.clear_log()
        repeat = crawl(db, listings, workdir, "crawl2", extra)
        log3 = rp.access_log()
        print(f"load average after the runs: {load_now()}\n")

    arts1 = stored
    rows = [
        ["crawl + extract + store (`cppcc-archiver crawl`)", first.returncode, len(log1), arts1,
         f"{first.wall:.1f}", f"{arts1 / first.wall:.1f}", f"{window(log1):.1f}", f"{arts1 / window(log1):.1f}",
         f"{first.cpu:.1f}", f"{server_cpu[1] - server_cpu[0]:.1f}", f"{first.max_rss_mb:.0f}", f"{first.tree_rss_mb:.0f}"],
        ["fetch only (`bench/fetch_only.py`)", fetch.returncode, len(log2), arts1,
         f"{fetch.wall:.1f}", f"{arts1 / fetch.wall:.1f}", f"{window(log2):.1f}", f"{arts1 / window(log2):.1f}",
         f"{fetch.cpu:.1f}", f"{server_cpu[2] - server_cpu[1]:.1f}", f"{fetch.max_rss_mb:.0f}", f"{fetch.tree_rss_mb:.0f}"],
    ]
    print(f"### Throughput ({arts1} articles stored, {len(urls)} listing+article URLs)\n")
    print(md_table(["run", "exit", "requests", "articles", "process s", "articles/s (process)",
                    "request window s", "articles/s (window)", "CPU s", "replica CPU s", "peak RSS MB (largest process)", "peak RSS MB (process tree)"], rows))
    e2e = (arts1 / first.wall) / (arts1 / fetch.wall)
    win = window(log2) / window(log1)
    print(f"\nfetch-only statuses: {fetch_report['statuses']}")
    print(f"\nCrawl rate as a share of fetch-only: end to end {100 * e2e:.0f}%, request window "
          f"{100 * win:.0f}% (target >= 80%: {'met' if e2e >= 0.8 else 'NOT met'} end to end, "
          f"{'met' if win >= 0.8 else 'NOT met'} in the window).")
    peak_rss = max(first.max_rss_mb, first.tree_rss_mb if first.tree_rss_mb == first.tree_rss_mb else 0)
    rss_ok = peak_rss < 300
    size_note = "" if arts1 >= 10_000 else f" (only {arts1} articles: run --replicas 2 --scale 1000 for the 10,000+ target)"
    print(f"Peak RSS of the crawl (all its processes): {peak_rss:.0f} MB for {arts1} articles, target < 300 MB: "
          f"{'met' if rss_ok else 'NOT met'}{size_note}.")

    print("\n### First crawl per site: articles stored vs in the speech column\n")
    ports = {urlsplit(site["base"]).port: key for key, site in rp.sites.items()}
    summary = {}
    for line in (workdir / "crawl1.out").read_text().splitlines():
        m = re.match(r"site_127_0_0_1_(\d+): (.*)", line)
        if m:
            summary[ports.get(int(m.group(1)), m.group(1))] = m.group(2)
    print(md_table(["site", "in the column", "crawl summary line"],
                   [[slug, gold_per_site.get(slug, 0), summary.get(slug, "")] for slug in sorted(rp.sites)]))

    per_site = Counter(e["site"] for e in log3)
    robots = Counter(e["site"] for e in log3 if e["path"] == "/robots.txt")
    print(f"\n### Repeat crawl, nothing new (exit {repeat.returncode}, {repeat.wall:.1f} s, "
          f"{repeat.max_rss_mb:.0f} MB)\n")
    rows = [[site, per_site.get(site, 0), robots.get(site, 0), per_site.get(site, 0) - robots.get(site, 0),
             ", ".join(sorted({e['path'] for e in log3 if e['site'] == site and e['path'] != '/robots.txt'}))[:120]]
            for site in sorted(rp.sites)]
    print(md_table(["site", "requests", "robots.txt", "other", "paths (robots.txt aside)"], rows))
    worst = max(per_site.values(), default=0)
    print(f"\nRequests per site, robots.txt included: max {worst} (target <= 2: {'met' if worst <= 2 else 'NOT met'}).")
    print(f"\nfiles: {workdir}" if args.keep else "")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
