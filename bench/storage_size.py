"""Issue #5: what an archive of the replica costs on disk, and what a byte-identical refetch costs.

1. ``cppcc-archiver crawl --delay 0`` of the replica (``--scale`` articles per site, every site
   the replica serves by default: 21) into a fresh SQLite archive.
2. Raw bytes fetched vs distinct raw bytes vs stored (zstd) bytes, from ``cppcc-archiver stats
   --format json``; the database file size per article and the compressed blob bytes per article;
   where the file's pages go, per table and index (SQLite's ``dbstat``).
3. ``cppcc-archiver crawl --revisit all`` on the unchanged replica: every article fetched again
   (byte-identical pages): file size before and after, rows added per table.

The WAL is checkpointed (``PRAGMA wal_checkpoint(TRUNCATE)``) before each size is taken, so the
file size is the whole archive.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from _common import CLI, bench_env, bench_parser, load_now, md_table, print_machine, run_measured, work_folder

TABLES = ("bodies", "fetches", "articles", "snapshots", "snapshot_fetches", "article_events", "crawl_runs")


def crawl(db: Path, listings: list[str], workdir: Path, name: str, extra: list[str]) -> None:
    cmd = [CLI, "crawl", "--db", f"sqlite:///{db}", "--delay", "0", "--no-progress",
           "--log-file", str(workdir / f"{name}.log"), *extra, *listings]
    with open(workdir / f"{name}.out", "w") as out:
        result = run_measured(cmd, stdout=out, stderr=subprocess.STDOUT, env=bench_env())
    print(f"{name}: exit {result.returncode}, {result.wall:.1f} s; "
          + (workdir / f"{name}.out").read_text().strip().splitlines()[-1])


def snapshot_sizes(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
        rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        freelist = conn.execute("PRAGMA freelist_count").fetchone()[0]
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if not p.name.endswith(".lock"))
    return {"file": size, "pages": pages, "rows": rows, "free": freelist * page_size}


def snapshot_columns(db: Path) -> list[list[object]]:
    """What a version row holds: the JSON columns as stored vs as UTF-8 JSON, the text columns."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT fields, length(CAST(body AS BLOB)), length(CAST(title AS BLOB)), "
                            "length(audit), length(context) FROM snapshots").fetchall()
    n = len(rows) or 1
    stored = sum(len(r[0].encode()) for r in rows)
    utf8 = sum(len(json.dumps(json.loads(r[0]), ensure_ascii=False).encode()) for r in rows)
    no_body = sum(len(json.dumps({k: v for k, v in json.loads(r[0]).items() if k != "body"},
                                 ensure_ascii=False).encode()) for r in rows)
    return [
        ["`fields` JSON as stored", f"{stored / n:,.0f}", "json.dumps default: \\uXXXX escapes, 6 bytes per Chinese character"],
        ["`fields` JSON if UTF-8", f"{utf8 / n:,.0f}", "ensure_ascii=False: 3 bytes per character"],
        ["`fields` JSON if UTF-8 without `body`", f"{no_body / n:,.0f}", "the body is also in its own column"],
        ["`body` column", f"{sum(r[1] or 0 for r in rows) / n:,.0f}", "UTF-8 text"],
        ["`title` column", f"{sum(r[2] or 0 for r in rows) / n:,.0f}", ""],
        ["`audit` JSON", f"{sum(r[3] or 0 for r in rows) / n:,.0f}", "boilerplate removals"],
        ["`context` JSON", f"{sum(r[4] or 0 for r in rows) / n:,.0f}", "listing title/date, family"],
    ]


def stats(db: Path) -> dict:
    out = subprocess.run([CLI, "stats", "--db", f"sqlite:///{db}", "--format", "json"],
                         capture_output=True, text=True, env=bench_env(), check=True)
    return json.loads(out.stdout)


def mb(n: float) -> str:
    return f"{n / 1e6:.2f}"


