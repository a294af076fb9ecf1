"""Speeches published as files (issue #19): the articles every replica site gains, and the bytes.

Each site carries four such articles: a speech whose full text is a PDF under a one-paragraph
intro, one whose text is a DOCX, one with a legacy WPS file (no text reader: its status must say
so) and an Excel 97-2003 ``.xls`` schedule (read by xlrd: ``FILE_PHRASE["xls"]`` is in a cell),
and a speech published as scanned page images. The intro never names the speaker: only the
file's first lines do (``在…上的讲话`` / post and name / date), so speaker, post and date can only
come from the attachment (the gold records hold what the pages say: the occasion, from the
title; the files' own fields are ``SPEAKERS``/``DELIVERED`` here). Every phrase in ``FILE_PHRASE`` appears in a file and never on a page.

The ``trs`` site also carries the bad inputs: a DOCX zip bomb, a PDF claiming a million pages, a
PDF with broken xref tables, an HTML error page answered with 200 for a ``.pdf`` link, a ``.doc``
that is really a DOCX, and a file whose Content-Disposition name is GBK percent-encoded.

Files are generated here at start (a small PDF writer: CID text with a ToUnicode map, so a text
extractor reads the Chinese back; python-docx for DOCX), cached per article.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote

from archiver.replica import assets
from archiver.replica.model import BEIJING, Article, Block
from archiver.replica.sites import SITES

# A phrase that exists only inside the files, one per kind (tests search for it).
FILE_PHRASE = {"pdf": "附件独有短语甲乙丙", "docx": "附件独有短语丁戊己", "xls": "附件独有短语庚辛壬"}
SPEAKERS = {"pdf": ("市政协主席", "韩立明"), "docx": ("市政协副主席", "鲁振华")}
OCCASION = {"pdf": "全市政协系统理论研讨会", "docx": "全市政协提案工作会议"}
DELIVERED = {"pdf": "2019-06-12", "docx": "2019-03-21"}
CONTENT_TYPES = {"pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "doc": "application/msword", "wps": "application/vnd.ms-works",
                 "xls": "application/vnd.ms-excel", "png": "image/png",
                 "jpg": "image/jpeg"}


# A second intro paragraph, as real pages have (会议要求…): a one-line page loses to a legacy
# layout's sidebars in the generic extractor's densest-block rule.
SECOND = Block("p", "会议强调，要坚持团结和民主两大主题，聚焦全市中心工作，深入协商议政，广泛凝聚共识，"
                    "为推动高质量发展贡献政协智慧和力量。各级政协组织要认真学习领会讲话精神，结合实际抓好贯彻落实。")


def _when(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)


def file_articles(site: str) -> list[Article]:
    """The articles with file speeches every site carries (ids clear of generic and new ones;
    two apart, as SiteStore moves an id that falls on the generic stride up by one)."""
    base = SITES[site].id_base + 4001
    out = []
    for k, ext in enumerate(("pdf", "docx")):
        post, name = SPEAKERS[ext]
        occasion = OCCASION[ext]
        month, day = int(DELIVERED[ext][5:7]), int(DELIVERED[ext][8:10])
        intro = f"{month}月{day}日，{occasion}召开。现将会议上的讲话全文刊发如下，请点击附件下载阅读。"
        out.append(Article(
            site=site, key=f"file-{ext}", num=base + 2 * k, title=f"在{occasion}上的讲话",
            published=_when(f"{DELIVERED[ext]} 16:3{k}"),
            blocks=[Block("p", intro), SECOND, Block("att", f"在{occasion}上的讲话.{ext}", ext)], occasion=occasion,
        ))
    out.append(Article(
        site=site, key="file-wps", num=base + 4, title="在全市政协委员履职培训班上的讲话",
        published=_when("2018-11-05 10:20"),
        blocks=[Block("p", "11月5日，全市政协委员履职培训班开班。现将开班式上的讲话全文刊发如下，请点击附件下载阅读。"), SECOND,
                Block("att", "在全市政协委员履职培训班上的讲话.wps", "wps"),
                Block("att", "全市政协委员履职培训班日程安排.xls", "xls")], occasion="全市政协委员履职培训班",
    ))
    out.append(Article(
        site=site, key="file-scan", num=base + 6, title="在全市政协文史工作座谈会上的讲话（扫描件）",
        published=_when("2018-09-14 09:10"),
        blocks=[Block("p", "9月14日，全市政协文史工作座谈会召开。现将会议上的讲话稿扫描件刊发如下，供学习参考。"), SECOND,
                Block("img", "讲话稿第1页", "png"), Block("img", "讲话稿第2页", "jpg")],
        occasion="全市政协文史工作座谈会",
    ))
    if site == "trs":
        out.append(Article(
            site=site, key="file-bad", num=base + 8, title="关于印发政协会议有关材料的通知",
            published=_when("2018-08-02 15:00"), kind="news",
            blocks=[Block("p", "各县市区政协、市政协各专门委员会：现将会议有关材料印发给你们，请结合实际认真组织学习。"),
                    SECOND]
            + [Block("att", name, ext) for name, ext in BAD_FILES],
        ))
    return out


BAD_FILES = (("会议材料汇编.docx", "docx"), ("会议记录（全部）.pdf", "pdf"), ("损坏的文件.pdf", "pdf"),
             ("过期的文件.pdf", "pdf"), ("旧版文档.doc", "doc"), ("中文名文件.pdf", "pdf"))


REVISION_LINE = "（本文已于次日修订，以此稿为准。）"


def speech_lines(ext: str, revised: bool = False) -> list[str]:
    post, name = SPEAKERS[ext]
    y, m, d = (int(x) for x in DELIVERED[ext].split("-"))
    return [f"在{OCCASION[ext]}上的讲话", f"{post} {name}", f"（{y}年{m}月{d}日）", "同志们：",
            f"今天召开{OCCASION[ext]}，主要任务是总结工作、部署任务。{FILE_PHRASE[ext]}是这次会议的重点。",
            "一要提高政治站位，二要加强协商议政，三要强化自身建设。", "谢谢大家！"] + ([REVISION_LINE] if revised else [])


def content(a: Article, i: int, b: Block, *, revised: bool = False) -> tuple[bytes, str, list[tuple[str, str]]] | None:
    """Bytes, Content-Type and extra headers of ``a``'s ``i``-th attachment (None: not ours);
    ``revised``: the ``revised_files`` site option (faults.py)."""
    if a.key == "file-bad":
        return _bad(i)
    if not a.key.startswith("file-"):
        return None
    if b.ext == "pdf":
        return speech_pdf(tuple(speech_lines("pdf", revised))), CONTENT_TYPES["pdf"], []
    if b.ext == "docx":
        return speech_docx(tuple(speech_lines("docx", revised))), CONTENT_TYPES["docx"], []
    if b.ext == "wps":
        return assets.doc(b.text), CONTENT_TYPES["wps"], []
    if b.ext == "xls":
        return schedule_xls(), CONTENT_TYPES["xls"], []
    return None


def _bad(i: int) -> tuple[bytes, str, list[tuple[str, str]]]:
    name, ext = BAD_FILES[i]
    if i == 0:
        return docx_bomb(), CONTENT_TYPES["docx"], []
    if i == 1:
        return million_page_pdf(), CONTENT_TYPES["pdf"], []
    if i == 2:
        data = speech_pdf(tuple(speech_lines("pdf")))
        cut = data.rindex(b"xref")
        return data[:cut] + b"xref\n0 9\ngarbage\ntrailer\n<< /Size 2 >>\n%%EOF\n", CONTENT_TYPES["pdf"], []
    if i == 3:
        page = "<html><head><title>404</title></head><body><h1>您访问的页面不存在</h1></body></html>"
        return page.encode("utf-8"), CONTENT_TYPES["pdf"], []
    if i == 4:
        return speech_docx(tuple(speech_lines("docx"))), CONTENT_TYPES["doc"], []
    gbk = quote(name.encode("gbk"))  # what old IIS/ASP sites send: GBK bytes, percent-encoded
    return (speech_pdf(tuple(speech_lines("pdf"))), CONTENT_TYPES["pdf"],
            [("Content-Disposition", f"attachment; filename={gbk}")])


def _hex(text: str) -> str:
    return "".join(f"{ord(c):04X}" for c in text if ord(c) <= 0xFFFF)


@lru_cache(maxsize=16)
def speech_pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page PDF whose text is ``lines``: a Type0 font with Identity-H codes equal to the
    BMP code points and a ToUnicode CMap mapping them back, so extractors read the Chinese."""
    ops = ["BT", "/F1 12 Tf", "14 TL", "72 770 Td"]
    for line in lines:
        ops.append(f"<{_hex(line)}> Tj T*")
    ops.append("ET")
    stream = zlib.compress("\n".join(ops).encode("ascii"))
    # ToUnicode for the characters used only, in bfchar blocks of at most 100 (PDF limit), as
    # real producers write it: a 0000-FFFF range made every reader build a 65,536-entry map.
    used = sorted({c for line in lines for c in line if ord(c) <= 0xFFFF})
    blocks = []
    for start in range(0, len(used), 100):
        chunk = used[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar " + " ".join(f"<{ord(c):04X}> <{ord(c):04X}>" for c in chunk)
                      + " endbfchar")
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Uni def "
            "/CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange "
            + " ".join(blocks) + " endcmap CMapName currentdict /CMap defineresource pop end end").encode("ascii")
    return assets.pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 860] "
        b"/ItalicAngle 0 /Ascent 860 /Descent -140 /CapHeight 700 /StemV 80 >>",
    ])


