"""Issue #7: search latency, JSONL export rate and export memory on a large SQLite archive.

The archive (``--articles``, default 20,000; ``--articles 100000`` for the issue's size) is built
by a documented loader, so it takes minutes rather than a crawl of days:

1. crawl the replica once (``--seed-scale`` articles per site, all 21 sites) into the archive: real
   pages, fetches, bodies and versions, exactly as a crawl stores them;
2. write the next ``--via-repository`` articles (default 2,000) through ``storage.repository``
   (``record_fetch`` then ``add_version``, as the storage pipeline does), ``--batch`` articles per
   transaction;
3. write the rest with SQLAlchemy Core ``executemany`` into the same tables, with the column
   values ``add_version`` would write (``repository.content_hash``, ``nfc``, the key columns,
   revisit hints): the ORM path runs ~13 statements per article (109 articles/s on a quiet core
   of the 2-core benchmark machine, 15/s while it ran test suites), so 100,000 articles through it
   would take 15 minutes to 2 hours; the bulk path is ~4x faster. Both paths fill the search index
   (``add_version`` calls ``storage.search_index.index_snapshot``; the bulk path
   ``search_index.index_rows`` in the same transaction).

Fields of the synthetic articles come from the replica's own corpus generator
(``archiver.replica.store.make_generic``: titles, speakers, posts, occasions, 300-7,500 character
bodies from the phrase banks), dated evenly from 2012 to 2025 over six site slugs; every 20th
article gets a second, edited version. Each synthetic fetch points at one of the seed crawl's real
raw pages (content-addressed, so stored once); their bytes are not what the fields say.

A built archive is reused when ``--keep DIR`` already holds one of the requested size; it is first
brought to the newest schema (``storage.db.upgrade``, timed: an archive built before migration 0002
gets its search index there).

Then: ``storage.search.search`` in process over Chinese queries of 1, 2, 3 and 4+ characters
(``--repeat`` timed runs each after one untimed run; p50/p95 per length and overall), one
``cppcc-archiver search`` for reference, and ``cppcc-archiver export --format jsonl`` to a file in
a measured child process (records/s, peak RSS). Targets (issue #7, at 100,000 articles): search
p50 <= 50 ms, export >= 5,000 articles/s, export peak RSS <= 200 MB.
"""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import (CLI, bench_env, bench_parser, load_now, md_table, percentile, print_machine, run_measured,
                     work_folder)

QUERIES = {
    "1": ["政", "会", "民", "乡", "鑫"],
    "2": ["政协", "协商", "委员", "民生", "讲话", "量子"],
    "3": ["委员会", "协商会", "新时代", "营商环", "最后一", "量子场"],
    "4+": ["乡村振兴", "营商环境优化", "基层协商民主", "请你来协商", "长江大保护", "同心圆 协商",
           "量子计算机"],
}
SLUGS = ("trs", "hanweb", "legacy", "datepath", "post", "detail")
START = datetime(2012, 3, 1, 9, 0, tzinfo=UTC)
END = datetime(2025, 5, 30, 9, 0, tzinfo=UTC)


# --- building the archive --------------------------------------------------------------------


def seed_crawl(db: Path, scale: int, workdir: Path) -> None:
    from archiver.replica.testing import ReplicaProcess

    with ReplicaProcess(scale=scale) as rp:
        listings = [site["listing"] for site in rp.sites.values()]
        cmd = [CLI, "crawl", "--db", f"sqlite:///{db}", "--delay", "0", "--no-progress",
               "--log-file", str(workdir / "seed.log"), *listings]
        with open(workdir / "seed.out", "w") as out:
            result = run_measured(cmd, stdout=out, stderr=subprocess.STDOUT, env=bench_env())
    print(f"seed crawl: exit {result.returncode}, {result.wall:.1f} s; "
          + (workdir / "seed.out").read_text().strip().splitlines()[-1])


def synthetic_fields(i: int) -> tuple[str, str, dict, datetime]:
    """(site slug, url, fields, published) of synthetic article ``i``, from the replica corpus."""
    from archiver.replica.model import BEIJING
    from archiver.replica.sites import SITES
    from archiver.replica.store import make_generic

    slug = SLUGS[i % len(SLUGS)]
    spec = SITES[slug]
    start, end = START.astimezone(BEIJING), END.astimezone(BEIJING)
    when = (start + (end - start) * (((i * 7919) % 100_003) / 100_003)).replace(second=0, microsecond=0)
    a = make_generic(spec, 100_000 + i, when)  # a pure function of (site, key, date)
    published = (a.published.strftime("%Y-%m-%d") if spec.precision == "date"
                 else a.published.strftime("%Y-%m-%dT%H:%M:%S+08:00"))
    fields = {
        "title": a.title, "published_at": published, "published_raw": published,
        "published_from": "info", "source": a.source, "author": a.author, "editor": a.editor,
        "body": "\n".join(a.paragraphs), "images": [], "attachments": [],
        "speaker": a.speaker.replace(" ", "") if a.speaker else None, "speaker_title": a.speaker_title,
        "occasion": a.occasion, "delivered_on": a.delivered_on,
    }
    url = f"http://bench-{slug}.example/art/{a.published:%Y/%m}/{i}.html"
    return slug, url, fields, a.published


