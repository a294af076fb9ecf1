"""Issue #21: every CPPCC site in the country from one machine, simulated and measured.

Serves ``--sites`` simulated sites from one in-process replica server (archiver/replica/national.py:
one port, one host name per site, resolved to 127.0.0.1 by ``archiver.resolver.MappedResolver``)
and runs ``cppcc-archiver crawl`` over every column twice, as a user would at production
politeness (robots.txt, one request at a time per host, ``--delay``, AutoThrottle, default
settings): the first crawl (backfill) into an empty archive, then the nightly repeat with nothing
new. Each crawl is a child process measured from outside (wall, CPU and peak RSS of its process
tree: bench/_common.py); the replica's access log gives requests per site and each site's
schedule. The archive is an SQLite file (``--db``) or a PostgreSQL database made for the run
(``--database-url``, class ``Archive``). The replica server runs in this process, on the same
cores: its CPU per phase is printed beside the crawl's.

Politeness bound (the shortest schedule the delay and the concurrency allow): every site needs at
least ``(n-1) * max(delay, latency) + latency`` for its n requests (a request that hangs costs
DOWNLOAD_TIMEOUT plus the delay), and the crawl as a whole at least ``sum(n * latency) /
CONCURRENT_REQUESTS``; the bound is the larger. A site is *starved* when its last request came
after 1.25x the bound: it waited while others ran.

Scaling: columns default to 2-10 articles (the issue's 20-100 divided by 10) and site 1 to 30
listing pages (not 10,000) so that both crawls fit in ~10 minutes on 2 shared cores; the report
scales the first crawl back to 20-100 articles by CPU per article (the crawl is CPU-bound there).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archiver.replica.national import SUFFIX, NationalState, make_server, parse_range, plan  # noqa: E402
from archiver.replica.sites import SITES  # noqa: E402
from bench._common import ROOT, md_table, percentile, print_machine, run_measured  # noqa: E402

DOWNLOAD_TIMEOUT = 30.0  # archiver/settings.py


def crawl_cmd(db: str, urls: list[str], delay: float, extra: list[str], log_file: str) -> list[str]:
    return [sys.executable, "-m", "archiver", "crawl", "--db", db, "--delay", str(delay), "--no-progress",
            "--log-file", log_file, "-s", "TWISTED_DNS_RESOLVER=archiver.resolver.MappedResolver",
            "-s", 'ARCHIVER_HOSTS={"%s": "127.0.0.1"}' % SUFFIX, *extra, *urls]


class Archive:
    """The benchmark's archive: an SQLite file, or a PostgreSQL database of its own.

    PostgreSQL (``--database-url``): a fresh database ``national_<UTC time>_<pid>`` is created on
    that server (never one that holds other data) and dropped at the end unless ``--keep``;
    ``--existing`` crawls an earlier ``--keep`` run's database instead, as it is (the nightly
    repeat on an existing archive), and leaves it there."""

    def __init__(self, sqlite_path: str | None, server_url: str | None, *, existing: bool, keep: bool) -> None:
        from sqlalchemy.engine import make_url

        from storage.db import prepare_url

        self.sqlite_path, self.keep, self.created = sqlite_path, keep, False
        if server_url is None:
            self.url = f"sqlite:///{sqlite_path}"
            return
        self.server_url = prepare_url(server_url)
        if existing:
            self.url = self.server_url
            return
        name = f"national_{datetime.now(UTC):%Y%m%d%H%M%S}_{os.getpid()}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.created, self.name = True, name
        self.url = make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def _admin(self, sql: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    def _query(self, sql: str):  # type: ignore[no-untyped-def]
        from sqlalchemy import text

        from storage.db import make_engine

        engine = make_engine(self.url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql)).fetchone()
        finally:
            engine.dispose()

    def last_run(self) -> tuple[dict, dict]:
        """The stats and per-site summary of the archive's last crawl ({} for a fresh archive)."""
        from sqlalchemy.exc import SQLAlchemyError

        if self.sqlite_path is not None and not os.path.exists(self.sqlite_path):
            return {}, {}
        try:
            row = self._query("SELECT stats, sites_summary FROM crawl_runs ORDER BY id DESC LIMIT 1")
        except SQLAlchemyError:  # no schema yet: no run
            return {}, {}
        # SQLite hands JSON columns back as text, psycopg as Python objects.
        return tuple(json.loads(v) if isinstance(v, str) else (v or {}) for v in row) if row else ({}, {})

    def size(self) -> tuple[int, str]:
        """Bytes of the archive: the SQLite file and its WAL, or PostgreSQL's tables with their
        indexes and TOAST (``pg_total_relation_size``); and a word on what else there is."""
        if self.sqlite_path is not None:
            return sum(os.path.getsize(p) for p in (self.sqlite_path, self.sqlite_path + "-wal")
                       if os.path.exists(p)), ""
        tables, database = self._query(
            "SELECT (SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'), "
            "pg_database_size(current_database())")
        return int(tables), f"pg_database_size {database / 2**20:.1f} MB"

    def shown(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    def close(self, port: int) -> None:
        if self.created and not self.keep:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        elif self.created:
            print(f"\nkept the archive; the nightly repeat on it: --phases nightly --port {port} "
                  f"--database-url {self.shown()} --existing")


def _path(url: str) -> str:
    """The path and query of a simulated site's URL, as the replica's access log has it."""
    return "/" + url.split(str(SUFFIX), 1)[1].split("/", 1)[1]


def request_causes(log: list[dict], sites: dict, previous: dict) -> dict[str, int]:
    """Requests of the healthy sites by cause (issue #21: <= 2 per site when nothing is new):
    robots.txt, the column's first page, the rest of a column walked in full because the previous
    run did not finish it, and anything else (the waste to look for)."""
    complete = {c for r in previous.values() for c in r.get("complete_columns", [])}
    first_paths = {slug: {SITES[s.template].listing_path} | {
        _path(u["url"] if isinstance(u, dict) else u)  # a POST list API's entry point is a dict
        for u in (r.get("entry_points") or {}).values()}
        for slug, s in sites.items() for r in [next((v for k, v in previous.items() if k.startswith(f"site_{slug}_")), {})]}
    walked_in_full = {slug for slug, s in sites.items()
                      if not any(c.split("/")[2].startswith(s.host) for c in complete)}
    out: dict[str, int] = defaultdict(int)
    seen_first: set[str] = set()
    for e in log:
        s = sites[e["site"]]
        if s.fault:
            continue
        if e["path"] == "/robots.txt":
            out["robots.txt"] += 1
        elif e["path"] in first_paths[e["site"]] and e["site"] not in seen_first:
            seen_first.add(e["site"])
            out["column, first page"] += 1
        elif e["site"] in walked_in_full:
            out["column walked in full (not complete before)"] += 1
        else:
            out[f"other: {e['path'].split('?')[0][:40]}"] += 1
    return dict(out)


def schedule(log: list[dict], sites: dict, delay: float, concurrency: int, t0: float) -> dict:
    per: dict[str, list[dict]] = defaultdict(list)
    for e in log:
        per[e["site"]].append(e)
    site_bounds, capacity = {}, 0.0
    for slug, entries in per.items():
        s = sites[slug]
        hung = sum(1 for e in entries if s.fault == "hang" and e["status"] == 200 and e["path"] != "/robots.txt")
        n = len(entries) - hung
        site_bounds[slug] = max(n - 1, 0) * max(delay, s.latency) + s.latency * (n > 0) \
            + hung * (DOWNLOAD_TIMEOUT + delay)
        capacity += len(entries) * s.latency + hung * DOWNLOAD_TIMEOUT
    bound = max(max(site_bounds.values(), default=0.0), capacity / concurrency)
    last = {slug: max(e["t"] for e in entries) - t0 for slug, entries in per.items()}
    first = [min(e["t"] for e in entries) - t0 for entries in per.values()]
    starved = sorted(slug for slug, t in last.items() if t > 1.25 * bound)
    return {"bound": bound, "capacity_bound": capacity / concurrency,
            "slowest_site": max(site_bounds, key=site_bounds.get) if site_bounds else None,
            "starved": starved, "first_p95": percentile(first, 95), "first_max": max(first, default=0.0),
            "requests": sum(len(v) for v in per.values()), "sites_seen": len(per),
            "per_site": {slug: len(v) for slug, v in per.items()}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=3000)
    ap.add_argument("--articles", type=parse_range, default=(2, 10), help="articles per site (default 2-10)")
    ap.add_argument("--huge-pages", type=int, default=30, help="listing pages of site 1 (default 30)")
    ap.add_argument("--fault-every", type=int, default=100,
                    help="1 site in N hangs, 1 is down, 1 challenged (0: no faults, for A/B runs)")
    ap.add_argument("--delay", type=float, default=1.0, help="crawl --delay (default 1.0, the production default)")
    ap.add_argument("--phases", default="first,nightly")
    ap.add_argument("--db", default=None, help="SQLite file (default: a fresh temporary one)")
    ap.add_argument("--database-url", default=None, metavar="URL",
                    help="a PostgreSQL server (postgresql+psycopg://postgres@127.0.0.1:5432/test): the archive is "
                         "a fresh database created on it, dropped afterwards unless --keep")
    ap.add_argument("--existing", action="store_true",
                    help="--database-url names an earlier --keep run's database: crawl into it as it is")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (printed at the end)")
    ap.add_argument("--port", type=int, default=0, help="replica port (to repeat a crawl on an earlier --db or --existing database)")
    ap.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                    help="extra crawl setting (A/B of execution modes)")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    ap.add_argument("--access-log", default=None, metavar="PREFIX",
                    help="write each phase's replica access log (one JSON line a request: time, site, path, "
                         "status) to PREFIX-PHASE.jsonl, to read one site's schedule")
    args = ap.parse_args()
    if args.db and args.database_url:
        ap.error("--db (SQLite) and --database-url (PostgreSQL): give one")
    if args.existing and not args.database_url:
        ap.error("--existing needs --database-url (an earlier run's SQLite archive is --db FILE)")
    print_machine("National-scale crawl (issue #21)")
    sites = plan(args.sites, args.articles, args.huge_pages, args.fault_every)
    state = NationalState(sites)
    server = make_server(state, port=args.port)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    port = server.server_address[1]
    urls = [f"http://{s.host}:{port}{SITES[s.template].listing_path}" for s in sites]
    tmp = Path(tempfile.mkdtemp(prefix="national-"))
    try:
        archive = Archive(None if args.database_url else args.db or str(tmp / "archive.sqlite3"),
                          args.database_url, existing=args.existing, keep=args.keep)
    except Exception as exc:  # unreachable server, bad URL, no right to create a database
        server.shutdown()
        print(f"national.py: cannot set up the PostgreSQL archive: {str(exc).splitlines()[0]}",
              file=sys.stderr)
        return 2
    try:
        return run_phases(args, sites, state, port, urls, tmp, archive)
    finally:
        server.shutdown()
        archive.close(port)


