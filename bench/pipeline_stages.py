"""Where a crawled article's time goes after download: extraction vs each storage step.

Context for issue #6: this is the CPU extraction and the writer thread spend per article (in
the crawl the writer batches commits, here each article is its own transaction, as an upper
bound). This replays what the two pipelines do for each replica article (pages fetched once, up front,
with ``extract_compare.save_pages``), in one process, into a fresh SQLite archive, one
transaction per article exactly as ``StoragePipeline`` does, and times each step: decode +
``extract_record``, ``record_fetch`` per page, ``add_version``, and the commit (WAL,
``synchronous=FULL``: an fsync per article).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from _common import bench_parser, load_now, md_table, percentile, print_machine, work_folder


def main() -> int:
    ap = bench_parser(__doc__, scale=50)
    ap.add_argument("--pages", metavar="DIR", help="pages saved by extract_compare.py --keep DIR")
    args = ap.parse_args()

    from extract_compare import load_articles, save_pages

    from archiver.article import EXTRACTOR, extract_record
    from archiver.items import FetchedPage
    from storage import repository
    from storage.db import make_engine, make_session_factory, upgrade

    print_machine("Pipeline stages per article (issue #6 context)")
    with work_folder(None, "bench_stages_") as tmp:
        folder = Path(args.pages) if args.pages else tmp / "pages"
        if not args.pages:
            folder.mkdir()
            save_pages(args.scale, folder)
        articles = load_articles(folder, None)
        url = f"sqlite:///{tmp / 'archive.sqlite3'}"
        upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        with sessions.begin() as session:
            run_id = repository.start_run(session, args={"bench": "pipeline_stages"}, software_version="bench").id
        steps: dict[str, list[float]] = {k: [] for k in ("extract", "record_fetch", "add_version", "commit", "total")}
        print(f"{len(articles)} articles; load average {load_now()}\n", flush=True)
        for a in articles:
            now = datetime.now(UTC)
            pages = [FetchedPage(url=u, status=200, body=b, fetched_at=now,
                                 response_headers=[("Content-Type", ct)] if ct else [])
                     for u, b, ct in zip(a["pages"], a["bodies"], a["content_types"])]
            c0 = time.process_time()
            extraction = extract_record(pages, family=a["family"])
            c1 = time.process_time()
            session = sessions()
            session.begin()
            fetches = [repository.record_fetch(session, run_id=run_id, site_slug=a["site"], page=p, kind="article")
                       for p in pages]
            c2 = time.process_time()
            repository.add_version(session, run_id=run_id, site_slug=a["site"], url=a["url"],
                                   fields=extraction.fields, audit=extraction.audit, extractor=EXTRACTOR,
                                   fetches=fetches, seen_at=now, context={"family": a["family"]})
            c3 = time.process_time()
            w = time.perf_counter()
            session.commit()
            commit_wall = time.perf_counter() - w
            c4 = time.process_time()
            session.close()
            steps["extract"].append(c1 - c0)
            steps["record_fetch"].append(c2 - c1)
            steps["add_version"].append(c3 - c2)
            steps["commit"].append(max(c4 - c3, commit_wall))  # fsync waits are not CPU time
            steps["total"].append(c3 - c0 + steps["commit"][-1])
        engine.dispose()
        total = statistics.mean(steps["total"])
        rows = [[k, f"{1000 * statistics.mean(v):.2f}", f"{1000 * statistics.median(v):.2f}",
                 f"{1000 * percentile(v, 95):.2f}", f"{100 * statistics.mean(v) / total:.0f}%"]
                for k, v in steps.items()]
        print(md_table(["step (CPU ms; commit: wall)", "mean", "median", "p95", "share of mean total"], rows))
        print(f"\nExtraction and storage cost {1000 * total:.1f} ms per article in all (in a crawl, one "
              "process: extraction on the reactor's or the parse thread, storage on the writer thread). "
              f"Load average at the end: {load_now()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
