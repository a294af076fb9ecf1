"""Issue #6: crawl-and-store throughput vs a fetch-only spider, peak RSS, and a repeat crawl.

Against the replica sites (``--scale`` articles per site, every site the replica serves by
default: 21), politeness off
(``--delay 0``) but robots.txt obeyed by both crawlers (one request per site):

0. A warm-up ``cppcc-archiver crawl``, not measured: the replica's access log gives the URLs
   fetch-only replays, and the replica's page cache is then as warm for the first measured run
   as for the others (otherwise whichever runs first pays for rendering every page).
1. ``--rounds`` rounds (default 3), alternating which goes first:
   ``bench/fetch_only.py``, a minimal Scrapy spider requesting exactly the warm-up's URLs
   (robots.txt excluded: Scrapy fetches it itself) with the crawl's concurrency settings,
   discarding the responses; and ``cppcc-archiver crawl --delay 0 LISTING…`` into a fresh SQLite
   archive. Each runs in a child process measured for wall time, CPU time of its whole process
   tree and peak RSS (``wait4`` plus psutil sampling, see bench/_common.py).
   With ``--recipe``, a third run each round: the same URLs through the spider a user would
   write instead (Scrapy + trafilatura + SQLite, ``bench/fetch_only.py --recipe``), so that CPU
   per archived article is measured side by side, in one run, for all three (issue #21:
   ours <= 2x fetch-only, <= 0.35x the recipe).
2. The same crawl again on the unchanged replica (default ``--revisit due``): requests per site.

The share is the ratio of the median wall times, end to end (start-up included) and over the
request window (first to last request seen by the replica). Targets (issue #6): crawl >= 80% of
the fetch-only rate; peak RSS < 300 MB for a crawl of 10,000+ articles (``--scale 500``: 21
sites of 500 articles; ``--replicas 2 --scale 1000``: 42 sites of 1,000), counted over the crawl's
whole process tree (one crawl process: extraction on the reactor's thread or the parse thread,
storage on the writer thread; only attachment text runs in a child process); a repeat crawl
with nothing new <= 2 requests per site.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit

from _common import CLI, ROOT, bench_env, bench_parser, load_now, md_table, print_machine, run_measured, work_folder


class Replicas:
    """Several replica servers seen as one: site keys ``trs``, ``trs#2``, … (``--replicas``).

    Each replica serves the same sites on other ports, i.e. other URLs: with two, twice as many
    sites crawled in parallel, as a nightly crawl of many committees is.
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


def fetch_only(url_file: Path, workdir: Path, name: str, recipe: Path | None = None):
    cmd = [sys.executable, str(ROOT / "bench" / "fetch_only.py"), str(url_file)]
    if recipe is not None:
        db = workdir / f"{name}.sqlite3"
        db.unlink(missing_ok=True)
        cmd += ["--recipe", str(recipe), str(db)]
    with open(workdir / f"{name}.out", "w") as out:
        result = run_measured(cmd, stdout=out, stderr=subprocess.STDOUT, env=bench_env())
    report = json.loads((workdir / f"{name}.out").read_text().strip().splitlines()[-1])
    return result, report


def main() -> int:
    ap = bench_parser(__doc__, scale=200)
    ap.add_argument("--rounds", type=int, default=3, metavar="N",
                    help="measured rounds of (fetch-only, crawl), alternating which goes first; the "
                    "share is the ratio of the medians (default 3)")
    ap.add_argument("--max-listing-pages", type=int, metavar="N",
                    help="pass -s ARCHIVER_MAX_LISTING_PAGES=N to both crawls (default 2,000 listing pages "
                    "per column; a column cut by it is reported unhealthy)")
    ap.add_argument("--replicas", type=int, default=1, metavar="N",
                    help="serve N copies of the replica's sites (other ports, other URLs) and crawl "
                    "all their columns (default 1)")
    ap.add_argument("--recipe", action="store_true",
                    help="also run the Scrapy + trafilatura + SQLite recipe on the same URLs each round "
                    "(issue #21: CPU per article side by side)")
    ap.add_argument("--keep", metavar="DIR", help="keep the archive, logs and URL list here")
    ap.add_argument("--profile", metavar="FILE",
                    help="run the warm-up crawl under cProfile, stats to FILE (slows it down; for "
                    "finding hot spots, not for the numbers)")
    args = ap.parse_args()

    print_machine("Crawl throughput, peak RSS, repeat crawl (issue #6)")
    with work_folder(args.keep, "bench_crawl_") as workdir:
        measure(args, workdir)
        print(f"\nfiles: {workdir}" if args.keep else "")
    return 0


