"""Attachment text and media types from bytes (issue #19), on the replica's generated files and
its bad inputs: each ends as a clear per-file status, never an exception."""

from __future__ import annotations

import pytest

from archiver.extract.files import FileResult, apply_files, carry_files
from archiver.extract.filetext import DOCX, XLS, Limits, extract_text, sniff
from archiver.pipelines.files import allowed_host, content_disposition_name, registrable_domain
from archiver.replica import assets, files


def test_pdf_text_is_read_back_in_chinese():
    result = extract_text(files.speech_pdf(tuple(files.speech_lines("pdf"))), url="x.pdf")
    assert (result.media_type, result.status, result.pages) == ("application/pdf", "text", 1)
    assert files.FILE_PHRASE["pdf"] in result.text
    assert result.text.splitlines()[1] == "市政协主席 韩立明"
    assert "（2019年6月12日）" in result.text  # full-width punctuation kept


def test_docx_text_and_a_doc_that_is_really_docx():
    data = files.speech_docx(tuple(files.speech_lines("docx")))
    for url in ("a.docx", "a.doc"):
        result = extract_text(data, url=url, declared="application/msword")
        assert (result.media_type, result.status) == (DOCX, "text")
        assert files.FILE_PHRASE["docx"] in result.text


def test_legacy_formats_say_no_text_format():
    result = extract_text(assets.doc("讲话"), url="a.wps")
    assert result.status == "no-text" and result.reason == "no text: format WPS/Works"
    assert extract_text(assets.doc("讲话"), url="a.doc").reason == "no text: format Word 97-2003 .doc"


def test_xls_cells_are_read_row_by_row():
    result = extract_text(files.schedule_xls(), url="日程.xls", declared="application/octet-stream")
    assert (result.media_type, result.status, result.reason) == (XLS, "text", None)
    lines = result.text.splitlines()
    assert lines[0] == "日程安排"  # the sheet's name, then its rows, cells tab-separated
    assert lines[1:] == ["\t".join(row) for row in files.SCHEDULE]
    assert files.FILE_PHRASE["xls"] in result.text


def test_a_hostile_xls_is_bounded():
    # 6 KB claiming 65,536 rows x 256 columns, its last cell at IV65536
    far = files.xls_workbook("表", [(0, 0, "首"), (65535, 255, "尾")], dims=(65536, 256))
    result = extract_text(far, url="a.xls")
    assert result.status == "text" and result.reason == "text of the first 20000 rows of sheet 表"
    wide = files.xls_workbook("表", [(r, c, "格") for r in range(30) for c in range(20)])
    cut = extract_text(wide, url="a.xls", limits=Limits(max_cells=100))
    assert cut.reason == "text cut at 100 cells or 2000000 characters" and cut.text.count("格") <= 120
    big = extract_text(files.schedule_xls(), url="a.xls", limits=Limits(max_xls_bytes=1000))
    assert (big.status, big.reason) == ("no-text", "no text: .xls over 1,000 bytes not read")


def test_an_unreadable_xls_says_so():
    truncated = files.schedule_xls()[:5000]  # its Workbook stream runs past the end of the file
    assert extract_text(truncated, url="a.xls").reason.startswith("unreadable Excel 97-2003 .xls")
    word = extract_text(assets.doc("讲话"), url="a.xls")  # a Word file named .xls: no Workbook stream
    assert (word.status, word.reason) == ("failed", "unreadable Excel 97-2003 .xls: XLRDError: "
                                            "Can't find workbook in OLE2 compound document")


def test_zip_bomb_is_refused_before_inflating():
    result = extract_text(files.docx_bomb(), url="a.docx")
    assert result.status == "failed" and result.reason.startswith("zip bomb refused")


def test_million_page_pdf_is_cut_by_the_page_budget():
    result = extract_text(files.million_page_pdf(), url="a.pdf", limits=Limits(max_pages=20))
    assert result.status == "text" and result.reason == f"text of the first 20 of {result.pages} pages"
    assert len(result.text.split()) == 20


def test_time_budget_ends_a_slow_file():
    result = extract_text(files.million_page_pdf(), url="a.pdf", limits=Limits(max_pages=10**7, seconds=0.2))
    assert result.status == "failed" and "took over 0.2 s" in result.reason


@pytest.mark.parametrize("index, status, start", [(2, "failed", "unreadable PDF"),
                                                  (3, "failed", "an HTML page instead")])
def test_broken_files(index, status, start):
    data, ctype, _ = files._bad(index)
    result = extract_text(data, url="a.pdf", declared=ctype)
    assert result.status == status and result.reason.startswith(start)


def test_sniff_trusts_bytes_not_names():
    assert sniff(b"<!DOCTYPE html><html>", url="a.pdf", declared="application/pdf") == "text/html"
    assert sniff(assets.image("png"), url="a.pdf") == "image/png"


def test_gbk_and_utf8_file_names():
    assert content_disposition_name("attachment; filename=%D6%D0%CE%C4.pdf") == "中文.pdf"
    assert content_disposition_name("attachment; filename*=UTF-8''%E4%B8%AD%E6%96%87.pdf") == "中文.pdf"
    assert content_disposition_name(None) is None


def test_hosts():
    assert registrable_domain("www.jzzx.gov.cn") == "jzzx.gov.cn"
    assert allowed_host("http://files.jzzx.gov.cn/a.pdf", "http://www.jzzx.gov.cn/x.html")
    assert not allowed_host("http://evil.com/a.pdf", "http://www.jzzx.gov.cn/x.html")
    assert allowed_host("http://cdn.example.com/a.pdf", "http://www.jzzx.gov.cn/x.html", ("example.com",))


def _pdf_result(text: str | None) -> FileResult:
    return FileResult("attachment", 0, "http://x/a.pdf", "stored", sha256="ab" * 32,
                      media_type="application/pdf", size=10, text_status="text", text=text)


def test_speech_fields_from_the_attachment_when_the_page_is_an_intro():
    text = "\n".join(files.speech_lines("pdf"))
    fields = {"title": "在全市政协系统理论研讨会上的讲话", "body": "讲话全文见附件。",
              "published_at": "2019-06-12", "attachments": [{"url": "http://x/a.pdf", "name": "讲话.pdf"}]}
    new, audit = apply_files(fields, [_pdf_result(text)])
    assert (new["speaker"], new["speaker_title"], new["delivered_on"]) == ("韩立明", "市政协主席", "2019-06-12")
    assert new["speech_from"] == "attachment: 讲话.pdf" and audit[0]["rule"] == "speech_from_attachment"
    assert new["attachments"][0]["sha256"] == "ab" * 32 and new["attachments"][0]["text_chars"] == len(text)
    assert "sha256" not in fields["attachments"][0]  # the input is not changed
    # A notice with a speech attached is not made a speech.
    notice, _ = apply_files({**fields, "title": "关于印发会议材料的通知"}, [_pdf_result(text)])
    assert "speaker" not in notice
    # reprocess keeps what the crawl learnt of the files.
    assert carry_files({"attachments": [{"url": "http://x/a.pdf", "name": "讲话.pdf"}]}, new)["attachments"] \
        == new["attachments"]


def test_registry_file_hosts_are_validated():
    from archiver.sites import _override_problem

    assert _override_problem("file_hosts", ["files.example.gov.cn"]) is None
    assert _override_problem("file_hosts", "files.example.gov.cn") is not None
    assert _override_problem("file_hosts", ["http://x/y"]) is not None