def _seed_bodies(session) -> list[str]:  # type: ignore[no-untyped-def]
    """The seed crawl's article bodies (sha256), which the synthetic fetches point at."""
    from sqlalchemy import select

    from storage.models import Fetch

    return list(session.execute(
        select(Fetch.body_sha256).where(Fetch.kind == "article", Fetch.body_sha256.is_not(None))
        .distinct().order_by(Fetch.body_sha256)
    ).scalars())


def load_synthetic(db: Path, first: int, total: int, batch: int) -> float:
    """Write articles ``first``..``total``-1 through storage.repository; returns seconds."""
    from archiver.article import EXTRACTOR
    from archiver.items import FetchedPage
    from storage import repository
    from storage.db import make_engine, make_session_factory

    engine = make_engine(f"sqlite:///{db}")
    sessions = make_session_factory(engine)
    with sessions() as session:
        pool = _seed_bodies(session)
        run = repository.start_run(session, args={"loader": "bench/archive_queries.py"}, software_version="bench")
        run_id = run.id
        session.commit()
    bodies = _bodies(db, pool)
    started = time.perf_counter()
    i = first
    while i < total:
        with sessions.begin() as session:
            for j in range(i, min(i + batch, total)):
                slug, url, fields, when = synthetic_fields(j)
                page = FetchedPage(url=url, status=200, body=bodies[j % len(bodies)], fetched_at=when,
                                   response_headers=[("Content-Type", "text/html; charset=utf-8")])
                fetch = repository.record_fetch(session, run_id=run_id, site_slug=slug, page=page, kind="article")
                repository.add_version(session, run_id=run_id, site_slug=slug, url=url, fields=fields,
                                       audit=[], extractor=EXTRACTOR, fetches=[fetch], seen_at=when)
                if j % 20 == 0:  # an edit found by a later revisit
                    edited = dict(fields, body=fields["body"] + "\n（本文有删改）")
                    later = when + timedelta(days=3)
                    fetch2 = repository.record_fetch(session, run_id=run_id, site_slug=slug,
                                                     page=FetchedPage(url=url, status=200, body=page.body,
                                                                      fetched_at=later), kind="article")
                    repository.add_version(session, run_id=run_id, site_slug=slug, url=url, fields=edited,
                                           audit=[], extractor=EXTRACTOR, fetches=[fetch2], seen_at=later)
        i = min(i + batch, total)
        _progress("loaded", i, first, total, started)
    return _finish_load(engine, sessions, run_id, total - first, started)


def load_bulk(db: Path, first: int, total: int, batch: int) -> float:
    """Articles ``first``..``total``-1 by Core executemany, with add_version's column values."""
    from sqlalchemy import func, insert, select

    from archiver.article import EXTRACTOR
    from storage import repository
    from storage.db import make_engine, make_session_factory
    from storage.models import Article, Fetch, Snapshot, SnapshotFetch
    from storage.search_index import index_rows

    engine = make_engine(f"sqlite:///{db}")
    sessions = make_session_factory(engine)
    with sessions() as session:
        pool = _seed_bodies(session)
        sites = {slug: repository.get_or_add_site(session, slug).id for slug in SLUGS}
        run_id = repository.start_run(session, args={"loader": "bench/archive_queries.py bulk"},
                                      software_version="bench").id
        next_ids = {m: (session.scalar(select(func.max(m.id))) or 0) + 1 for m in (Article, Fetch, Snapshot)}
        session.commit()
    started = time.perf_counter()
    i = first
    while i < total:
        articles, fetches, snapshots, links = [], [], [], []
        for j in range(i, min(i + batch, total)):
            slug, url, fields, when = synthetic_fields(j)
            versions = [(fields, when)]
            if j % 20 == 0:  # an edit found by a later revisit
                versions.append((dict(fields, body=fields["body"] + "\n（本文有删改）"), when + timedelta(days=3)))
            article_id = next_ids[Article]
            next_ids[Article] += 1
            last_seen = versions[-1][1]
            articles.append({
                "id": article_id, "site_id": sites[slug], "url": url, "first_seen_at": when,
                "last_seen_at": last_seen, "status": "live", "current_version": len(versions),
                "unchanged_streak": 0, "next_check_at": None,
            })
            for number, (f, seen) in enumerate(versions, 1):
                f = repository.nfc(dict(f))
                fetch_id, snapshot_id = next_ids[Fetch], next_ids[Snapshot]
                next_ids[Fetch] += 1
                next_ids[Snapshot] += 1
                fetches.append({
                    "id": fetch_id, "run_id": run_id, "site_id": sites[slug], "article_id": article_id,
                    "kind": "article", "url": url, "method": "GET", "status": 200, "request_headers": [],
                    "response_headers": [["Content-Type", "text/html; charset=utf-8"]], "fetched_at": seen,
                    "body_sha256": pool[j % len(pool)],
                })
                snapshots.append({
                    "id": snapshot_id, "article_id": article_id, "version": number,
                    "content_hash": repository.content_hash(f), "fields": f, "audit": [], "context": None,
                    "extractor": EXTRACTOR, "reason": "crawl", "run_id": run_id, "created_at": seen,
                    **{name: repository._text(f.get(name)) for name in repository.KEY_COLUMNS},
                })
                links.append({"snapshot_id": snapshot_id, "position": 0, "fetch_id": fetch_id})
        with sessions.begin() as session:
            for model, rows in ((Article, articles), (Fetch, fetches), (Snapshot, snapshots),
                                (SnapshotFetch, links)):
                session.execute(insert(model.__table__), rows)
            index_rows(session.connection(), [(s["id"], s["title"], s["body"]) for s in snapshots])
        i = min(i + batch, total)
        _progress("bulk-loaded", i, first, total, started)
    return _finish_load(engine, sessions, run_id, total - first, started)


