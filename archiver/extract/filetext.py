"""Text of an attachment (issue #19): what the bytes really are, and their text when we can read it.

Pure functions of the bytes and the limits passed in (no clock but the deadline's, no globals),
run in the extraction child process (``archiver.pipelines.files``): a hostile file (a zip bomb, a
PDF claiming a million pages, broken xref tables, an HTML error page served as ``.pdf``) ends as
a per-file status, never an exception.

* the media type comes from the bytes (magic numbers), not from the URL's extension or the
  server's Content-Type: sites serve ``.doc`` files that are DOCX or HTML;
* PDF: pypdf (pure Python, maintained, reads page by page so a page and time budget applies;
  pdfminer.six reads layout more faithfully but was ~2.5x slower on the same PDF: BENCHMARKS.md);
* DOCX: python-docx, after checking the zip's declared sizes and ratios (a bomb is refused
  before a byte is inflated);
* Excel 97-2003 ``.xls``: xlrd 2.x (pure Python, maintained, reads only .xls), sheet by sheet
  (``on_demand``) under bounds on bytes, sheets, rows and cells;
* legacy Word/WPS (OLE2): no maintained pure-Python reader of their text exists (olefile reads
  the container, not the Word piece table), so ``no text: format``.
"""

from __future__ import annotations

import io
import signal
import threading
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

TEXT_EXTRACTOR = "filetext-1"

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
LEGACY_BY_EXTENSION = {"doc": "application/msword", "wps": "application/vnd.ms-works",
                       "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS = "application/vnd.ms-excel"
IMAGE_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
               (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"BM", "image/bmp"))


@dataclass(frozen=True)
class Limits:
    max_pages: int = 300  # PDF pages read; the rest is said in the status
    max_chars: int = 2_000_000  # text kept per file
    max_unzipped: int = 100 * 1024 * 1024  # DOCX: declared uncompressed bytes, all members
    max_ratio: int = 200  # DOCX: a member inflating more than this is a bomb
    seconds: float = 30.0  # wall-clock budget per file
    max_xls_bytes: int = 20 * 1024 * 1024  # .xls: xlrd holds a whole sheet's cells as objects
    max_sheets: int = 50  # .xls sheets read; the rest is said in the status
    max_rows: int = 20_000  # .xls rows read per sheet
    max_cells: int = 500_000  # .xls cells read, all sheets


@dataclass(frozen=True)
class FileText:
    media_type: str
    status: str  # text | no-text | failed
    reason: str | None = None  # why no text / what failed / what was cut
    text: str | None = None
    pages: int | None = None


def sniff(data: bytes, *, url: str = "", declared: str | None = None) -> str:
    """The media type the bytes are, whatever the link or the server said."""
    head = data[:1024]
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if head.startswith(OLE2_MAGIC):
        ext = url.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower()
        return LEGACY_BY_EXTENSION.get(ext, "application/x-ole-storage")
    for magic, kind in IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<body")) or b"<html" in probe[:300]:
        return "text/html"
    if probe.startswith(b"{\\rtf"):
        return "application/rtf"
    return (declared or "application/octet-stream").split(";")[0].strip().lower() or "application/octet-stream"


