"""normalize_text / normalize_name with the indentation traps of real pages (docs/REPLICA-SPEC.md)."""

from __future__ import annotations

import unicodedata

import pytest

from archiver.extract.text import normalize_name, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("　　今天召开全市县市区政协主席座谈会。", "今天召开全市县市区政协主席座谈会。"),  # U+3000 indent
        ("&emsp;&emsp;各位委员，同志们：", "各位委员，同志们："),
        ("\u2003\u2003各位委员，同志们：", "各位委员，同志们："),
        ("&nbsp;&nbsp;&nbsp;会议听取了报告。&nbsp;", "会议听取了报告。"),
        ("\u00a0\u00a0会议听取了报告。", "会议听取了报告。"),
        ("政协\u200b工作\ufeff报告\u200d", "政协工作报告"),  # zero-width characters
        ("a  \t b", "a b"),  # ASCII whitespace runs collapse
        ("“是什么、干什么、怎么干”（摘要）【民主】：；，。", "“是什么、干什么、怎么干”（摘要）【民主】：；，。"),
        ("第一段　　\n\n　　第二段\r\n", "第一段\n第二段"),  # paragraphs kept, blank ones dropped
        ("发布日期：2023-05-04 10:12　信息来源：市政协办公室", "发布日期：2023-05-04 10:12　信息来源：市政协办公室"),
        ("", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_text_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "café 政协")
    assert normalize_text(decomposed) == "café 政协"


def test_full_width_punctuation_never_becomes_ascii() -> None:
    out = normalize_text("，。：；“”（）【】")
    assert out == "，。：；“”（）【】"
    assert not any(c in out for c in ",.:;\"()[]")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("段  鸣", "段鸣"),
        ("段　鸣", "段鸣"),
        ("段&nbsp;鸣", "段鸣"),
        (" 蒋鸿 ", "蒋鸿"),
        ("阿不都热依木 · 卡德尔", "阿不都热依木·卡德尔"),
        ("John  Smith", "John Smith"),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("a\tb", "a b"), ("a\fb", "a b"), ("a\vb", "a b"), ("a  b", "a b"), ("a\t\t b", "a b"),
     ("政协&NBSP;工作", "政协 工作"), ("政协 工作 报告", "政协 工作 报告"), ("a & b", "a & b")],
)
def test_normalize_text_each_whitespace_alone(raw: str, expected: str) -> None:
    # normalize_text skips its substitutions when a line cannot need them: each trigger alone.
    assert normalize_text(raw) == expected