SCHEDULE = (("时间", "内容", "地点"),
            ("11月5日上午", "开班式暨专题辅导", "市政协机关报告厅"),
            ("11月5日下午", f"分组讨论：{FILE_PHRASE['xls']}", "各小组会议室"),
            ("11月6日上午", "结业式", "市政协机关报告厅"))


def _biff(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _biff_text(text: str, width: str) -> bytes:
    """A BIFF8 unicode string: its length (``B`` or ``H``), flags (1: UTF-16LE), the characters."""
    return struct.pack(f"<{width}B", len(text), 1) + text.encode("utf-16-le")


@lru_cache(maxsize=1)
def schedule_xls() -> bytes:
    """The .xls attachment: one sheet holding ``SCHEDULE``."""
    return xls_workbook("日程安排", [(r, c, text) for r, row in enumerate(SCHEDULE) for c, text in enumerate(row)])


def xls_workbook(name: str, cells: list[tuple[int, int, str]], dims: tuple[int, int] | None = None) -> bytes:
    """An Excel 97-2003 workbook (BIFF8 in an OLE2 ``Workbook`` stream) with one sheet of text
    cells (row, column, text); ``dims``: the rows and columns its DIMENSIONS record claims (a
    hostile file claims more than it has). The smallest file xlrd and Excel read, written here
    because no maintained library writes .xls."""
    def bof(kind: int) -> bytes:
        return _biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))

    eof = _biff(0x000A, b"")
    rows, cols = dims or (max(r for r, _, _ in cells) + 1, max(c for _, c, _ in cells) + 1)
    sheet = [bof(0x0010), _biff(0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0))]
    for r, c, text in cells:  # LABEL: row, column, XF index 0, the string
        sheet.append(_biff(0x0204, struct.pack("<HHH", r, c, 0) + _biff_text(text, "H")))
    sheet.append(eof)
    # BOUNDSHEET holds the sheet's offset in the stream, past BOUNDSHEET itself: its size first
    head = bof(0x0005) + _biff(0x0042, struct.pack("<H", 1200))  # CODEPAGE 1200: UTF-16
    offset = len(head) + len(_biff(0x0085, bytes(6) + _biff_text(name, "B"))) + len(eof)
    globals_ = head + _biff(0x0085, struct.pack("<IBB", offset, 0, 0) + _biff_text(name, "B")) + eof
    return assets.ole2("Workbook", globals_ + b"".join(sheet))