def measure(args: argparse.Namespace, workdir: Path) -> None:
    """The warm-up, the measured rounds and the repeat crawl, and their tables."""
    db = workdir / "archive.sqlite3"
    extra = ["-s", f"ARCHIVER_MAX_LISTING_PAGES={args.max_listing_pages}"] if args.max_listing_pages else []
    with Replicas(args.replicas, args.scale) as rp:
        listings = [site["listing"] for site in rp.sites.values()]
        print(f"{args.replicas} replica(s), scale {args.scale}, {len(listings)} sites, {args.rounds} round(s); "
              f"load average {load_now()}\n", flush=True)

        # Warm-up: a crawl nobody measures. It lists the URLs fetch-only replays, and it leaves the
        # replica's page cache as warm for the first measured run as for the later ones.
        rp.clear_log()
        warm = workdir / "warmup.sqlite3"
        crawl(warm, listings, workdir, "warmup", extra, profile=args.profile)
        log0 = rp.access_log()
        urls = [rp.sites[e["site"]]["base"] + e["path"] for e in log0
                if e["path"] != "/robots.txt" and e["method"] == "GET"]
        if any(e["method"] != "GET" for e in log0):
            print("warning: the crawl made non-GET requests; fetch-only replays GETs only", file=sys.stderr)
        url_file = workdir / "urls.txt"
        url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
        article_file = workdir / "articles.txt"
        with sqlite3.connect(warm) as conn:
            article_file.write_text("".join(u + "\n" for (u,) in conn.execute("SELECT url FROM articles")))

        kinds = ("fetch", "crawl", "recipe") if args.recipe else ("fetch", "crawl")
        runs: dict[str, list] = {kind: [] for kind in kinds}
        rows = []
        for n in range(1, args.rounds + 1):
            order = kinds[(n - 1) % len(kinds):] + kinds[:(n - 1) % len(kinds)]  # each goes first in turn
            for kind in order:
                rp.clear_log()
                cpu0 = rp.cpu_seconds()
                if kind == "crawl":
                    for stale in workdir.glob("archive.sqlite3*"):
                        stale.unlink()
                    result = crawl(db, listings, workdir, f"crawl{n}", extra)
                    label, statuses = "crawl + extract + store", ""
                    articles = count_articles(db)
                elif kind == "recipe":
                    result, report = fetch_only(url_file, workdir, f"recipe{n}", recipe=article_file)
                    label, statuses = "Scrapy + trafilatura + SQLite", json.dumps(report["statuses"])
                    articles = report["stored"]
                else:
                    result, report = fetch_only(url_file, workdir, f"fetch{n}")
                    label, statuses = "fetch only", json.dumps(report["statuses"])
                    articles = None
                log = rp.access_log()
                runs[kind].append((result, log, articles))
                rows.append([n, label, result.returncode, len(log), articles if articles is not None else "",
                             f"{result.wall:.1f}", f"{window(log):.1f}", f"{result.cpu:.1f}",
                             f"{rp.cpu_seconds() - cpu0:.1f}", f"{result.max_rss_mb:.0f}", f"{result.tree_rss_mb:.0f}", statuses])

        gold_per_site = Counter(g["site"] for g in rp.gold(boilerplate=False) if g["column"] == "领导讲话")
        rp.clear_log()
        repeat = crawl(db, listings, workdir, "repeat", extra)
        log3 = rp.access_log()
        print(f"load average after the runs: {load_now()}\n")

    stored = [a for _, _, a in runs["crawl"]]
    arts = stored[-1]
    cpu_ms = {kind: 1000 * median([r.cpu for r, _, _ in runs[kind]]) / arts for kind in kinds}
    print(f"### Throughput ({arts} articles stored per crawl, {len(urls)} listing+article URLs)\n")
    print(md_table(["round", "run", "exit", "requests", "articles stored", "process s", "request window s",
                    "CPU s (process tree)", "replica CPU s", "peak RSS MB (largest process)",
                    "peak RSS MB (process tree)", "fetch-only statuses"], rows))
    crawl_wall = median([r.wall for r, _, _ in runs["crawl"]])
    fetch_wall = median([r.wall for r, _, _ in runs["fetch"]])
    crawl_win = median([window(log) for _, log, _ in runs["crawl"]])
    fetch_win = median([window(log) for _, log, _ in runs["fetch"]])
    e2e, win = fetch_wall / crawl_wall, fetch_win / crawl_win
    print(f"\nMedians: crawl {crawl_wall:.1f} s ({arts / crawl_wall:.0f} articles/s), fetch only {fetch_wall:.1f} s "
          f"({arts / fetch_wall:.0f} articles/s); request windows {crawl_win:.1f} s and {fetch_win:.1f} s.")
    print(f"Crawl rate as a share of fetch-only (ratio of the medians): end to end {100 * e2e:.0f}%, request "
          f"window {100 * win:.0f}% (target >= 80%: {'met' if e2e >= 0.8 else 'NOT met'} end to end, "
          f"{'met' if win >= 0.8 else 'NOT met'} in the window).")
    print(f"\n### CPU per article stored and memory, per process (median / max over the rounds, {arts} articles)\n")
    cpu_rows = []
    for kind, label in (("crawl", "crawl"), ("fetch", "fetch only"), ("recipe", "recipe")):
        if kind not in runs:
            continue
        roles = sorted({role for r, _, _ in runs[kind] for role in r.process_cpu})
        for role in roles:
            values = [r.process_cpu[role] for r, _, _ in runs[kind] if role in r.process_cpu]
            peaks = [r.process_rss_mb[role] for r, _, _ in runs[kind] if role in r.process_rss_mb]
            cpu_rows.append([label, role, f"{1000 * median(values) / arts:.2f}", f"{max(peaks):.0f}"])
        cpu_rows.append([label, "whole tree (wait4)", f"{1000 * median([r.cpu for r, _, _ in runs[kind]]) / arts:.2f}",
                         f"{max(r.tree_rss_mb for r, _, _ in runs[kind]):.0f} (sum)"])
    print(md_table(["run", "process", "CPU ms per article", "peak RSS MB"], cpu_rows))
    ratios = f"ours {cpu_ms['crawl']:.2f} ms, fetch-only {cpu_ms['fetch']:.2f} ms: {cpu_ms['crawl'] / cpu_ms['fetch']:.2f}x (target <= 2x)"
    if "recipe" in cpu_ms:
        ratios += (f"; recipe {cpu_ms['recipe']:.2f} ms: ours {cpu_ms['crawl'] / cpu_ms['recipe']:.2f}x of it "
                   f"(target <= 0.35x; the recipe stored {runs['recipe'][-1][2]} of the {arts})")
    print(f"\nCPU per article stored, whole process tree, medians: {ratios}.")
    print("\n(Per process: psutil, sampled every 100 ms, so the last moments of a process are missing; "
          "the whole tree is exact. Start-up is included: at small scales it weighs.)")
    if len(set(stored)) > 1:
        print(f"warning: the measured crawls stored different numbers of articles: {stored}")
    peak_rss = max(max(r.max_rss_mb, r.tree_rss_mb if r.tree_rss_mb == r.tree_rss_mb else 0)
                   for r, _, _ in runs["crawl"])
    size_note = "" if arts >= 10_000 else f" (only {arts} articles: run --replicas 2 --scale 1000 for the 10,000+ target)"
    print(f"Peak RSS of the crawl (all its processes): {peak_rss:.0f} MB for {arts} articles, target < 300 MB: "
          f"{'met' if peak_rss < 300 else 'NOT met'}{size_note}.")
    last_crawl = f"crawl{args.rounds}"

    print("\n### First crawl per site: articles stored vs in the speech column\n")
    ports = {urlsplit(site["base"]).port: key for key, site in rp.sites.items()}
    summary = {}
    for line in (workdir / f"{last_crawl}.out").read_text().splitlines():
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


if __name__ == "__main__":
    sys.exit(main())
