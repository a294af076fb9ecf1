"""Issue #4: our extractor vs trafilatura vs GNE on every replica article, in one run.

1. Serve the replica sites (``--scale`` articles per site, the 21 it serves by default, twelve
   platforms), save every page of every article and the gold answers to a folder (or reuse one with ``--pages DIR``).
2. In this process, for each article in turn (tools interleaved, so machine load hits all three
   alike): our ``extract_record(pages)`` (all pages merged, family detected), trafilatura
   ``bare_extraction(bytes, url, with_metadata=True)`` and GNE ``extract(text)`` on each page,
   bodies of a multi-page article concatenated. Scored against gold: title exact, published date
   exact, time exact (only articles whose page gives a time), body character P/R/F1 (difflib,
   whitespace ignored), gold ``boilerplate`` strings left in the body, and per-article time.
3. Whole-process time over the same first-page files, each tool in a fresh process:
   ``cppcc-archiver extract FILE…`` vs ``python -c`` loops over trafilatura and GNE.

Target (issue #4): ours >= 5x faster than trafilatura per document.
"""

from __future__ import annotations

import difflib
import json
import re
import statistics
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from _common import (CLI, bench_env, bench_parser, load_now, md_table, percentile, print_machine, run_measured,
                     work_folder)

TOOLS = ("ours", "trafilatura", "gne")
WS = re.compile(r"[\s\u3000\xa0]+")
# 2025-05-30T17:04:00+08:00, 2025-05-30 17:04, 2025年05月30日 15:15, 2025/5/30 …
DATETIME = re.compile(r"(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})(?:\D{1,3}?(\d{1,2}):(\d{2})(?::(\d{2}))?)?")

TRAFILATURA_SCRIPT = """
import sys, trafilatura
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        trafilatura.bare_extraction(f.read(), with_metadata=True)
"""
GNE_SCRIPT = """
import sys
from gne import GeneralNewsExtractor
from archiver.extract.encoding import decode_html
extractor = GeneralNewsExtractor()
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        extractor.extract(decode_html(f.read()).text)
"""


# --- saving the pages --------------------------------------------------------------------------


def save_pages(scale: int, folder: Path) -> None:
    from archiver.replica.testing import ReplicaProcess

    with ReplicaProcess(scale=scale) as rp:
        gold = [g for g in rp.gold() if g["status"] == "live"]
        charsets = {slug: site["charset"] for slug, site in rp.sites.items()}
        with open(folder / "gold.jsonl", "w", encoding="utf-8") as out:
            for n, record in enumerate(gold):
                files, headers = [], []
                for i, url in enumerate(record["pages"]):
                    with urllib.request.urlopen(url, timeout=60) as resp:
                        body = resp.read()
                        headers.append(resp.headers.get("Content-Type"))
                    path = folder / "pages" / record["family"] / f"{n:05d}_{i}.html"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(body)
                    files.append(str(path.relative_to(folder)))
                record.update(files=files, content_types=headers, charset=charsets[record["site"]])
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


@contextmanager
def saved_pages(scale: int, pages: str | None, keep: str | None) -> Iterator[Path]:
    """The folder of saved pages and gold: `pages` reused as is, else the replica's saved to
    `keep` (kept) or to a temporary folder (removed afterwards)."""
    if pages:
        yield Path(pages)
        return
    with work_folder(keep, "bench_extract_") as folder:
        t = time.perf_counter()
        save_pages(scale, folder)
        print(f"saved replica pages (scale {scale}) to {folder} in {time.perf_counter() - t:.1f} s\n")
        yield folder


# --- the three extractors ----------------------------------------------------------------------


def run_ours(pages: list[tuple[str, bytes, str | None]]) -> dict:
    from archiver.article import extract_record
    from archiver.items import FetchedPage

    now = datetime.now(UTC)
    fetched = [FetchedPage(url=u, status=200, body=b, fetched_at=now,
                           response_headers=[("Content-Type", ct)] if ct else [])
               for u, b, ct in pages]
    f = extract_record(fetched).fields
    return {"title": f["title"], "date": f["published_at"], "body": f["body"]}


def run_trafilatura(pages: list[tuple[str, bytes, str | None]]) -> dict:
    import trafilatura

    out = {"title": None, "date": None, "body": ""}
    bodies = []
    for i, (url, body, _) in enumerate(pages):
        doc = trafilatura.bare_extraction(body, url=url, with_metadata=True)
        if doc is None:
            continue
        doc = doc.as_dict() if hasattr(doc, "as_dict") else doc
        if i == 0:
            out["title"], out["date"] = doc.get("title"), doc.get("date")
        bodies.append(doc.get("text") or "")
    out["body"] = "\n".join(bodies)
    return out


