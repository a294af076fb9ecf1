"""Dates exactly as CPPCC sites write them (docs/REPLICA-SPEC.md "Dates as they appear"), Beijing time."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from archiver.extract import dates
from archiver.extract.dates import (
    SHANGHAI, date_from_url, find_date_in_text, parse_chinese_numeral_date, parse_published,
)

NOW = datetime(2026, 1, 20, 12, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("发布时间:2023-05-22 11:15", "2023-05-22T11:15:00+08:00"),
        ("2014-01-27 19:52:22", "2014-01-27T19:52:22+08:00"),
        ("发布时间 : 2016-03-01 16:01", "2016-03-01T16:01:00+08:00"),
        ("时间:2018/2/7", "2018-02-07"),
        ("2023年09月06日 09:47", "2023-09-06T09:47:00+08:00"),
        ("发布时间: 2012年03月30日", "2012-03-30"),
        ("发表于:2023年03月29日", "2023-03-29"),
        ("来源:光明新闻发布时间:2025-03-27", "2025-03-27"),
        ("【发布日期:2022-09-23】", "2022-09-23"),
        ("2022-04-17 14:46:00", "2022-04-17T14:46:00+08:00"),  # meta PubDate
        ("2023-05-22 11:15", "2023-05-22T11:15:00+08:00"),  # meta PubDate, short form
        ("2023.05.22", "2023-05-22"),
        ("市政协主席在全市政协工作会议上的讲话2022年06月23日", "2022-06-23"),
        ("二〇二三年九月", "2023-09"),
        ("二〇二三年九月十五日", "2023-09-15"),
        ("二〇二三年十二月三十一日", "2023-12-31"),
        ("(2024年12月)", "2024-12"),
        ("发布日期：2023-05-04 10:12　信息来源：市政协办公室　浏览次数：", "2023-05-04T10:12:00+08:00"),
        ("2021-12-29 16:00:51 编辑: 杨玉娟 审核人:叶玲玲", "2021-12-29T16:00:51+08:00"),
        ("２０２３年５月２２日", "2023-05-22"),  # full-width digits
        ("2022-04-17T14:46:00", "2022-04-17T14:46:00+08:00"),
        ("昨天", "2026-01-19"),
        ("前天", "2026-01-18"),
        ("3天前", "2026-01-17"),
        ("2小时前", "2026-01-20T10:00:00+08:00"),
        ("30分钟前", "2026-01-20T11:30:00+08:00"),
        ("刚刚", "2026-01-20T12:00:00+08:00"),
        ("昨天 09:30", "2026-01-19T09:30:00+08:00"),
        ("01-15", "2026-01-15"),  # listing dates without a year: latest such day not after now
        ("[12-28]", "2025-12-28"),
        ("5月22日", "2025-05-22"),
        ("2023-05", "2023-05"),
    ],
)
def test_parse_published(raw: str, iso: str) -> None:
    parsed = parse_published(raw, now=NOW)
    assert parsed is not None
    assert parsed.iso() == iso
    assert parsed.raw == raw


@pytest.mark.parametrize(
    "raw",
    ["2023-02-30", "1900-01-01", "发布时间:1900-01-01 00:00", "2027-06-01", "2023-13-01",
     "", "来源:本站", "阅读:次", None],
)
def test_invalid_dates_are_none(raw: str | None) -> None:
    assert parse_published(raw, now=NOW) is None


def test_value_types_and_zone() -> None:
    with_time = parse_published("发布时间:2023-05-22 11:15", now=NOW)
    assert with_time is not None and with_time.has_time
    assert isinstance(with_time.value, datetime)
    assert with_time.value.utcoffset().total_seconds() == 8 * 3600
    assert with_time.value.astimezone(timezone.utc).hour == 3
    day_only = parse_published("发表于:2023年03月29日", now=NOW)
    assert day_only is not None and not day_only.has_time
    assert type(day_only.value) is date


def test_relative_uses_now_in_shanghai() -> None:
    # 17:00 UTC on the 19th is already the 20th in Shanghai.
    now_utc = datetime(2026, 1, 19, 17, 0, tzinfo=timezone.utc)
    parsed = parse_published("昨天", now=now_utc)
    assert parsed is not None and parsed.iso() == "2026-01-19"


def test_english_format_goes_to_slow_path() -> None:
    parsed = parse_published("May 22, 2023", now=NOW)
    assert parsed is not None and parsed.iso() == "2023-05-22"


def test_common_formats_never_touch_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    import dateparser

    def boom(*args, **kwargs):
        raise AssertionError("dateparser called on a common format")

    monkeypatch.setattr(dateparser, "parse", boom)
    raws = ["发布时间:2023-05-22 11:15", "2014-01-27 19:52:22", "时间:2018/2/7", "2023年09月06日 09:47",
            "发表于:2023年03月29日", "【发布日期:2022-09-23】", "2023.05.22", "二〇二三年九月",
            "(2024年12月)", "昨天", "3天前", "01-15", "2023-05", "2023-02-30", "1900-01-01"]
    for i in range(10_000):
        raw = raws[i % len(raws)]
        parsed = parse_published(raw, now=NOW)
        assert (parsed is None) == (raw in ("2023-02-30", "1900-01-01"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.hbjzszx.gov.cn/ldjh/202305/t20230522_123.shtml", date(2023, 5, 22)),
        ("./202305/t20230522_123_1.shtml", date(2023, 5, 22)),
        ("https://jhzx.gov.cn/art/2023/5/4/art_1229712376_3066.html", date(2023, 5, 4)),
        ("http://www.cqzx.gov.cn/cqzx_content/2023-09/06/content_10582293.htm", date(2023, 9, 6)),
        ("http://kf.hnzx.gov.cn/2023/09-14/4328362.html", date(2023, 9, 14)),
        ("http://hbzx.gov.cn/76/2014-01-27/15803.html", date(2014, 1, 27)),
        ("http://zx.wuxi.gov.cn/doc/2022/07/27/3719461.shtml", date(2022, 7, 27)),
        ("http://world.people.com.cn/n1/2024/0513/c1002-40234567.html", date(2024, 5, 13)),
        ("http://www.example.gov.cn/a/wyfc/2024/0308/1533.html", date(2024, 3, 8)),
        ("http://x/a/2024/1399/1533.html", None),  # not a month and day
        ("http://www.szzx.gov.cn/szzx/gqzx/content/post_1538169.html", None),
        ("http://x/news_view.php?id=20230522", None),  # ids in a query are not dates
        ("http://x/ldjh/202305/", None),  # month only: no day
        ("http://x/ldjh/202306/t20230522_1.shtml", None),  # folder and file disagree
        ("http://x/t20230230_1.shtml", None),
    ],
)
def test_date_from_url(url: str, expected: date | None) -> None:
    assert date_from_url(url) == expected


def test_date_from_url_month_folder() -> None:
    assert date_from_url("http://x/ldjh/202305/", month_ok=True) == date(2023, 5, 1)
    assert date_from_url("http://x/t20270101_1.shtml", now=NOW) is None


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("信息来源:荆州市政协 | 发布时间:2023-05-22 11:15", "2023-05-22T11:15:00+08:00"),
        ("作者:刘丽 来源: 发表于:2023年03月29日 文章点击数:1702", "2023-03-29"),
        ("(2014年1月16日在政协湖北省第十一届委员会第二次会议上)", "2014-01-16"),
        ("2023年是全面贯彻落实党的二十大精神的开局之年", None),
        ("今年以来，全市政协系统认真履职。", None),
        ("(2024年12月)", None),  # month only is not a date line
    ],
)
def test_find_date_in_text(line: str, iso: str | None) -> None:
    parsed = find_date_in_text(line, now=NOW)
    assert (parsed.iso() if parsed else None) == iso


def test_find_date_in_text_raw_is_the_date_as_written() -> None:
    parsed = find_date_in_text("市政协主席蒋鸿在全市政协工作会议上的讲话2022年06月23日", now=NOW)
    assert parsed is not None and parsed.raw == "2022年06月23日" and parsed.iso() == "2022-06-23"
    again = parse_published(parsed.raw, now=NOW)
    assert again is not None and again.iso() == "2022-06-23"


@pytest.mark.parametrize(
    ("raw", "iso"),
    [("二〇二三年九月", "2023-09"), ("二〇二三年九月十五日", "2023-09-15"), ("二○二四年十二月二十日", "2024-12-20"),
     ("二零二二年一月", "2022-01"), ("二〇二三年二月三十日", None), ("一九〇〇年一月", None), ("九月", None)],
)
def test_parse_chinese_numeral_date(raw: str, iso: str | None) -> None:
    parsed = parse_chinese_numeral_date(raw)
    assert (parsed.iso() if parsed else None) == iso


def test_no_clock_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoClock(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[override]
            raise AssertionError("clock read")

    monkeypatch.setattr(dates, "datetime", NoClock)
    assert parse_published("昨天", now=NOW) is not None


@pytest.mark.parametrize(
    "raw",
    ["Thu, 10 Apr 2025 00:06:09 +0000", "Sun, 31 Dec 2023 18:30:00 +0000", "Mon, 1 Jan 2024 23:59:59 -0500",
     "Fri, 05 Jul 2024 12:00:00 +0800", "Tue, 05 Dec 2026 03:00:00 +0000",  # in the future: none
     "Sat, 31 Feb 2024 10:00:00 +0800"],  # no such day: none
)
def test_rfc2822_dates_skip_dateparser_with_its_answer(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # RSS and API listings date every entry this way: the fast path must say what dateparser says.
    expected = dates._dateparser.__wrapped__(raw, NOW, dates.SHANGHAI)
    assert (expected is None) == ("2026" in raw or "31 Feb" in raw)
    import dateparser

    real = dateparser.parse

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    calls: list[str] = []
    monkeypatch.setattr(dateparser, "parse", counted)
    assert parse_published(raw, now=NOW) == expected
    assert calls == ([] if "31 Feb" not in raw else [raw])  # an impossible date is dateparser's call
