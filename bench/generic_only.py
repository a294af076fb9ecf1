"""Generic path only: crawl every replica site's speech column with every family module disabled
(``-s ARCHIVER_FAMILIES=generic``, issue #14 item 5) and score it against the gold records.

Per site: speech-column articles archived / expected (gold, live on day 1); listing requests the
crawler made (every request that is not an article page, an asset, robots.txt or the calendar
trap) next to the column's real page count; requests that did not reach the site (the crawler's
``downloader/request_count`` minus the site's own access log: offsite fetches); pages of other
columns archived (gold URLs of the 政协要闻/政协动态 copies); the site's outcome and exit code.

    .venv/bin/python bench/generic_only.py                 # every site
    .venv/bin/python bench/generic_only.py --new           # the issue #14 platforms only
    .venv/bin/python bench/generic_only.py --sites jeecms,wp --json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.replica.families import build_sites  # noqa: E402
from archiver.replica.sites import DEFAULT_SCALE, NEW_SITES, SITES  # noqa: E402
from archiver.replica.testing import ReplicaProcess  # noqa: E402
from bench._common import md_table, print_machine  # noqa: E402

SPEECH = "领导讲话"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ENV.pop("ARCHIVER_DB", None)


def local(url: str) -> str:
    s = urlsplit(url)
    return s.path + (f"?{s.query}" if s.query else "")


FAMILIES = ["-s", "ARCHIVER_FAMILIES=generic"]  # `--families all`: the family modules on (paginate14)


def crawl(listing: str, workdir: str) -> tuple[int, dict, list[str], str]:
    db = f"sqlite:///{workdir}/archive.db"
    env_cmd = [sys.executable, "-m", "archiver"]
    run = subprocess.run(env_cmd + ["crawl", "--db", db, "--delay", "0", "--no-progress",
                                    *FAMILIES, listing],
                         cwd=workdir, capture_output=True, text=True, timeout=600,
                         env=ENV)
    runs = subprocess.run(env_cmd + ["runs", "--db", db, "--format", "jsonl", "--limit", "1"], cwd=workdir,
                          capture_output=True, text=True, env=ENV)
    stats = json.loads(runs.stdout.splitlines()[0]) if runs.stdout.strip() else {}
    export = subprocess.run(env_cmd + ["export", "--db", db, "--format", "jsonl", "--output", "-"], cwd=workdir,
                            capture_output=True, text=True, env=ENV)
    urls = [json.loads(line).get("url", "") for line in export.stdout.splitlines() if line.strip()]
    summary = (run.stdout.strip().splitlines() or [run.stderr.strip()[-200:]])[0]
    return run.returncode, stats, urls, summary


def score(rp: ReplicaProcess, slug: str, gold: list[dict]) -> dict:
    speech = {g["url"] for g in gold if g["column"] == SPEECH and g["status"] == "live"}
    other = {g["url"] for g in gold if g["column"] != SPEECH}
    other |= {u for g in gold if g["column"] != SPEECH for u in g["also_at"]} - speech
    not_listing = {local(u) for g in gold for u in [g["url"], *g["pages"], *g["also_at"]]}
    not_listing |= {local(x["url"]) for g in gold for x in g["images"] + g["attachments"]}
    with tempfile.TemporaryDirectory() as d:
        code, run, urls, summary = crawl(rp.sites[slug]["listing"], d)
    log = rp.access_log(site=slug)
    listing = {(e["method"], e["path"]) for e in log if e["path"] not in not_listing
               and e["path"] != "/robots.txt" and not e["path"].startswith("/calendar/")}
    stats = run.get("stats", {})
    site_summary = next(iter(run.get("sites_summary", {}).values()), {})
    fam = build_sites(only=[slug])[slug]
    found = {u for u in urls if u in speech}
    return {"site": slug, "family": SITES[slug].family, "new": slug in NEW_SITES,
            "found": len(found), "expected": len(speech),
            "listing_requests": len(listing), "column_pages": fam.store.pages(1, SITES[slug].per_page),
            "offsite": max(0, stats.get("downloader/request_count", 0) - len(log)),
            "offsite_filtered": stats.get("offsite/filtered", 0),
            "other_columns": len({u for u in urls if u in other}),
            "outcome": site_summary.get("outcome", "?"), "exit": code, "summary": summary}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", default="", help="comma-separated slugs (default: every site)")
    ap.add_argument("--new", action="store_true", help="only the issue #14 platforms")
    ap.add_argument("--jobs", type=int, default=2, help="crawls run at once (default 2)")
    ap.add_argument("--json", action="store_true", help="print one JSON line per site as well")
    ap.add_argument("--families", default="generic",
                    help="ARCHIVER_FAMILIES for the crawls (default generic; `all`: every family module)")
    args = ap.parse_args()
    FAMILIES[:] = [] if args.families == "all" else ["-s", f"ARCHIVER_FAMILIES={args.families}"]
    slugs = [s for s in args.sites.split(",") if s] or (list(NEW_SITES) if args.new else list(SITES))
    print_machine(f"ARCHIVER_FAMILIES={args.families}: found/expected per replica site")
    with ReplicaProcess(scale=DEFAULT_SCALE, sites=slugs) as rp:
        gold = {s: rp.gold(site=s, boilerplate=False) for s in slugs}
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            rows = list(pool.map(lambda s: score(rp, s, gold[s]), slugs))
    headers = ["site", "family", "new (#14)", "articles found/expected", "listing requests / column pages",
               "offsite requests", "other-column pages archived", "outcome (exit)"]
    print(md_table(headers, [[r["site"], r["family"], "yes" if r["new"] else "", f"{r['found']}/{r['expected']}",
                              f"{r['listing_requests']} / {r['column_pages']}",
                              f"{r['offsite']} (+{r['offsite_filtered']} filtered)", r["other_columns"],
                              f"{r['outcome']} ({r['exit']})"] for r in rows]))
    print()
    for r in rows:
        print(f"- {r['site']}: {r['summary']}")
        if args.json:
            print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
