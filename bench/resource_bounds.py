"""Resource bounds under hostile sites (issue #15): peak memory and the stall of a normal site.

    .venv/bin/python bench/resource_bounds.py [--quick]

Each scenario is one `cppcc-archiver crawl` of a hostile column (archiver/replica/hostile.py)
next to a normal replica site (trs, `--delay 0.3` so that its requests span the crawl):

- baseline: the normal site alone;
- header flood: 300 MB of folded header lines, 100,000 header fields, a 100 kB folded value;
- long article: 30 pages of 15 MB each (gzip, ~30 kB each on the wire), and the largest article
  the bounds let through (two pages of 1.9 MB, then a page refused for the article's byte budget);
- 100,000-link listing (9.5 MB: refused by DOWNLOAD_MAXSIZE), and the largest that fits (40,000
  links, 3.8 MB) with default bounds, parsed on the reactor's thread
  (``ARCHIVER_THREAD_PARSE_BYTES`` above its size, as before the worker thread), and without
  the character bound (``ARCHIVER_MAX_LISTING_CHARS=0``), as before issue #15.
The listing scenarios follow at most 100 of the links (``ARCHIVER_MAX_LISTING_ENTRIES=100``, the
default is 2,000) to keep the run short: the bound under test is the parse of the page.

Measured: peak RSS of the whole process tree (the crawl and its children, sampled every 100 ms
with psutil) and of the crawl process alone (wait4); the longest gap between two
consecutive requests of the normal site (the replica's access log), against the time one
listing page at the ``ARCHIVER_MAX_LISTING_CHARS`` bound takes to parse on this machine (the
listing-parse bound); which limits were hit (``archiver/limits/*`` in the run's stats).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archiver import settings as defaults  # noqa: E402
from archiver.replica.hostile import HostileSite, big_listing  # noqa: E402
from archiver.replica.testing import ReplicaProcess  # noqa: E402
from bench._common import bench_env, md_table, print_machine, start_measured  # noqa: E402

TARGET_MB = 400
FEW_ENTRIES = ("-s", "ARCHIVER_MAX_LISTING_ENTRIES=100")


def listing_parse_bound(links: int) -> float:
    """Seconds the spider spends on one listing page at the bounds (decoded, cut at
    ARCHIVER_MAX_LISTING_CHARS, parsed), on the reactor's thread: median of 3."""
    from archiver.cms import parse_listing
    from archiver.extract.encoding import decode_html

    body = big_listing(links)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        text = decode_html(body).text[:defaults.ARCHIVER_MAX_LISTING_CHARS]
        parse_listing("http://127.0.0.1:1/big/index.html", text)
        times.append(time.perf_counter() - start)
    return sorted(times)[1]


def crawl(rp: ReplicaProcess, hostile_urls: list[str], extra: tuple[str, ...]) -> dict:
    rp.reset()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "a.sqlite3"
        cmd = [sys.executable, "-m", "archiver", "crawl", "--db", f"sqlite:///{db}", "--delay", "0.3",
               "--no-progress", *extra, rp.sites["trs"]["listing"], *hostile_urls]
        run = start_measured(cmd, env=bench_env(), cwd=tmp).wait()
        stats = json.loads(sqlite3.connect(db).execute(
            "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0] or "{}")
    times = sorted(e["t"] for e in rp.access_log(site="trs"))
    gaps = [b - a for a, b in zip(times, times[1:])]
    return {"run": run, "stall": max(gaps, default=float("nan")), "requests": len(times),
            "limits": {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("archiver/limits/")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller floods and pages (a smoke run)")
    parser.add_argument("--only", default="", help="run only the scenarios whose name contains this")
    args = parser.parse_args()
    print_machine("Resource bounds under hostile sites (issue #15)")
    size = dict(flood_mb=30, long_pages=5, long_page_mb=15, listing_links=20_000) if args.quick else {}
    links = size.get("listing_links", 100_000)
    fits = links * 2 // 5  # 40,000 links, 3.8 MB: the largest listing under DOWNLOAD_MAXSIZE
    bound = listing_parse_bound(fits)
    rows = []
    with ReplicaProcess() as rp, HostileSite(**size) as hostile, contextlib.ExitStack() as stack:
        base = hostile.base
        scenarios = [
            ("baseline: the normal site alone", [], ()),
            ("header flood (300 MB folded, 100,000 fields)", [f"{base}/flood/index.html"], ()),
            ("long article (30 pages of 15 MB, gzip)", [f"{base}/long/index.html"], ()),
            (f"listing of {links:,} links", [f"{base}/big/index.html"], FEW_ENTRIES),
        ]
        # 100,000 links are 9.5 MB, past DOWNLOAD_MAXSIZE: the page is refused before any parse.
        # The largest listing let through is parsed only up to ARCHIVER_MAX_LISTING_CHARS.
        big = stack.enter_context(HostileSite(listing_links=fits))
        scenarios += [
            (f"listing of {fits:,} links (under DOWNLOAD_MAXSIZE)", [f"{big.base}/big/index.html"], FEW_ENTRIES),
            (f"listing of {fits:,} links, parsed on the reactor's thread (before)", [f"{big.base}/big/index.html"],
             (*FEW_ENTRIES, "-s", f"ARCHIVER_THREAD_PARSE_BYTES={64 * 1024 * 1024}")),
            (f"listing of {fits:,} links, no character bound (before)", [f"{big.base}/big/index.html"],
             (*FEW_ENTRIES, "-s", "ARCHIVER_MAX_LISTING_CHARS=0")),
        ]
        # The largest article the bounds let through: two pages of 1.9 MB, the third refused for
        # the article's budget (ARCHIVER_MAX_ARTICLE_BYTES and DOWNLOAD_MAXSIZE, 4 MB).
        largest = stack.enter_context(HostileSite(long_pages=3, long_page_mb=1.9))
        scenarios.insert(3, ("largest article within the bounds (2 pages of 1.9 MB)", [f"{largest.base}/long/index.html"], ()))
        scenarios.insert(4, ("largest article, extracted on the reactor's thread (before)", [f"{largest.base}/long/index.html"],
                             ("-s", f"ARCHIVER_THREAD_PARSE_BYTES={64 * 1024 * 1024}")))
        for name, urls, extra in scenarios:
            if args.only not in name and not name.startswith("baseline"):
                continue
            result = crawl(rp, urls, extra)
            run = result["run"]
            rows.append([name, run.returncode, round(run.tree_rss_mb), round(run.max_rss_mb),
                         "yes" if run.tree_rss_mb <= TARGET_MB else "**no**", round(result["stall"], 2),
                         result["requests"], ", ".join(f"{k} {v}" for k, v in sorted(result["limits"].items())) or "-",
                         round(run.wall, 1)])
            print(f"  {name}: tree {run.tree_rss_mb:.0f} MB, stall {result['stall']:.2f} s", file=sys.stderr, flush=True)
    print(md_table(["scenario", "exit", "tree peak RSS MB", "crawl process peak RSS MB", f"≤ {TARGET_MB} MB",
                    "longest gap of the normal site s", "its requests", "limits hit", "wall s"], rows))
    print(f"\nlisting-parse bound: one listing page decoded, cut at ARCHIVER_MAX_LISTING_CHARS "
          f"({defaults.ARCHIVER_MAX_LISTING_CHARS:,} characters of the {fits:,}-link page) and parsed in {bound:.2f} s "
          f"here; the normal site's requests are {0.3} s apart at best (`--delay 0.3`).")


if __name__ == "__main__":
    main()
