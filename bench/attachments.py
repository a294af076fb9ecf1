"""Attachments (issue #19): text extraction per MB (pypdf vs pdfminer.six, python-docx, xlrd), and a
crawl of replica sites with files on vs off: articles/s, archive bytes per article.

    .venv/bin/python bench/attachments.py [--scale 60] [--sites trs,hanweb,datepath] [--keep DIR]
    .venv/bin/python bench/attachments.py --extraction-only

The extraction part reads generated files in this process (median of ``--repeat`` runs); the
crawl part serves the replica over real HTTP and runs ``cppcc-archiver crawl --delay 0`` twice
per setting (``-s ARCHIVER_FILES=0`` for off), alternating, and reports the medians.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import md_table, print_machine, work_folder  # noqa: E402


def many_page_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` pages, each its own copy of the replica's speech page (own streams)."""
    from pypdf import PdfReader, PdfWriter

    from archiver.replica.files import speech_lines, speech_pdf

    writer = PdfWriter()
    for n in range(pages):
        lines = tuple(speech_lines("pdf")) + (f"第{n + 1}页",)
        writer.add_page(PdfReader(io.BytesIO(speech_pdf(lines))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def big_docx(paragraphs: int) -> bytes:
    from archiver.replica.files import speech_docx, speech_lines

    lines = tuple(speech_lines("docx")) * (paragraphs // 8)
    return speech_docx(lines)


def big_xls(rows: int) -> bytes:
    """As large as the replica's one-FAT-sector OLE2 writer allows (~64 kB)."""
    from archiver.replica.files import xls_workbook

    return xls_workbook("表", [(r, c, f"政协委员{r}") for r in range(rows) for c in range(8)])


def timed(fn, repeat: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, chars = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        chars = len(fn() or "")
        times.append(time.perf_counter() - started)
    return statistics.median(times), chars


def extraction(repeat: int) -> str:
    from archiver.extract.filetext import Limits, extract_text

    pdf, docx, xls = many_page_pdf(200), big_docx(4000), big_xls(230)
    limits = Limits(max_pages=10_000, seconds=600)
    rows = []
    for label, data, fn in [
        ("PDF, pypdf (ours)", pdf, lambda: extract_text(pdf, url="a.pdf", limits=limits).text),
        ("PDF, pdfminer.six", pdf, lambda: _pdfminer(pdf)),
        ("DOCX, python-docx (ours)", docx, lambda: extract_text(docx, url="a.docx", limits=limits).text),
        ("XLS, xlrd (ours)", xls, lambda: extract_text(xls, url="a.xls", limits=limits).text),
    ]:
        seconds, chars = timed(fn, repeat)
        mb = len(data) / 1e6
        rows.append([label, f"{len(data):,}", f"{chars:,}", f"{seconds:.2f}", f"{mb / seconds:.2f}",
                     f"{chars / seconds / 1000:,.0f}"])
    return md_table(["file", "bytes", "chars", "seconds (median)", "MB/s", "k chars/s"], rows)


def _pdfminer(data: bytes) -> str:
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        return ""
    return extract_text(io.BytesIO(data))


def crawl(scale: int, sites: list[str], rounds: int, keep: str | None) -> str:
    from archiver.replica.testing import ReplicaProcess

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    results: dict[str, list[tuple[float, int, int, int, int]]] = {"on": [], "off": []}
    with work_folder(keep, "bench-attach-") as work, ReplicaProcess(scale=scale, sites=sites) as rp:
        listings = [rp.sites[s]["listing"] for s in sites]
        for n in range(rounds):
            for setting in ("on", "off") if n % 2 == 0 else ("off", "on"):
                db = work / f"{setting}-{n}.sqlite3"
                extra = ["-s", "ARCHIVER_FILES=0"] if setting == "off" else []
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "archiver", "crawl", "--db", f"sqlite:///{db}", "--delay", "0",
                                "--no-progress", *extra, *listings], cwd=work, env=env, check=False,
                               capture_output=True)
                seconds = time.perf_counter() - started
                import sqlite3

                con = sqlite3.connect(db)
                articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
                files = con.execute("SELECT count(*) FROM fetches WHERE kind IN ('attachment', 'image')").fetchone()[0]
                # What the archive holds, exactly: the SQLite file's size also counts free pages.
                stored = con.execute("SELECT coalesce(sum(compressed_size), 0) FROM bodies").fetchone()[0]
                con.close()
                results[setting].append((seconds, articles, db.stat().st_size, files, stored))
    rows = []
    for setting, runs in results.items():
        seconds = statistics.median(r[0] for r in runs)
        articles, size, files, stored = runs[0][1], statistics.median(r[2] for r in runs), runs[0][3], runs[0][4]
        rows.append([setting, articles, files, f"{seconds:.1f}", f"{articles / seconds:.1f}",
                     f"{size / 1e6:.2f}", f"{size / max(articles, 1) / 1000:.1f}",
                     f"{stored / max(articles, 1) / 1000:.1f}"])
    return md_table(["files", "articles", "file fetches", "crawl s (median)", "articles/s", "archive MB",
                     "kB per article", "bodies kB per article (zstd)"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=60)
    parser.add_argument("--sites", default="trs,hanweb,datepath")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", default=None)
    parser.add_argument("--extraction-only", action="store_true", help="skip the crawls")
    args = parser.parse_args()
    print_machine("Attachments: text extraction and crawls with files on/off (issue #19)")
    print("\n### Text extraction\n")
    print(extraction(args.repeat))
    if args.extraction_only:
        return
    print("\n### Crawl, files on vs off\n")
    print(crawl(args.scale, args.sites.split(","), args.rounds, args.keep))


if __name__ == "__main__":
    main()
