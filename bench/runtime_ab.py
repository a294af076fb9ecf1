"""Issue #21: A/B of the crawl runtime's remaining knobs, through bench/national.py.

The child-process modes (extraction and writer in processes) lost this A/B and were deleted;
what is left to measure: the writer's batch size, and where pages are parsed (every page on the
worker thread, ``ARCHIVER_THREAD_PARSE_BYTES=0``, vs only pages above 256 kB, the default).
Each mode is a first crawl of the national simulation (no faults) into a fresh archive, at
production politeness (``--delay 1``, many small sites) and at backfill settings (``--delay 0``,
fewer, larger sites); one child process per run, measured from outside (bench/_common.py).

    .venv/bin/python bench/runtime_ab.py [--polite-sites 300] [--backfill-sites 60]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import md_table, print_machine  # noqa: E402

MODES = {
    "default: one process, writer thread, batches of 50": [],
    "one item per transaction": ["ARCHIVER_STORAGE_BATCH=1"],
    "every page parsed on the worker thread": ["ARCHIVER_THREAD_PARSE_BYTES=0"],
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--polite-sites", type=int, default=300)
    ap.add_argument("--backfill-sites", type=int, default=60)
    ap.add_argument("--modes", default=",".join(str(i) for i in range(len(MODES))), help="indexes into MODES")
    args = ap.parse_args()
    print_machine("Runtime A/B (issue #21)")
    settings = {
        "polite": ["--sites", str(args.polite_sites), "--articles", "2-10", "--delay", "1"],
        "backfill": ["--sites", str(args.backfill_sites), "--articles", "20-40", "--delay", "0"],
    }
    chosen = [list(MODES)[int(i)] for i in args.modes.split(",")]
    rows = []
    for name, common in settings.items():
        for mode in chosen:
            out = Path(tempfile.mkstemp(suffix=".json")[1])
            cmd = [sys.executable, "bench/national.py", *common, "--huge-pages", "0", "--fault-every", "0",
                   "--phases", "first", "--json", str(out), *[a for kv in MODES[mode] for a in ("-s", kv)]]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            f = json.loads(out.read_text())["first"]
            out.unlink()
            rows.append([name, mode, f["rc"], round(f["wall"], 1), round(f["bound"], 1), round(f["cpu"], 1),
                         round(f["cpu_ms_per_article"], 2), round(f["tree_rss_mb"]), f["archived"]])
            print(" | ".join(str(c) for c in rows[-1]), flush=True)
    print()
    print(md_table(["settings", "mode", "exit", "wall s", "bound s", "CPU s (tree)", "CPU ms/article",
                    "peak RSS MB (tree)", "archived"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
