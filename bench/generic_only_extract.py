"""Issue #16: leave-one-family-out. The generic path alone vs the family modules, on every replica
family's gold.

Each replica article (all pages, as the crawl fetches them) is extracted twice in this process:
with every family module allowed (the default) and with ``families=generic`` (what
``-s ARCHIVER_FAMILIES=generic`` / ``extract --families generic`` do). Scored per family against
gold: title exact, published date exact (day; and the full value where gold gives a time), body
character F1 mean and worst, article pages found (its continuation pages, as the mode's path
finds them from the first page) (difflib, whitespace ignored: extract_compare.body_prf), gold
boilerplate lines left in the body, and the four speech fields (speaker, speaker_title,
occasion, delivered_on) exact.

Targets (issue #16): generic alone title and date 100%, body F1 >= 0.98 mean and >= 0.9 worst,
0 boilerplate lines, speech fields >= 0.95; family modules no worse.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime

from _common import bench_parser, load_now, md_table, print_machine
from extract_compare import body_prf, load_articles, saved_pages

SPEECH_FIELDS = ("speaker", "speaker_title", "occasion", "delivered_on")
MAX_PAGES = 20
MODES = {"family modules": None, "generic alone": frozenset({"generic"})}


def extract(article: dict, families: frozenset[str] | None) -> dict:
    """The article as the mode's own path reads it: from its first page, following the
    continuation pages that path finds (a generic path that misses them loses body text)."""
    from archiver.article import extract_record
    from archiver.cms import canonical_url
    from archiver.items import FetchedPage

    now = datetime.now(UTC)
    saved = {canonical_url(u): FetchedPage(url=u, status=200, body=b, fetched_at=now,
                                           response_headers=[("Content-Type", ct)] if ct else [])
             for u, b, ct in zip(article["pages"], article["bodies"], article["content_types"])}
    pages = [saved[canonical_url(article["pages"][0])]]
    while True:
        result = extract_record(pages, families=families)
        more = [canonical_url(u) for u in result.continuation_urls]
        if not more or len(pages) >= MAX_PAGES:
            break
        if more[0] not in saved:  # a page gold does not know: a wrong continuation
            pages.append(FetchedPage(url=more[0], status=200, body=b"", fetched_at=now))
            break
        pages.append(saved[more[0]])
    pages_right = [canonical_url(p.url) for p in pages] == [canonical_url(u) for u in article["pages"]]
    return {**result.fields, "family": result.family, "pages_right": pages_right}


def score(fields: dict, gold: dict) -> dict:
    body = fields["body"] or ""
    return {
        "title": fields["title"] == gold["title"],
        "pages": fields.get("pages_right", False),
        "date": (fields["published_at"] or "")[:10] == gold["published_at"][:10],
        "datetime": fields["published_at"] == gold["published_at"],
        "f1": body_prf(body, gold["body"])[2],
        "left": sum(1 for s in gold["boilerplate"] if s and s in body and s not in gold["body"]),
        **{key: fields[key] == gold.get(key) for key in SPEECH_FIELDS},
        "family": fields["family"],
    }


def pct(values: list[bool]) -> str:
    return f"{100 * sum(values) / len(values):.1f}%" if values else "-"


def report(rows: dict[tuple[str, str], list[dict]], worst: dict[tuple[str, str], str]) -> None:
    families = sorted({f for _, f in rows})
    table = []
    for mode in MODES:
        for family in [*families, "all"]:
            s = [x for (m, f), xs in rows.items() if m == mode and family in (f, "all") for x in xs]
            f1s = [x["f1"] for x in s]
            speech = [statistics.mean(x[k] for x in s) for k in SPEECH_FIELDS]
            table.append([
                mode, family, len(s), pct([x["pages"] for x in s]), pct([x["title"] for x in s]), pct([x["date"] for x in s]),
                pct([x["datetime"] for x in s]), f"{statistics.mean(f1s):.4f}", f"{min(f1s):.4f}",
                sum(x["left"] for x in s), f"{min(speech):.3f}",
                ", ".join(f"{k} {v:.2f}" for k, v in zip(SPEECH_FIELDS, speech)),
                "" if family == "all" else worst.get((mode, family), ""),
                " ".join(f"{k} {v}" for k, v in sorted(Counter(x["family"] for x in s).items())),
            ])
    print(md_table(["mode", "family", "articles", "pages found", "title", "date (day)", "published_at exact",
                    "body F1 mean", "body F1 worst", "boilerplate lines left", "speech fields (min)",
                    "speech fields", "worst page", "module used"], table))


def main() -> int:
    ap = bench_parser(__doc__, scale=100, keep="save the pages and gold here and keep them")
    ap.add_argument("--pages", metavar="DIR", help="reuse pages saved by extract_compare/this (--keep)")
    ap.add_argument("--label", default="", help="a word for the heading (before/after)")
    args = ap.parse_args()

    print_machine(f"Extraction: generic path alone vs family modules (issue #16) {args.label}".strip())
    with saved_pages(args.scale, args.pages, args.keep) as folder:
        articles = load_articles(folder, None)
        print(f"{len(articles)} articles ({len(set(a['family'] for a in articles))} families), "
              f"load average {load_now()}\n", flush=True)
        rows: dict[tuple[str, str], list[dict]] = defaultdict(list)
        worst: dict[tuple[str, str], tuple[float, str]] = {}
        t0 = time.perf_counter()
        for article in articles:
            for mode, families in MODES.items():
                try:
                    fields = extract(article, families)
                except Exception as exc:  # noqa: BLE001 - a crash scores as an empty record
                    print(f"  {mode}: {article['url']}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    fields = {"title": None, "published_at": None, "body": "", "family": "-",
                              **dict.fromkeys(SPEECH_FIELDS)}
                s = score(fields, article)
                key = (mode, article["family"])
                rows[key].append(s)
                if key not in worst or s["f1"] < worst[key][0]:
                    worst[key] = (s["f1"], f"{article['key']} ({s['f1']:.3f})")
        report(rows, {k: v[1] for k, v in worst.items()})
        print(f"\n{2 * len(articles)} extractions in {time.perf_counter() - t0:.1f} s; "
              f"load average at the end: {load_now()}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