def run_phases(args, sites, state, port, urls, tmp, archive) -> int:  # type: ignore[no-untyped-def]
    by_slug = {s.slug: s for s in sites}
    extra = [a for kv in args.settings for a in ("-s", kv)]
    concurrency = next((int(kv.split("=", 1)[1]) for kv in args.settings if kv.startswith("CONCURRENT_REQUESTS=")),
                       max(16, min(len(sites), 512)))
    print(f"{len(sites)} sites ({sum(1 for s in sites if s.fault)} faulty: "
          f"{', '.join(f'{f} {sum(1 for s in sites if s.fault == f)}' for f in ('hang', 'down', 'challenge'))}; "
          f"{sum(1 for s in sites if s.latency >= 0.5)} slow), {sum(s.articles for s in sites):,} articles "
          f"(site 1: {sites[0].articles:,}), --delay {args.delay}, settings {args.settings or 'default'}; "
          f"archive {archive.shown()}, logs in {tmp}\n")
    rows, figures = [], {}
    for phase in args.phases.split(","):
        previous = archive.last_run()[1]
        state.log.clear()
        t0 = time.time()
        # The replica server runs in this process, on the cores the crawl uses: this process's
        # CPU over the phase, less the measuring thread's own (psutil samples every 100 ms), says
        # how much of the machine it took (the main thread only waits meanwhile).
        bench_cpu = time.process_time()
        with open(tmp / f"{phase}.out", "w") as out:
            run = run_measured(crawl_cmd(archive.url, urls, args.delay, extra, str(tmp / f"{phase}.log")),
                               stdout=out, stderr=subprocess_stderr(tmp, phase),
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=str(tmp))
        replica_cpu = time.process_time() - bench_cpu - run.sampler_cpu
        stats, summary = archive.last_run()
        sched = schedule(list(state.log), by_slug, args.delay, concurrency, t0)
        if args.access_log:
            with open(f"{args.access_log}-{phase}.jsonl", "w") as out:
                out.writelines(json.dumps({k: e.get(k) for k in ("t", "site", "method", "path", "status")}) + "\n"
                               for e in state.log)
        archived = sum(r.get("new", 0) + r.get("updated", 0) for r in summary.values())
        not_ok = {k: v.get("outcome") for k, v in summary.items() if v.get("outcome") != "ok"}
        size, size_note = archive.size()
        healthy = [s.slug for s in sites if not s.fault]
        req_healthy = [sched["per_site"].get(slug, 0) for slug in healthy]
        fig = {"phase": phase, "rc": run.returncode, "wall": run.wall, "bound": sched["bound"],
               "wall_over_bound": run.wall / sched["bound"] if sched["bound"] else float("nan"),
               "capacity_bound": sched["capacity_bound"], "slowest_site": sched["slowest_site"],
               "cpu": run.cpu, "cpu_ms_per_article": 1000 * run.cpu / archived if archived else float("nan"),
               "cpu_ms_per_request": 1000 * run.cpu / max(sched["requests"], 1),
               "tree_rss_mb": run.tree_rss_mb, "max_rss_mb": run.max_rss_mb, "requests": sched["requests"],
               "requests_per_site": sched["requests"] / len(sites),
               "requests_per_healthy_site_max": max(req_healthy, default=0),
               "requests_per_healthy_site_mean": sum(req_healthy) / max(len(req_healthy), 1),
               "archived": archived, "sites_not_ok": len(not_ok), "faulty_sites": sum(1 for s in sites if s.fault),
               "starved": len(sched["starved"]), "first_request_p95": sched["first_p95"],
               "archive_mb": size / 2**20, "process_cpu": run.process_cpu, "replica_cpu": replica_cpu,
               "crawl_cpu_share": run.cpu / run.wall if run.wall else float("nan"),
               "replica_cpu_share": replica_cpu / run.wall if run.wall else float("nan"),
               "concurrency": stats.get("archiver/concurrent_requests", concurrency)}
        figures[phase] = fig
        rows.append([phase, run.returncode, round(run.wall, 1), round(sched["bound"], 1),
                     round(fig["wall_over_bound"], 2), round(run.cpu, 1), round(fig["cpu_ms_per_article"], 1),
                     round(fig["cpu_ms_per_request"], 2), round(run.tree_rss_mb), sched["requests"],
                     round(fig["requests_per_healthy_site_mean"], 2), fig["requests_per_healthy_site_max"], archived,
                     f"{len(not_ok)} ({fig['faulty_sites']} faulty)", len(sched["starved"]),
                     round(fig["archive_mb"], 1), round(replica_cpu, 1)])
        print(f"{phase}: exit {run.returncode}, wall {run.wall:.1f} s, bound {sched['bound']:.1f} s "
              f"(slowest site {sched['slowest_site']}, capacity {sched['capacity_bound']:.1f} s), "
              f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        print("   processes (CPU s): " + ", ".join(f"{k} {v:.1f}" for k, v in run.process_cpu.items()), flush=True)
        print(f"   CPU over the crawl's wall: crawl {run.cpu:.1f} s ({fig['crawl_cpu_share']:.0%} of one core), "
              f"replica server {replica_cpu:.1f} s ({fig['replica_cpu_share']:.0%}), of {os.cpu_count()} cores"
              + (f"; archive {size / 2**20:.1f} MB in tables, {size_note}" if size_note else ""), flush=True)
        causes = request_causes(list(state.log), by_slug, previous)
        fig["requests_by_cause"] = causes
        print("   healthy sites' requests by cause: " + ", ".join(
            f"{k} {v} ({v / max(len(healthy), 1):.3f}/site)" for k, v in sorted(causes.items(), key=lambda kv: -kv[1])[:8]),
            flush=True)
        if sched["starved"]:
            print(f"   starved: {sched['starved'][:10]}", flush=True)
    print()
    print(md_table(["run", "exit", "wall s", "bound s", "wall/bound", "CPU s", "CPU ms/article",
                    "CPU ms/request", "peak RSS MB (tree)", "requests", "req/healthy site", "max req/healthy site",
                    "archived", "sites not ok", "starved", "archive MB", "replica server CPU s"], rows))
    first = figures.get("first")
    if first and first["archived"]:
        full = sum((20 + (s.index * 37) % 81) for s in sites)
        print(f"\nScaled back to 20-100 articles a site ({full:,} articles): CPU-bound at "
              f"{first['cpu_ms_per_article']:.1f} ms/article = {full * first['cpu_ms_per_article'] / 1000 / 60:.0f} "
              f"CPU minutes; per-site politeness bound at --delay {args.delay}: "
              f"{(100 + 100 // 8 + 1) * args.delay:.0f} s for the largest column.")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, default=str))
    return 0


def subprocess_stderr(tmp: Path, phase: str):
    return open(tmp / f"{phase}.err", "w")


if __name__ == "__main__":
    sys.exit(main())
