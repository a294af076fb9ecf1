"""Named body-chrome rules for real pages (issues #16, #23): tables of lines seen on real sites,
and sentences that merely mention the same words, which must stay."""

from __future__ import annotations

import pytest

from archiver.extract.boilerplate import strip_boilerplate
from archiver.extract.fields import clean_field_value
from archiver.extract.speech import extract_speech
from archiver.extract.traditional import as_written, to_simplified

BODY = "会议指出，要聚焦长江生态环境保护修复中的突出问题，精准开展监督，推动问题整改落实。"


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("------分隔线----------------------------", "separator"),
        ("--------------------", "separator"),
        ("＝＝＝＝＝＝", "separator"),
        ("扫二维码分享到手机", "qr_share"),
        ("微信扫一扫分享", "qr"),  # the older rule names it first
        ("扫码阅读", "qr"),
        ("返回新华网首页 返回时政频道", "back_to_home"),
        ("【返回人民网首页】", "back_to_home"),
        ("返回栏目", "back_to_home"),
        ("字号减小 字号增大", "font_widget"),
        ("字体：", "font_widget"),
        ("调整字体 大 中 小", "font_widget"),
        ("收藏 挑错 推荐 打印", "action_bar"),
        ("共2页: 1 2 下一页", "pager"),
        ("共3页： 上一页 1 2 3 下一页", "pager"),
    ],
)
def test_widget_lines_are_removed_by_name(line: str, rule: str) -> None:
    kept, removed = strip_boilerplate([BODY, line])
    assert kept == [BODY]
    assert [(r.rule, r.text) for r in removed] == [(rule, line)]


@pytest.mark.parametrize(
    "line",
    [
        "委员们建议在景区入口设置二维码，方便游客扫码分享游览体验，提升服务水平。",
        "会议要求，各级政协要返回基层一线，把调研成果转化为履职实效。",
        "要坚持把推荐优秀年轻干部作为一项重要工作，认真做好挑选、培养工作。",
        "分隔线两侧的功能区划分要科学合理。",
        "扫码支付已经覆盖全县所有农贸市场，群众办事更加便利。",
    ],
)
def test_sentences_with_widget_words_stay(line: str) -> None:
    kept, removed = strip_boilerplate([BODY, line])
    assert kept == [BODY, line] and removed == []


@pytest.mark.parametrize(
    ("paras", "kept"),
    [
        (["摘要：3月7日至8日，县政协组织部分委员深入园区企业开展调研。",
          "3月7日至8日，县政协组织部分委员深入园区企业开展调研。调研组走访了6家企业。"],
         ["3月7日至8日，县政协组织部分委员深入园区企业开展调研。调研组走访了6家企业。"]),
        (["核心提示：县政协组织部分委员深入园区企业……", "县政协组织部分委员深入园区企业，开展专题调研。"],
         ["县政协组织部分委员深入园区企业，开展专题调研。"]),
        # Not a repeat: the opening line is kept.
        (["各位委员，同志们：", "各位委员，同志们：这次会议的主要任务是……"],
         ["各位委员，同志们：", "各位委员，同志们：这次会议的主要任务是……"]),
        (["县政协召开主席会议。", "会议听取了有关情况汇报。"], ["县政协召开主席会议。", "会议听取了有关情况汇报。"]),
    ],
)
def test_summary_box_repeating_the_body_is_removed(paras: list[str], kept: list[str]) -> None:
    got, removed = strip_boilerplate(paras)
    assert got == kept
    assert [r.rule for r in removed] == ["summary_box"] * (len(paras) - len(kept))


@pytest.mark.parametrize(
    ("raw", "value", "date", "placeholder"),
    [
        ("人民日报2024-05-13 08:49 X", "人民日报", "2024-05-13 08:49", None),
        ("山西日报 打印", "山西日报", None, None),
        ("长江网 调整字体 大 中 小", "长江网", None, None),
        ("新华网 打印 字大 字小", "新华网", None, None),
        ("市政协办公室 分享到", "市政协办公室", None, None),
        ("县政协办公室 【打印本页】【关闭窗口", "县政协办公室", None, None),
        ("人民网－人民日报", "人民网－人民日报", None, None),
        ("中国政协网", "中国政协网", None, None),
        ("未知", None, None, "未知"),
        ("admin", None, None, "admin"),
        ("佚名", None, None, "佚名"),
        ("本站", None, None, "本站"),
        ("", None, None, None),
    ],
)
def test_field_value_stops_at_dates_widgets_and_placeholders(raw, value, date, placeholder) -> None:
    assert tuple(clean_field_value(raw)) == (value, date, placeholder)


def test_traditional_text_is_matched_simplified_and_reported_as_written() -> None:
    title = "市政協主席劉建國在全市政協工作會議上的講話"
    assert to_simplified(title) == "市政协主席刘建国在全市政协工作会议上的讲话"
    assert to_simplified("ASCII only") == "ASCII only"
    assert as_written("刘建国", [(to_simplified(title), title)]) == "劉建國"
    meta = extract_speech(title, ["（二〇二三年九月十五日）", "劉建國", "各位委員，同志們："], posted_on=None)
    assert (meta.speaker, meta.speaker_title, meta.occasion, meta.delivered_on) == (
        "劉建國", "市政協主席", "全市政協工作會議", "2023-09-15")


def test_attachment_intro_names_the_speaker_only_on_short_bodies() -> None:
    intro = "2024年4月18日，市政协主席张国华在市政协十五届常委会第十次会议上发表讲话。讲话全文见附件。"
    meta = extract_speech("在市政协十五届常委会第十次会议上的讲话", [intro], posted_on=None)
    assert (meta.speaker, meta.speaker_title, meta.delivered_on) == ("张国华", "市政协主席", "2024-04-18")
    # A long report that mentions a speech is not that speech's intro.
    report = [intro] + [f"第{i}项议程顺利完成，与会同志进行了充分讨论。" for i in range(5)]
    assert extract_speech("在市政协十五届常委会第十次会议上的讲话", report, posted_on=None).speaker is None
    # Nor is a news title's first paragraph.
    assert extract_speech("市政协召开十五届常委会第十次会议", [intro], posted_on=None).speaker is None