def _progress(what: str, i: int, first: int, total: int, started: float) -> None:
    rate = (i - first) / (time.perf_counter() - started)
    print(f"\r  {what} {i:,}/{total:,} ({rate:,.0f} articles/s, load {load_now()})", end="", flush=True)


def _finish_load(engine, sessions, run_id: int, loaded: int, started: float) -> float:  # type: ignore[no-untyped-def]
    """The loader's run recorded as finished; the seconds the load took."""
    print()
    from storage import repository

    with sessions.begin() as session:
        repository.finish_run(session, run_id, stats={"loaded": loaded}, outcome="ok")
    engine.dispose()
    return time.perf_counter() - started


def _bodies(db: Path, digests: list[str]) -> list[bytes]:
    from storage.blobs import decompress

    with sqlite3.connect(db) as conn:
        out = []
        for d in digests:
            data, size = conn.execute("SELECT data, size FROM bodies WHERE sha256 = ?", (d,)).fetchone()
            out.append(decompress(data, size))
    if not out:
        raise SystemExit("the seed crawl stored no article pages")
    return out


def count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def build(db: Path, articles: int, seed_scale: int, batch: int, via_repository: int,
          workdir: Path) -> None:
    have = count_articles(db)
    if have >= articles:
        print(f"reusing {db} ({have:,} articles)")
        return
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    t = time.perf_counter()
    seed_crawl(db, seed_scale, workdir)
    seeded = count_articles(db)
    middle = min(articles, seeded + via_repository)
    secs = load_synthetic(db, seeded, middle, batch) if middle > seeded else 0.0
    bulk = load_bulk(db, middle, articles, batch) if articles > middle else 0.0
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built {count_articles(db):,} articles in {time.perf_counter() - t:.0f} s: {seeded} crawled; "
          f"{middle - seeded:,} through storage.repository in {secs:.0f} s "
          f"({(middle - seeded) / max(secs, 1e-9):,.1f}/s); {articles - middle:,} bulk in {bulk:.0f} s "
          f"({(articles - middle) / max(bulk, 1e-9):,.0f}/s); file {db.stat().st_size / 1e9:.2f} GB")


# --- measuring -------------------------------------------------------------------------------


def measure_search(db: Path, repeat: int, budget: float) -> tuple[list, list, float]:
    from storage.db import make_engine, make_session_factory
    from storage.search import search

    engine = make_engine(f"sqlite:///{db}")
    sessions = make_session_factory(engine)
    rows, everything = [], []
    per_query = []
    with sessions() as session:
        for length, queries in QUERIES.items():
            times = []
            for q in queries:
                t = time.perf_counter()
                hits = len(search(session, q, limit=20))  # untimed: warm the page cache
                first = time.perf_counter() - t
                qt = []
                for _ in range(max(1, min(repeat, int(budget / max(first, 1e-9))))):  # slow queries: fewer runs
                    t = time.perf_counter()
                    search(session, q, limit=20)
                    qt.append(time.perf_counter() - t)
                times += qt
                per_query.append([length, q, hits, f"{1000 * statistics.median(qt):.1f}", f"{1000 * max(qt):.1f}"])
            everything += times
            rows.append([length, len(queries), len(times), f"{1000 * percentile(times, 50):.1f}",
                         f"{1000 * percentile(times, 95):.1f}", f"{1000 * max(times):.1f}"])
    engine.dispose()
    rows.append(["all", sum(len(q) for q in QUERIES.values()), len(everything),
                 f"{1000 * percentile(everything, 50):.1f}", f"{1000 * percentile(everything, 95):.1f}",
                 f"{1000 * max(everything):.1f}"])
    return rows, per_query, percentile(everything, 50)


