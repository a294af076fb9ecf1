"""Bad input (issue #16): pages with nothing usable still give a record, never an exception.

Each page below is what a crawl meets now and then: no text, only images, only a table, only a
frame, only an attachment link, two <body>s, a 2,000-character "title", dates in the future or
before the archive's range. The record keeps what could be found, empty fields are null (the body,
a string by contract, is empty), and the audit says what was refused.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from archiver.article import extract_record
from archiver.items import FetchedPage

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
URL = "http://zx.example.gov.cn/ldjh/content_9.html"
EMPTY = ("source", "author", "editor", "speaker", "speaker_title", "occasion", "delivered_on")


def _record(html: str, url: str = URL):
    page = FetchedPage(url=url, status=200, body=html.encode("utf-8"), fetched_at=NOW,
                       response_headers=[("Content-Type", "text/html; charset=utf-8")])
    return extract_record([page])


def _rules(result) -> set[str]:
    return {entry["rule"] for entry in result.audit}


@pytest.mark.parametrize("html", [b"", b"   ", b"<html></html>", b"<html><body></body></html>",
                                  b"\x00\x01\x02", b"<html><head><title></title></head><body><p></p></body></html>"])
def test_no_text(html: bytes) -> None:
    page = FetchedPage(url=URL, status=200, body=html, fetched_at=NOW, response_headers=[])
    fields = extract_record([page]).fields
    assert fields["title"] is None and fields["published_at"] is None and fields["body"] == ""
    assert all(fields[k] is None for k in EMPTY)


def test_only_images() -> None:
    result = _record('<html><body><div class="c"><img src="/a/1.jpg"><img src="/a/2.jpg"></div></body></html>')
    assert result.fields["body"] == "" and result.fields["title"] is None
    assert [i["url"] for i in result.fields["images"]] == ["http://zx.example.gov.cn/a/1.jpg",
                                                          "http://zx.example.gov.cn/a/2.jpg"]
    assert "empty_body" in _rules(result)


def test_only_a_table() -> None:
    result = _record("<html><body><table><tr><td>姓名</td><td>职务</td></tr>"
                     "<tr><td>王立新</td><td>县政协主席</td></tr></table></body></html>")
    assert result.fields["body"] == "姓名 职务\n王立新 县政协主席"


def test_only_a_frame() -> None:
    result = _record('<html><head><title>某县政协</title></head>'
                     '<frameset><frame src="/main.html"></frameset></html>')
    assert result.fields["body"] == "" and result.fields["published_at"] is None
    assert "empty_body" in _rules(result)


def test_only_an_attachment_link() -> None:
    result = _record('<html><head><title>在县政协全会上的讲话_领导讲话_某县政协</title></head><body>'
                     '<div class="article"><h1>在县政协全会上的讲话</h1>'
                     '<p><a href="/files/jianghua.pdf">在县政协全会上的讲话.pdf</a></p></div></body></html>')
    assert result.fields["title"] == "在县政协全会上的讲话"
    assert result.fields["body"] == ""
    assert result.fields["attachments"] == [{"url": "http://zx.example.gov.cn/files/jianghua.pdf",
                                             "name": "在县政协全会上的讲话.pdf"}]
    assert "empty_body" in _rules(result)


def test_two_bodies() -> None:
    result = _record("<html><head><title>第一篇</title></head><body><h1>市政协召开主席会议</h1>"
                     "<div class='info'>发布时间：2024-05-20</div>"
                     "<div class='c'><p>会议听取了有关工作情况汇报，研究了下一阶段重点工作安排。</p></div></body>"
                     "<body><div class='c'><p>第二个正文块里的文字也应当保留下来，不能丢失。</p></div></body></html>")
    assert result.fields["title"] == "市政协召开主席会议"
    assert result.fields["published_at"] == "2024-05-20"
    assert "会议听取了有关工作情况汇报" in result.fields["body"]


def test_a_two_thousand_character_title() -> None:
    long_title = "关于" + "政协工作" * 500
    result = _record(f"<html><head><title>{long_title}</title></head><body><h1>{long_title}</h1>"
                     "<div class='info'>发布时间：2024-05-20</div>"
                     "<div class='c'><p>会议听取了有关工作情况汇报，研究了下一阶段重点工作安排。</p></div></body></html>")
    assert result.fields["title"] is None
    assert "title_too_long" in _rules(result)
    assert result.fields["published_at"] == "2024-05-20"
    assert result.fields["body"].startswith("会议听取了有关工作情况汇报")


@pytest.mark.parametrize("raw", ["2031-05-20 10:00", "1936-05-20", "1948-12-31"])
def test_dates_out_of_range_are_refused_and_noted(raw: str) -> None:
    result = _record("<html><head><title>市政协召开主席会议</title></head><body><h1>市政协召开主席会议</h1>"
                     f"<div class='info'>发布时间：{raw}</div>"
                     "<div class='c'><p>会议听取了有关工作情况汇报，研究了下一阶段重点工作安排。</p></div></body></html>")
    assert result.fields["published_at"] is None and result.fields["published_from"] is None
    assert any(e["rule"] == "date_rejected" and raw in e["text"] for e in result.audit), result.audit


def test_an_editor_default_title_is_no_title() -> None:
    result = _record("<html><head><title>无标题文档</title></head><body>"
                     "<div class='c'><p>会议听取了有关工作情况汇报，研究了下一阶段重点工作安排。</p></div></body></html>")
    assert result.fields["title"] is None
    assert result.fields["body"] == "会议听取了有关工作情况汇报，研究了下一阶段重点工作安排。"


def test_a_page_showing_only_its_channel_takes_the_listing_title() -> None:
    # issue #23: `<title>` and <h1> say the channel; the column's listing gave the headline.
    page = FetchedPage(url=URL, status=200, fetched_at=NOW, response_headers=[], body=(
        "<html><head><meta charset='utf-8'><title>国际新闻</title></head><body><h1><a href='/gj/'>国际新闻</a></h1>"
        "<div class='info'>发布时间：2024-05-13 08:49</div><div class='c'>"
        "<p>近日，来自多个国家的专家学者在接受采访时表示，共建倡议为参与国带来了发展机遇。</p></div>"
        "</body></html>").encode("utf-8"))
    fields = extract_record([page], listing_title="多国专家：共建倡议为全球发展注入动力").fields
    assert fields["title"] == "多国专家：共建倡议为全球发展注入动力"
    assert fields["published_at"] == "2024-05-13T08:49:00+08:00"