_GNE = None


def run_gne(texts: list[str]) -> dict:
    global _GNE
    if _GNE is None:
        from gne import GeneralNewsExtractor

        _GNE = GeneralNewsExtractor()
    out = {"title": None, "date": None, "body": ""}
    bodies = []
    for i, html in enumerate(texts):
        doc = _GNE.extract(html)
        if i == 0:
            out["title"], out["date"] = doc.get("title"), doc.get("publish_time")
        bodies.append(doc.get("content") or "")
    out["body"] = "\n".join(bodies)
    return out


# --- scoring -----------------------------------------------------------------------------------


def norm_datetime(value: str | None) -> tuple[str | None, str | None]:
    """(YYYY-MM-DD, HH:MM:SS or None) from any tool's date string."""
    if not value:
        return None, None
    m = DATETIME.search(str(value))
    if not m:
        return None, None
    y, mo, d, hh, mm, ss = m.groups()
    day = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
    if hh is None:
        return day, None
    return day, f"{int(hh):02d}:{int(mm):02d}:{int(ss or 0):02d}"


def body_prf(pred: str, gold: str) -> tuple[float, float, float]:
    a, b = WS.sub("", pred or ""), WS.sub("", gold or "")
    if a == b:
        return 1.0, 1.0, 1.0
    if not a or not b:
        return 0.0, 0.0, 0.0
    matched = sum(x.size for x in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    p, r = matched / len(a), matched / len(b)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(result: dict, gold: dict) -> dict:
    g_day, g_time = norm_datetime(gold["published_at"])
    g_has_time = "T" in gold["published_at"]
    p_day, p_time = norm_datetime(result["date"])
    p, r, f1 = body_prf(result["body"], gold["body"])
    body = result["body"] or ""
    leaked = [s for s in gold["boilerplate"] if s and s in body and s not in gold["body"]]
    return {
        "title": (result["title"] or "").strip() == gold["title"].strip(),
        "date": p_day == g_day,
        "time": (p_day == g_day and p_time == g_time) if g_has_time else None,
        "p": p, "r": r, "f1": f1, "leaked": len(leaked), "leaked_any": bool(leaked),
    }


# --- the run -----------------------------------------------------------------------------------


def load_articles(folder: Path, limit: int | None) -> list[dict]:
    articles = []
    with open(folder / "gold.jsonl", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            record["bodies"] = [(folder / p).read_bytes() for p in record["files"]]
            articles.append(record)
    return articles[:limit] if limit else articles


def in_process(articles: list[dict], warmup: int) -> tuple[dict, dict]:
    """Each article through the three tools in turn: (scores, wall, cpu), F1 per family."""
    from archiver.extract.encoding import decode_html

    scores: dict[str, list[dict]] = {t: [] for t in TOOLS}
    wall: dict[str, list[float]] = {t: [] for t in TOOLS}
    cpu: dict[str, list[float]] = {t: [] for t in TOOLS}
    by_family: dict[tuple[str, str], list[float]] = defaultdict(list)
    empty = {"title": None, "date": None, "body": ""}
    # The first `warmup` articles run once untimed: imports, lazy caches, first-call costs.
    for n, a in enumerate(articles[:warmup] + articles):
        timed = n >= warmup
        pages = list(zip(a["pages"], a["bodies"], a["content_types"]))
        texts = [decode_html(b).text for b in a["bodies"]]  # GNE takes text; decoding not timed
        calls = {"ours": lambda: run_ours(pages), "trafilatura": lambda: run_trafilatura(pages),
                 "gne": lambda: run_gne(texts)}
        for tool in TOOLS:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                result = calls[tool]()
            except Exception as exc:  # noqa: BLE001 - a crash counts as an empty extraction
                print(f"  {tool} failed on {a['url']}: {type(exc).__name__}: {exc}", file=sys.stderr)
                result = empty
            t1, c1 = time.perf_counter(), time.process_time()
            if not timed:
                continue
            wall[tool].append(t1 - t0)
            cpu[tool].append(c1 - c0)
            s = score(result, a)
            scores[tool].append(s)
            by_family[(tool, a["family"])].append(s["f1"])
    return {"scores": scores, "wall": wall, "cpu": cpu}, by_family


def whole_process(folder: Path, articles: list[dict]) -> dict:
    files = [str(folder / a["files"][0]) for a in articles]
    env = bench_env()
    py = sys.executable
    runs = {
        "ours": [CLI, "extract", *files],
        "trafilatura": [py, "-c", TRAFILATURA_SCRIPT, *files],
        "gne": [py, "-c", GNE_SCRIPT, *files],
    }
    return {tool: run_measured(cmd, env=env) for tool, cmd in runs.items()}


def report(results: dict, by_family: dict, procs: dict, n_articles: int, n_files: int) -> None:
    scores, wall, cpu = results["scores"], results["wall"], results["cpu"]
    rows = []
    for tool in TOOLS:
        s = scores[tool]
        timed = [x for x in s if x["time"] is not None]
        rows.append([
            tool,
            f"{100 * sum(x['title'] for x in s) / len(s):.1f}%",
            f"{100 * sum(x['date'] for x in s) / len(s):.1f}%",
            f"{100 * sum(x['time'] for x in timed) / len(timed):.1f}% of {len(timed)}" if timed else "-",
            f"{statistics.mean(x['p'] for x in s):.3f}",
            f"{statistics.mean(x['r'] for x in s):.3f}",
            f"{statistics.mean(x['f1'] for x in s):.3f}",
            f"{100 * sum(x['leaked_any'] for x in s) / len(s):.1f}%",
            f"{statistics.mean(x['leaked'] for x in s):.2f}",
        ])
    print(f"### Accuracy vs gold ({n_articles} articles)\n")
    print(md_table(["tool", "title exact", "date exact", "time exact", "body P", "body R", "body F1",
                    "docs with boilerplate", "boilerplate strings/doc"], rows))
    families = sorted({f for _, f in by_family})
    print("\n### Body F1 per CMS family\n")
    print(md_table(["tool", *families],
                   [[t, *(f"{statistics.mean(by_family[(t, f)]):.3f}" for f in families)] for t in TOOLS]))
    print(f"\n### Time per article, in process ({len(wall['ours'])} timed articles, all pages)\n")
    base, cpu_base = statistics.median(wall["ours"]), statistics.median(cpu["ours"])
    rows = []
    for tool in TOOLS:
        med, cmed = statistics.median(wall[tool]), statistics.median(cpu[tool])
        rows.append([tool, f"{1000 * med:.2f}", f"{1000 * percentile(wall[tool], 95):.2f}",
                     f"{1000 * cmed:.2f}", f"{1000 * percentile(cpu[tool], 95):.2f}",
                     f"{med / base:.1f}x", f"{cmed / cpu_base:.1f}x"])
    print(md_table(["tool", "wall median ms", "wall p95 ms", "CPU median ms", "CPU p95 ms",
                    "wall median vs ours", "CPU median vs ours"], rows))
    print(f"\n### Whole process, {n_files} first-page files, fresh process each\n")
    rows = []
    for tool in TOOLS:
        r = procs[tool]
        rows.append([tool, r.returncode, f"{r.wall:.2f}", f"{r.cpu:.2f}", f"{n_files / r.wall:.0f}",
                     f"{r.max_rss_mb:.0f}", f"{r.wall / procs['ours'].wall:.1f}x"])
    print(md_table(["tool", "exit", "wall s", "CPU s", "files/s (wall)", "peak RSS MB", "wall vs ours"], rows))
    ratio = statistics.median(wall["trafilatura"]) / base
    cpu_ratio = statistics.median(cpu["trafilatura"]) / cpu_base
    print(f"\nTarget ours >= 5x faster than trafilatura per document: median wall {ratio:.1f}x "
          f"({'met' if ratio >= 5 else 'NOT met'}), median CPU {cpu_ratio:.1f}x "
          f"({'met' if cpu_ratio >= 5 else 'NOT met'}).")
    print(f"Load average at the end: {load_now()}")


def main() -> int:
    ap = bench_parser(__doc__, scale=100, keep="save the pages and gold here and keep them")
    ap.add_argument("--pages", metavar="DIR", help="reuse pages saved by an earlier run (--keep) instead of the replica")
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--warmup", type=int, default=5, help="articles run once untimed first (default 5)")
    args = ap.parse_args()

    print_machine("Extraction: ours vs trafilatura vs GNE (issue #4)")
    with saved_pages(args.scale, args.pages, args.keep) as folder:
        articles = load_articles(folder, args.limit)
        n_pages = sum(len(a["files"]) for a in articles)
        print(f"{len(articles)} articles, {n_pages} pages, "
              f"{sum(len(a['files']) > 1 for a in articles)} multi-page; load average {load_now()}\n", flush=True)
        results, by_family = in_process(articles, args.warmup)
        procs = whole_process(folder, articles)
        report(results, by_family, procs, len(articles), len(articles))
    return 0

if __name__ == "__main__":
    sys.exit(main())
