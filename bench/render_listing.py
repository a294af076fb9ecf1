"""Issue #14, item 3: what a rendered listing page costs against a plain one.

The same column (the replica's TRS site, ``--scale`` articles, 8 a listing page) is crawled twice
into fresh SQLite archives, ``--delay 0``: plainly, then with ``-s ARCHIVER_RENDER=all`` (listing
pages through headless Chromium, articles plain). Reported per run: wall time, peak RSS of the
whole process tree (the crawl, its extraction and writer processes, and with rendering the
Playwright driver and Chromium's processes; psutil, sampled every 100 ms) and the largest
processes; then the extra wall time per listing page. A third run crawls the replica's
``rendered`` site (links only after its scripts ran) for reference.

Needs Chromium (``apt-get install chromium``) and scrapy-playwright (``pip install -e '.[render]'``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, bench_env, md_table, print_machine, start_measured

sys.path.insert(0, str(ROOT))
from archiver.replica.testing import ReplicaProcess  # noqa: E402

PER_PAGE = 8  # the TRS replica site's listing page size


def crawl(workdir: Path, name: str, listing: str, extra: list[str]):
    db = workdir / f"{name}.sqlite3"
    cmd = [sys.executable, "-m", "archiver", "crawl", "--db", f"sqlite:///{db}", "--delay", "0",
           "--no-progress", "--log-file", str(workdir / f"{name}.log"), *extra, listing]
    with open(workdir / f"{name}.out", "w") as out:
        run = start_measured(cmd, stdout=out, stderr=subprocess.STDOUT, env=bench_env(), cwd=str(ROOT)).wait()
    line = (workdir / f"{name}.out").read_text().strip().splitlines()[0]
    return run, line


def top_processes(run, n: int = 3) -> str:
    biggest = sorted(run.process_rss_mb.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{role} {mb:.0f}" for role, mb in biggest)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=160, help="articles of the column (default %(default)s)")
    ap.add_argument("--keep", metavar="DIR", help="keep the archives and logs here")
    args = ap.parse_args()
    print_machine("Rendered vs plain listing pages (issue #14)", sys.argv)
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="render-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    pages = -(-args.scale // PER_PAGE)
    rows = []
    try:
        with ReplicaProcess(scale=args.scale, sites=["trs", "rendered"]) as rp:
            runs = {}
            for name, site, extra in [("plain", "trs", []), ("rendered", "trs", ["-s", "ARCHIVER_RENDER=all"]),
                                      ("needs-js", "rendered", ["-s", "ARCHIVER_RENDER=all"])]:
                run, line = crawl(workdir, name, rp.sites[site]["listing"], extra)
                runs[name] = run
                rows.append([name, site, run.returncode, f"{run.wall:.1f}", f"{run.tree_rss_mb:.0f}",
                             top_processes(run), line.split(": ", 1)[1][:60]])
        print(md_table(["run", "replica site", "exit", "wall s", "tree peak RSS MB", "largest processes (MB)",
                        "summary"], rows))
        extra = (runs["rendered"].wall - runs["plain"].wall) / pages
        print(f"\n{pages} listing pages, {args.scale} articles; rendering added {extra:.2f} s per listing page "
              f"and {runs['rendered'].tree_rss_mb - runs['plain'].tree_rss_mb:.0f} MB of peak RSS (process tree).")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
