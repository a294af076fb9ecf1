"""Issue #21: A/B of the crawl's execution modes and write paths, through bench/national.py.

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
    "default: extraction process, writer process, batches of 50": [],
    "extraction in the reactor's thread": ["ARCHIVER_EXTRACT_PROCESSES=0"],
    "writer in a thread": ["ARCHIVER_STORAGE_PROCESS=False"],
    "both in the crawl process": ["ARCHIVER_EXTRACT_PROCESSES=0", "ARCHIVER_STORAGE_PROCESS=False"],
    "one item per transaction": ["ARCHIVER_STORAGE_BATCH=1"],
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