def main() -> int:
    args = bench_parser(__doc__, scale=100, keep="keep the archive and logs here").parse_args()

    print_machine("Storage size and refetch cost (issue #5)")
    with work_folder(args.keep, "bench_storage_") as workdir:
        measure(args.scale, workdir)
        print(f"\nfiles: {workdir}" if args.keep else "")
    return 0


def measure(scale: int, workdir: Path) -> None:
    """Two crawls (the first, then ``--revisit all``) and the tables of what each stored."""
    from archiver.replica.testing import ReplicaProcess

    db = workdir / "archive.sqlite3"
    for stale in workdir.glob("archive.sqlite3*"):
        stale.unlink()
    with ReplicaProcess(scale=scale) as rp:
        listings = [site["listing"] for site in rp.sites.values()]
        crawl(db, listings, workdir, "crawl1", [])
        s1, before = stats(db), snapshot_sizes(db)
        crawl(db, listings, workdir, "revisit_all", ["--revisit", "all"])
        s2, after = stats(db), snapshot_sizes(db)
    print(f"load average after the runs: {load_now()}\n")

    st = s1["storage"]
    n = s1["articles"]
    print(f"### After one crawl: {n} articles, {s1['versions']} versions, {s1['fetches']} fetches, "
          f"{st['bodies']} distinct bodies\n")
    rows = [
        ["raw bytes fetched (every fetch)", mb(st["fetched_bytes"]), f"{st['fetched_bytes'] / n:,.0f}"],
        ["distinct raw bodies", mb(st["raw_bytes"]), f"{st['raw_bytes'] / n:,.0f}"],
        ["stored bodies (zstd)", mb(st["compressed_bytes"]), f"{st['compressed_bytes'] / n:,.0f}"],
        ["SQLite file (whole archive)", mb(before["file"]), f"{before['file'] / n:,.0f}"],
    ]
    print(md_table(["what", "MB", "bytes per article"], rows))
    print(f"\nCompression ratio (distinct raw / zstd): {st['raw_bytes'] / st['compressed_bytes']:.1f}x; "
          f"fetched / stored blobs: {st['fetched_bytes'] / st['compressed_bytes']:.1f}x; "
          f"whole file vs fetched bytes: {before['file'] / st['fetched_bytes']:.2f}x.")

    print("\n### Where the file's bytes go (dbstat, after the first crawl, then after --revisit all)\n")
    names = sorted(set(before["pages"]) | set(after["pages"]), key=lambda k: -after["pages"].get(k, 0))
    rows = []
    for name in names:
        b, a = before["pages"].get(name, 0), after["pages"].get(name, 0)
        if max(a, b) < 32 * 1024:
            continue
        rows.append([name, mb(b), f"{100 * b / before['file']:.0f}%", f"{b / n:,.0f}", mb(a), mb(a - b)])
    rows.append(["(free pages)", mb(before["free"]), "", "", mb(after["free"]), mb(after["free"] - before["free"])])
    print(md_table(["table / index", "MB", "share", "bytes/article", "MB after revisit", "growth MB"], rows))

    print("\n### Inside `snapshots` (bytes per version, as stored)\n")
    print(md_table(["column", "bytes per version", "note"], snapshot_columns(db)))

    st2 = s2["storage"]
    growth = after["file"] - before["file"]
    print("\n### Refetch of every article, byte-identical pages (`--revisit all`)\n")
    rows = [[t, before["rows"][t], after["rows"][t], after["rows"][t] - before["rows"][t]] for t in TABLES]
    print(md_table(["table", "rows before", "rows after", "added"], rows))
    refetched = after["rows"]["fetches"] - before["rows"]["fetches"]
    print(f"\nFile {mb(before['file'])} MB -> {mb(after['file'])} MB: +{mb(growth)} MB for {refetched} "
          f"refetches ({growth / max(refetched, 1):,.0f} bytes per refetch); new distinct bodies "
          f"{st2['bodies'] - st['bodies']}, new compressed body bytes "
          f"{st2['compressed_bytes'] - st['compressed_bytes']:,}; new versions "
          f"{s2['versions'] - s1['versions']}.")


if __name__ == "__main__":
    sys.exit(main())
