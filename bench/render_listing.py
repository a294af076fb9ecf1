"""Issue #14, item 3: what a rendered listing page costs against a plain one.

The same column (the replica's TRS site, ``--scale`` articles, 8 a listing page) is crawled twice
into fresh SQLite archives, ``--delay 0``: plainly, then with ``-s ARCHIVER_RENDER=all`` (listing
pages through headless Chromium, articles plain). Reported per run: wall time, peak RSS of the
whole process tree (the crawl and its child, and with rendering the
Playwright driver and Chromium's processes; psutil, sampled every 100 ms) and the largest
processes; then the extra wall time per listing page. A third run crawls the replica's
``rendered`` site (links only after its scripts ran) for reference.

Needs Chromium (``apt-get install chromium``) and scrapy-playwright (``pip install -e '.[render]'``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

from _common import ROOT, bench_env, md_table, print_machine, start_measured, work_folder

sys.path.insert(0, str(ROOT))
from archiver.replica.testing import ReplicaProcess  # noqa: E402

PER_PAGE = 8  # the TRS replica site's listing page size


def tree_pss_peak(handle, result: list[float]) -> None:
    """Peak of the summed PSS of the crawl's process tree: Chromium's processes share many pages,
    which a sum of RSS counts once per process (psutil's memory_full_info; 100 ms samples)."""
    import psutil

    peak = 0
    while handle.proc.poll() is None:
        total = 0
        try:
            for proc in psutil.Process(handle.proc.pid).children(recursive=True):
                try:
                    total += proc.memory_full_info().pss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        time.sleep(0.1)
    result.append(peak / 2**20)


def crawl(workdir: Path, name: str, listing: str, extra: list[str]):
    db = workdir / f"{name}.sqlite3"
    cmd = [sys.executable, "-m", "archiver", "crawl", "--db", f"sqlite:///{db}", "--delay", "0",
           "--no-progress", "--log-file", str(workdir / f"{name}.log"), *extra, listing]
    pss: list[float] = []
    with open(workdir / f"{name}.out", "w") as out:
        handle = start_measured(cmd, stdout=out, stderr=subprocess.STDOUT, env=bench_env(), cwd=str(ROOT))
        sampler = threading.Thread(target=tree_pss_peak, args=(handle, pss), daemon=True)
        sampler.start()
        run = handle.wait()
        sampler.join(timeout=2)
    line = (workdir / f"{name}.out").read_text().strip().splitlines()[0]
    return run, line, (pss or [float("nan")])[0]


def top_processes(run, n: int = 3) -> str:
    biggest = sorted(run.process_rss_mb.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{role} {mb:.0f}" for role, mb in biggest)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=160, help="articles of the column (default %(default)s)")
    ap.add_argument("--keep", metavar="DIR", help="keep the archives and logs here")
    args = ap.parse_args()
    print_machine("Rendered vs plain listing pages (issue #14)", sys.argv)
    pages = -(-args.scale // PER_PAGE)
    rows = []
    with work_folder(args.keep, "render-bench-") as workdir:
        with ReplicaProcess(scale=args.scale, sites=["trs", "rendered"]) as rp:
            runs = {}
            for name, site, extra in [("plain", "trs", []), ("rendered", "trs", ["-s", "ARCHIVER_RENDER=all"]),
                                      ("needs-js", "rendered", ["-s", "ARCHIVER_RENDER=all"])]:
                run, line, pss = crawl(workdir, name, rp.sites[site]["listing"], extra)
                runs[name] = (run, pss)
                rows.append([name, site, run.returncode, f"{run.wall:.1f}", f"{run.tree_rss_mb:.0f}", f"{pss:.0f}",
                             top_processes(run), line.split(": ", 1)[1][:44]])
        print(md_table(["run", "replica site", "exit", "wall s", "tree peak RSS MB", "tree peak PSS MB",
                        "largest processes (RSS MB)", "summary"], rows))
        (plain, plain_pss), (rendered, rendered_pss) = runs["plain"], runs["rendered"]
        print(f"\n{pages} listing pages, {args.scale} articles: rendering added "
              f"{(rendered.wall - plain.wall) / pages:.2f} s per listing page, "
              f"{rendered_pss - plain_pss:.0f} MB of peak PSS ({rendered.tree_rss_mb - plain.tree_rss_mb:.0f} MB "
              "of summed RSS) over the process tree.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