@lru_cache(maxsize=1)
def million_page_pdf() -> bytes:
    """A page tree claiming 1,000,000 pages (the one page object listed 50,000 times)."""
    kids = b" ".join([b"3 0 R"] * 50_000)
    stream = b"BT /F1 12 Tf 72 770 Td (page) Tj ET"
    return assets.pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count 1000000 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


@lru_cache(maxsize=4)
def speech_docx(lines: tuple[str, ...]) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = datetime(2019, 1, 1)
    for line in lines:
        document.add_paragraph(line)
    saved = io.BytesIO()
    document.save(saved)
    return _fixed_times(saved.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The same zip with every member dated 1980-01-01: a file regenerated later (the cache is
    small) must be byte-identical, or every revisit would see a changed attachment."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), src.read(info),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@lru_cache(maxsize=1)
def docx_bomb() -> bytes:
    """A DOCX whose document.xml inflates from ~30 KB to 32 MB (a real bomb is larger; the
    reader must refuse it from the zip's declared sizes before inflating anything)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        real = zipfile.ZipFile(io.BytesIO(speech_docx(tuple(speech_lines("docx")))))
        for info in real.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info, real.read(info))  # dated 1980 by speech_docx
        archive.writestr(zipfile.ZipInfo("word/document.xml", date_time=(1980, 1, 1, 0, 0, 0)),
                         b"<w:document>" + b"\0" * (32 << 20) + b"</w:document>", compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
