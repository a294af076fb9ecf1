"""decode_html: the right text whatever the header or <meta> claims (docs/REPLICA-SPEC.md family 3)."""

from __future__ import annotations

import codecs

import pytest

from archiver.extract.encoding import decode_html, normalize_charset, sniff_meta_charset

# GBK-only characters (outside GB2312): rare name characters and traditional characters.
TEXT = "<p>　　张堃、王喆、朱镕基出席會議。臺灣與港澳委員發言，“团结”（协商）【民主】</p>"
GB2312_META = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
UTF8_META = '<html><head><meta charset="utf-8"></head><body>'


def _page(meta: str) -> str:
    return meta + TEXT + "</body></html>"


def test_gbk_chars_outside_gb2312_really_are_outside() -> None:
    with pytest.raises(UnicodeEncodeError):
        "堃喆镕".encode("gb2312")


@pytest.mark.parametrize(
    ("body", "header", "encoding"),
    [
        (_page(GB2312_META).encode("gbk"), None, "gb18030"),  # gb2312 only in <meta>, GBK bytes
        (_page(GB2312_META).encode("gbk"), "text/html; charset=gb2312", "gb18030"),
        (_page(GB2312_META).encode("gbk"), "text/html; charset=utf-8", "gb18030"),  # header lies
        (_page(GB2312_META).encode("gbk"), "utf-8", "gb18030"),  # bare label lies
        (_page(UTF8_META).encode("utf-8"), "text/html; charset=GBK", "utf-8"),  # GBK header, UTF-8 bytes
        (_page(GB2312_META).encode("utf-8"), None, "utf-8"),  # meta lies
        (_page(UTF8_META).encode("utf-8"), "text/html; charset=iso-8859-1", "utf-8"),
        (_page(GB2312_META).encode("gbk"), "text/html; charset=iso-8859-1", "gb18030"),
        (_page(UTF8_META).encode("utf-8"), None, "utf-8"),
        (_page(GB2312_META).encode("gb18030"), None, "gb18030"),
    ],
)
def test_round_trip_without_replacement(body: bytes, header: str | None, encoding: str) -> None:
    decoded = decode_html(body, header_charset=header)
    assert TEXT in decoded.text
    assert "\ufffd" not in decoded.text
    assert decoded.replacement_share == 0.0
    assert decoded.encoding == encoding


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_boms(bom: bytes, codec: str) -> None:
    page = _page(GB2312_META)
    decoded = decode_html(bom + page.encode(codec), header_charset="gbk")
    assert decoded.text == page  # BOM removed, nothing else touched
    assert decoded.encoding == codec


def test_declared_reports_header_before_meta() -> None:
    body = _page(GB2312_META).encode("gbk")
    assert decode_html(body, header_charset="text/html; charset=UTF-8").declared == "UTF-8"
    assert decode_html(body).declared == "gb2312"
    assert decode_html(b"<p>plain</p>").declared is None


def test_traditional_characters_are_never_converted() -> None:
    text = "<p>臺灣會議與發展</p>"
    assert decode_html(text.encode("big5"), header_charset="big5").text == text
    assert decode_html(text.encode("gbk")).text == text


def test_corrupt_bytes_give_replacement_share() -> None:
    body = _page(GB2312_META).encode("gbk")
    broken = body[:200] + b"\xff" + body[200:]
    decoded = decode_html(broken)
    assert decoded.encoding == "gb18030"
    assert decoded.text.count("\ufffd") == 1
    assert decoded.replacement_share == pytest.approx(1 / len(decoded.text))
    assert "堃" in decoded.text and "镕" in decoded.text


@pytest.mark.parametrize(
    ("label", "codec"),
    [("gb2312", "gb18030"), ("GBK", "gb18030"), ("x-gbk", "gb18030"), ("UTF8", "utf-8"),
     ("big5", "big5hkscs"), ("no-such-charset", None), (None, None)],
)
def test_normalize_charset(label: str | None, codec: str | None) -> None:
    assert normalize_charset(label) == codec


def test_sniff_meta_charset_forms() -> None:
    assert sniff_meta_charset(b'<meta charset="GB2312">') == "GB2312"
    assert sniff_meta_charset(b"<META HTTP-EQUIV=Content-Type CONTENT='text/html; charset=gbk'>") == "gbk"
    assert sniff_meta_charset(b"<p>no meta</p>") is None


@pytest.mark.parametrize("header", [None, "text/html; charset=utf-8"])
def test_truncated_utf8_stays_utf8(header: str | None) -> None:
    # gb18030 strictly "decodes" these bytes into mojibake (鏀垮崗); UTF-8 with one U+FFFD is right.
    decoded = decode_html("<p>政协</p>".encode() + b"\xe4", header_charset=header)
    assert decoded.encoding == "utf-8"
    assert decoded.text == "<p>政协</p>\ufffd"
    long_page = _page(UTF8_META).encode("utf-8")
    cut = long_page[:120] + b"\xe4" + long_page[120:]
    decoded = decode_html(cut, header_charset=header)
    assert decoded.encoding == "utf-8" and decoded.text.count("\ufffd") == 1


def test_small_gbk_page_without_declaration() -> None:
    decoded = decode_html("<p>政协</p>".encode("gbk"))
    assert decoded.text == "<p>政协</p>" and decoded.encoding == "gb18030"