def main() -> int:
    ap = bench_parser(__doc__)
    ap.add_argument("--articles", type=int, default=20_000,
                    help="archive size (default 20,000; 100000 for the issue #7 targets)")
    ap.add_argument("--seed-scale", type=int, default=50, help="replica articles per site crawled first (default 50)")
    ap.add_argument("--via-repository", type=int, default=2000, metavar="N",
                    help="articles written through storage.repository before the bulk path (default 2,000)")
    ap.add_argument("--batch", type=int, default=1000, help="articles per loader transaction (default 1000)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per query (default 5)")
    ap.add_argument("--budget", type=float, default=10.0, metavar="S",
                    help="seconds of timed runs per query at most: a query slower than S/repeat gets "
                    "fewer (at least one) timed runs (default 10)")
    ap.add_argument("--keep", metavar="DIR", help="keep (and reuse) the archive here")
    ap.add_argument("--build-only", action="store_true", help="build the archive (with --keep) and stop")
    args = ap.parse_args()

    print_machine("Archive queries: search latency, JSONL export (issue #7)")
    with work_folder(args.keep, "bench_queries_") as workdir:
        db = workdir / f"archive_{args.articles}.sqlite3"
        build(db, args.articles, args.seed_scale, args.batch, args.via_repository, workdir)
        if args.build_only:
            return 0
        from storage.db import current_revision, upgrade

        before = current_revision(f"sqlite:///{db}")
        t = time.perf_counter()
        upgrade(f"sqlite:///{db}")
        print(f"schema upgrade {before} -> {current_revision(f'sqlite:///{db}')}: {time.perf_counter() - t:.1f} s; "
              f"file {db.stat().st_size / 1e9:.2f} GB")
        n = count_articles(db)
        print(f"\nload average before measuring: {load_now()}\n", flush=True)

        rows, per_query, p50 = measure_search(db, args.repeat, args.budget)
        cli_q = "乡村振兴"
        cli = run_measured([CLI, "search", cli_q, "--db", f"sqlite:///{db}", "--format", "jsonl"], env=bench_env())
        out = workdir / "export.jsonl"
        export = run_measured([CLI, "export", "--db", f"sqlite:///{db}", "--format", "jsonl", "--output", str(out)],
                              env=bench_env())
        with open(out, "rb") as f:
            records = sum(1 for _ in f)
        size = out.stat().st_size
        out.unlink()

        print(f"### Search, in process (`storage.search.search`, limit 20, {n:,} articles)\n")
        print(md_table(["query length (chars)", "queries", "timed runs", "p50 ms", "p95 ms", "max ms"], rows))
        print("\n<details><summary>per query</summary>\n")
        print(md_table(["length", "query", "hits (≤20)", "median ms", "max ms"], per_query))
        print("\n</details>\n")
        print(f"One CLI call for reference: `cppcc-archiver search {cli_q} --format jsonl`: exit "
              f"{cli.returncode}, {cli.wall * 1000:.0f} ms wall (process start-up and schema check included), "
              f"peak RSS {cli.max_rss_mb:.0f} MB.\n")
        print("### Export (`cppcc-archiver export --format jsonl --output FILE`)\n")
        rate = records / export.wall
        print(md_table(["records", "output MB", "wall s", "CPU s", "records/s", "peak RSS MB", "exit"],
                       [[f"{records:,}", f"{size / 1e6:.0f}", f"{export.wall:.1f}", f"{export.cpu:.1f}",
                         f"{rate:,.0f}", f"{export.max_rss_mb:.0f}", export.returncode]]))
        print(f"\nTargets (issue #7, meant at 100,000 articles; this archive: {n:,}): search p50 "
              f"{1000 * p50:.1f} ms <= 50 ms {'met' if p50 <= 0.05 else 'NOT met'}; export {rate:,.0f}/s "
              f">= 5,000/s {'met' if rate >= 5000 else 'NOT met'}; export peak RSS {export.max_rss_mb:.0f} MB "
              f"<= 200 MB {'met' if export.max_rss_mb <= 200 else 'NOT met'}.")
        print(f"Load average at the end: {load_now()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
