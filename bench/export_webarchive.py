"""Export an archive as WACZ, CDXJ and an Atom feed (issue #20): time, CPU and peak RSS.

    .venv/bin/python bench/export_webarchive.py --articles 100000 --keep /tmp/bench_runs/aq100k

Builds (or reuses, with ``--keep``) the synthetic archive of ``bench/archive_queries.py``
(replica crawl + synthetic articles sharing real page bodies), then runs each export as a user
would, in a measured child process (wall, CPU, peak RSS of the process tree), and prints one
Markdown table for BENCHMARKS.md. The WACZ is validated with the `wacz` tool afterwards (not
timed).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_env, md_table, print_machine, run_measured, work_folder  # noqa: E402
from archive_queries import build, count_articles  # noqa: E402

FORMATS = (("wacz", "export.wacz"), ("cdxj", "export.cdxj"), ("atom", "export.xml"),
           ("jsonl", "export.jsonl"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the archive here")
    args = ap.parse_args()
    print_machine("export_webarchive", sys.argv)
    with work_folder(args.keep, "bench_webarchive_") as work:
        db = work / f"archive_{args.articles}.sqlite3"
        build(db, args.articles, seed_scale=50, batch=1000, via_repository=2000, workdir=work)
        articles = count_articles(db)
        rows = []
        for fmt, name in FORMATS:
            out = work / name
            out.unlink(missing_ok=True)
            extra = ["--feed-limit", "0"] if fmt == "atom" else []
            run = run_measured([sys.executable, "-m", "archiver", "export", "--db", f"sqlite:///{db}",
                                "--format", fmt, "--output", str(out), *extra], env=bench_env())
            size = out.stat().st_size / 2**20 if out.exists() else 0.0
            tree = run.tree_rss_mb if run.tree_rss_mb == run.tree_rss_mb else 0.0  # NaN without psutil
            rows.append([fmt, run.returncode, f"{run.wall:.1f}", f"{run.user + run.system:.1f}",
                         f"{articles / run.wall:,.0f}", f"{max(run.max_rss_mb, tree):.0f}", f"{size:.0f}"])
        print(md_table(["format", "exit", "wall s", "CPU s", "articles/s", "peak RSS MB", "output MB"], rows))
        check = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(work / "export.wacz")],
                               capture_output=True, text=True)
        print(f"\n{articles:,} articles; wacz validate: {check.stdout.strip().splitlines()[-1:]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