def _zip_type(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "application/zip"
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return "application/zip"


def extract_text(data: bytes, *, url: str = "", declared: str | None = None,
                 limits: Limits = Limits()) -> FileText:
    """Media type, status and text of one attachment; never raises for a bad file."""
    media_type = sniff(data, url=url, declared=declared)
    try:
        with _deadline(limits.seconds):
            if media_type == "application/pdf":
                return _pdf(data, limits)
            if media_type == DOCX:
                return _docx(data, limits)
            if media_type == XLS:
                return _xls(data, limits)
    except _OutOfTime:
        return FileText(media_type, "failed", f"text extraction took over {limits.seconds:g} s")
    except MemoryError:
        return FileText(media_type, "failed", "text extraction ran out of memory")
    except Exception as exc:  # a malformed file: its status says what broke
        return FileText(media_type, "failed", f"unreadable {_short(media_type)}: {type(exc).__name__}: {exc}"[:300])
    if media_type == "text/html":
        return FileText(media_type, "failed", "an HTML page instead of the file (error page?)")
    if media_type.startswith("image/"):
        return FileText(media_type, "no-text", "no text: image (scanned pages are kept, not OCRed)")
    return FileText(media_type, "no-text", f"no text: format {_short(media_type)}")


def _short(media_type: str) -> str:
    return {"application/pdf": "PDF", DOCX: "DOCX", "application/msword": "Word 97-2003 .doc",
            "application/vnd.ms-works": "WPS/Works", "application/vnd.ms-excel": "Excel 97-2003 .xls"
            }.get(media_type, media_type)


def clean(text: str) -> str:
    """NFC, no NULs, trailing spaces and runs of blank lines removed; full-width punctuation kept."""
    text = unicodedata.normalize("NFC", text.replace("\x00", ""))
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _pdf(data: bytes, limits: Limits) -> FileText:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    pages = reader.pages
    count = len(pages)
    parts, total, cut = [], 0, None
    for number in range(count):
        if number >= limits.max_pages:
            cut = f"text of the first {limits.max_pages} of {count} pages"
            break
        part = pages[number].extract_text() or ""
        parts.append(part)
        total += len(part)
        if total > limits.max_chars:
            cut = f"text cut at {limits.max_chars} characters"
            break
    text = clean("\n".join(parts))
    if not text:
        return FileText("application/pdf", "no-text", "no text: PDF without a text layer (scanned?)", pages=count)
    return FileText("application/pdf", "text", cut, text[: limits.max_chars], pages=count)


def _docx(data: bytes, limits: Limits) -> FileText:
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    unzipped = sum(i.file_size for i in infos)
    if unzipped > limits.max_unzipped:
        return FileText(DOCX, "failed", f"zip bomb refused: {unzipped:,} bytes uncompressed")
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > limits.max_ratio and info.file_size > 1 << 20:
            return FileText(DOCX, "failed", f"zip bomb refused: {info.filename} inflates "
                                             f"{info.file_size // max(info.compress_size, 1)}x")
    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    text = clean("\n".join(paragraphs))
    if not text:
        return FileText(DOCX, "no-text", "no text: empty document")
    cut = f"text cut at {limits.max_chars} characters" if len(text) > limits.max_chars else None
    return FileText(DOCX, "text", cut, text[: limits.max_chars])


def _xls(data: bytes, limits: Limits) -> FileText:
    if len(data) > limits.max_xls_bytes:
        return FileText(XLS, "no-text", f"no text: .xls over {limits.max_xls_bytes:,} bytes not read")
    import xlrd

    # on_demand: one sheet's cells in memory at a time; ragged_rows: a row holds the cells it has,
    # not as many as the widest row (a 6 KB file with a cell at IV65536 made xlrd build 16 M
    # cells, 170 MB); xlrd's warnings go nowhere (the child's stdout is not ours to write on).
    book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True, logfile=io.StringIO(), verbosity=0)
    try:
        names = book.sheet_names()
        lines, total, cells, cut = [], 0, 0, None
        for index, name in enumerate(names):
            if index >= limits.max_sheets:
                cut = f"text of the first {limits.max_sheets} of {len(names)} sheets"
                break
            sheet = book.sheet_by_index(index)
            lines.append(name)
            for r in range(sheet.nrows):
                if r >= limits.max_rows:
                    cut = f"text of the first {limits.max_rows} rows of sheet {name}"
                    break
                row = [_cell_text(c) for c in sheet.row(r)]
                cells += len(row)
                line = "\t".join(row).rstrip("\t")
                lines.append(line)
                total += len(line) + 1
                if cells > limits.max_cells or total > limits.max_chars:
                    break
            book.unload_sheet(index)
            if cells > limits.max_cells or total > limits.max_chars:
                cut = f"text cut at {limits.max_cells} cells or {limits.max_chars} characters"
                break
    finally:
        book.release_resources()
    text = clean("\n".join(lines))
    if not text or all(not line.strip() or line in names for line in text.split("\n")):
        return FileText(XLS, "no-text", "no text: empty workbook")
    return FileText(XLS, "text", cut, text[: limits.max_chars])


def _cell_text(cell) -> str:  # type: ignore[no-untyped-def]
    import xlrd

    if cell.ctype == xlrd.XL_CELL_TEXT:
        return str(cell.value).replace("\t", " ").replace("\n", " ")
    if cell.ctype == xlrd.XL_CELL_NUMBER or cell.ctype == xlrd.XL_CELL_DATE:
        value = float(cell.value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    return ""


class _OutOfTime(BaseException):
    """A BaseException: pypdf catches and logs every ``Exception`` raised while it reads a page."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """A wall-clock budget (SIGALRM, main thread only: the extraction child's calls run there)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):  # type: ignore[no-untyped-def]
        raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
