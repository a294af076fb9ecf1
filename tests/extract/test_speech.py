"""extract_speech on the forms of docs/REPLICA-SPEC.md "Speeches", the seed page, and news reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from archiver.extract.boilerplate import strip_boilerplate
from archiver.extract.speech import SpeechMeta, extract_speech, looks_like_name
from archiver.extract.text import normalize_text

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "jingzhou-ldjh-2023-05-22.txt"
SEED_TITLE = "市政协主席蒋鸿在全市县市区政协主席座谈会上的讲话"
BODY = ["各位委员，同志们：", "过去一年，在市委的坚强领导下，市政协常委会团结依靠全体委员，认真履行职能。"]

CASES = [
    pytest.param(
        SEED_TITLE, BODY, date(2023, 5, 22),
        SpeechMeta("蒋鸿", "市政协主席", "全市县市区政协主席座谈会", None), id="title-form"),
    pytest.param(
        "省政协党组书记、主席孙伟在省政协十二届一次会议闭幕会上的讲话", BODY, date(2023, 1, 18),
        SpeechMeta("孙伟", "省政协党组书记、主席", "省政协十二届一次会议闭幕会", None), id="title-form-double-post"),
    pytest.param(
        "新年贺词", ["（2025年12月31日）", "民进中央主席 蔡达峰", *BODY], date(2026, 1, 1),
        SpeechMeta("蔡达峰", "民进中央主席", None, "2025-12-31"), id="date-then-post-name"),
    pytest.param(
        "政协湖北省第十一届委员会常务委员会工作报告",
        ["(2014年1月16日在政协湖北省第十一届委员会第二次会议上)", "杨松", *BODY], date(2014, 1, 27),
        SpeechMeta("杨松", None, "政协湖北省第十一届委员会第二次会议", "2014-01-16"), id="date-occasion-then-name"),
    pytest.param(
        "政协岳阳市第九届委员会常务委员会工作报告",
        ["——2024年12月22日在政协岳阳市第九届委员会第四次会议上的报告", "黎作凤", *BODY], date(2024, 12, 25),
        SpeechMeta("黎作凤", None, "政协岳阳市第九届委员会第四次会议", "2024-12-22"), id="dash-date-report"),
    pytest.param(
        "政协常宁市第十一届委员会常务委员会工作报告",
        ["—在3月2日政协常宁市第十一届委员会第五次会议上", "段  鸣", *BODY], date(2025, 3, 5),
        SpeechMeta("段鸣", None, "政协常宁市第十一届委员会第五次会议", "2025-03-02"), id="no-year-from-posted"),
    pytest.param(
        "政协常宁市第十一届委员会常务委员会工作报告",
        ["—在12月28日政协常宁市第十一届委员会第五次会议上", "段　鸣", *BODY], date(2025, 1, 3),
        SpeechMeta("段鸣", None, "政协常宁市第十一届委员会第五次会议", "2024-12-28"), id="no-year-previous-year"),
    pytest.param(
        "在政协第十三届委员会第二次会议闭幕会上的讲话",
        ["孙伟(2023年1月16日)各位委员,同志们:", "会议即将闭幕。"], date(2023, 1, 18),
        SpeechMeta("孙伟", None, "政协第十三届委员会第二次会议闭幕会", "2023-01-16"), id="name-date-salutation"),
    pytest.param(
        "凝心聚力 共谋发展 奋力谱写政协事业新篇章", ["□粟增林", *BODY, "二〇二三年九月"], date(2023, 9, 20),
        SpeechMeta("粟增林", None, None, "2023-09"), id="byline-and-chinese-numeral-month"),
    pytest.param(
        "在全市政协工作会议上的讲话", [*BODY, "二〇二三年九月十五日"], date(2023, 9, 20),
        SpeechMeta(None, None, "全市政协工作会议", "2023-09-15"), id="occasion-only-chinese-day"),
    pytest.param(
        "在全市政协工作会议上的讲话", [*BODY, "(2024年12月)"], date(2025, 1, 2),
        SpeechMeta(None, None, "全市政协工作会议", "2024-12"), id="month-only"),
    pytest.param(
        "政协工作报告", ["蒋鸿", *BODY], date(2024, 1, 10),
        SpeechMeta("蒋鸿", None, None, None), id="report-with-name-line"),
    pytest.param(
        "奋力书写加强和改进政协工作的荆州答卷",
        ["——市政协主席蒋鸿在全市县市区政协主席座谈会上的讲话", *BODY], date(2023, 5, 22),
        SpeechMeta("蒋鸿", "市政协主席", "全市县市区政协主席座谈会", None), id="subtitle-title-form"),
    pytest.param(
        "阿不都热依木·卡德尔在自治区政协十二届三次会议上的讲话", BODY, date(2024, 1, 20),
        SpeechMeta("阿不都热依木·卡德尔", None, "自治区政协十二届三次会议", None), id="minority-name"),
    pytest.param(
        "全国政协主席王沪宁在全国政协十四届二次会议上的常委会工作报告", BODY, date(2024, 3, 10),
        SpeechMeta("王沪宁", "全国政协主席", "全国政协十四届二次会议", None), id="kind-prefix"),
    pytest.param(
        "市政协主席蒋鸿同志在全市政协工作会议上的重要讲话（摘要）", BODY, date(2024, 3, 10),
        SpeechMeta("蒋鸿", "市政协主席", "全市政协工作会议", None), id="honorific-and-abstract"),
    pytest.param(
        "蒋鸿在全市十四五规划的专题协商会上的讲话", BODY, date(2024, 3, 10),
        SpeechMeta("蒋鸿", None, "全市十四五规划的专题协商会", None), id="occasion-containing-de"),
    pytest.param(
        "中共荆州市委书记吴锦在市政协六届二次会议开幕会上的讲话", BODY, date(2023, 1, 10),
        SpeechMeta("吴锦", "中共荆州市委书记", "市政协六届二次会议开幕会", None), id="party-secretary"),
    pytest.param(
        "在市政协六届二次会议闭幕会上的讲话", ["市政协主席 蒋鸿", "（2023年1月10日）", *BODY], date(2023, 1, 12),
        SpeechMeta("蒋鸿", "市政协主席", "市政协六届二次会议闭幕会", "2023-01-10"), id="name-before-date"),
    pytest.param(
        "蒋鸿、王伟在全市政协工作会议上的讲话", BODY, date(2023, 1, 12),
        SpeechMeta(None, None, None, None), id="two-speakers"),
    pytest.param(
        "市政协党组副书记、副主席萧静德在市政协理论学习中心组（扩大）学习会上的讲话", BODY, date(2025, 5, 30),
        SpeechMeta("萧静德", "市政协党组副书记、副主席", "市政协理论学习中心组（扩大）学习会", None),
        id="vice-chair-bracketed-occasion"),
    pytest.param(
        "在政协金华市第六届委员会第二次会议闭幕会上的讲话",
        ["(2014年1月16日在政协金华市第六届委员会第二次会议上)", "杨明远", "今天召开政协金华市第六届委员会第二次会议，主要任务是总结工作。"],
        date(2014, 1, 27),
        SpeechMeta("杨明远", None, "政协金华市第六届委员会第二次会议", "2014-01-16"), id="subtitle-occasion-wins"),
    pytest.param(
        "县政协主席韦永平在十届二次会议闭幕会上的讲话",
        ["今天召开县政协十届二次会议闭幕会，主要任务是总结工作、分析形势、部署任务。", *BODY], date(2018, 2, 7),
        SpeechMeta("韦永平", "县政协主席", "县政协十届二次会议闭幕会", None), id="opening-completes-title-occasion"),
    pytest.param(
        "市政协主席梁振华：以高质量履职服务先行示范区建设",
        ["今天召开市政协理论学习中心组（扩大）学习会，主要任务是总结工作、分析形势、部署任务。", *BODY],
        date(2025, 3, 27),
        SpeechMeta("梁振华", "市政协主席", "市政协理论学习中心组（扩大）学习会", None), id="post-name-colon-title"),
    pytest.param(
        "市政协主席蒋鸿在全市县市区政协主席座谈会上的讲话",
        ["今天召开全市政协系统视频会议，主要任务是部署工作。", *BODY], date(2023, 5, 22),
        SpeechMeta("蒋鸿", "市政协主席", "全市县市区政协主席座谈会", None), id="opening-naming-another-meeting-ignored"),
    # News reports: several people, no single speaker -> never guess.
    pytest.param(
        "政协第九届委员会第三次会议胜利闭幕",
        ["会议应到委员250名，实到232名。", "黄恩讲话。王明主持会议。", "李强、张伟出席。"], date(2024, 1, 10),
        SpeechMeta(), id="news-closing"),
    pytest.param(
        "市政协召开党组理论学习中心组学习会",
        ["5月20日，市政协召开党组理论学习中心组学习会。", "蒋鸿主持会议并讲话。", "王伟"], date(2023, 5, 22),
        SpeechMeta(), id="news-meeting-with-name-line"),
    pytest.param(
        "政协第九届委员会第三次会议隆重开幕", ["□本报记者 张三", "会议由黄恩主持。", "2024年1月8日"], date(2024, 1, 10),
        SpeechMeta(), id="news-with-reporter-byline"),
    pytest.param(
        "市政协开展“一线协商·共同缔造”专题调研", ["（2023年5月4日）", "高举旗帜", "调研组一行来到……"], date(2023, 5, 5),
        SpeechMeta(), id="news-with-date-line"),
]


@pytest.mark.parametrize(("title", "paragraphs", "posted_on", "expected"), CASES)
def test_extract_speech(title: str, paragraphs: list[str], posted_on: date, expected: SpeechMeta) -> None:
    assert extract_speech(title, paragraphs, posted_on=posted_on) == expected


def test_seed_page_end_to_end() -> None:
    paragraphs = normalize_text(SEED.read_text(encoding="utf-8")).split("\n")
    kept, _ = strip_boilerplate(paragraphs)
    meta = extract_speech(kept[0], kept[1:], posted_on=date(2023, 5, 22))
    assert meta == SpeechMeta("蒋鸿", "市政协主席", "全市县市区政协主席座谈会", None)


def test_no_posted_on_means_no_yearless_date() -> None:
    meta = extract_speech("政协常宁市常务委员会工作报告", ["—在3月2日政协常宁市第十一届委员会第五次会议上", "段  鸣"],
                          posted_on=None)
    assert meta.speaker == "段鸣" and meta.delivered_on is None


@pytest.mark.parametrize(
    ("name", "ok"),
    [("蒋鸿", True), ("段  鸣", True), ("欧阳明高", True), ("阿不都热依木·卡德尔", True),
     ("各位委员", False), ("同志们", False), ("谢谢大家", False), ("万众一心", False), ("政协", False)],
)
def test_looks_like_name(name: str, ok: bool) -> None:
    assert looks_like_name(name) is ok


def test_four_character_names_need_context() -> None:
    assert not looks_like_name("范徐丽泰")
    assert looks_like_name("范徐丽泰", strict=False)
    meta = extract_speech("范徐丽泰在香港各界庆祝大会上的致辞", BODY, posted_on=date(2010, 1, 1))
    assert meta.speaker == "范徐丽泰"


@pytest.mark.parametrize(
    "title, lines, speaker",
    [
        ("市政协主席傅明在全市政协工作会议上的讲话", ["同志们："], "傅明"),
        ("市政协主席萧红梅在全市政协工作会议上的讲话", ["同志们："], "萧红梅"),
        ("政协工作报告", ["——2024年12月22日在政协岳阳市第九届委员会第四次会议上的报告", "劉德華", "各位委員："], "劉德華"),
    ],
)
def test_less_common_and_traditional_surnames_are_recognised(title, lines, speaker):
    assert extract_speech(title, lines, posted_on=date(2024, 12, 25)).speaker == speaker
