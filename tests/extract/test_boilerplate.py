"""strip_boilerplate / info rows: every chrome line of docs/REPLICA-SPEC.md and the seed goes, speech stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.extract.boilerplate import (
    InfoRow, Removal, info_from_removals, is_info_row, parse_info_row, strip_boilerplate, strip_trailing_editor,
)
from archiver.extract.text import normalize_text

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "jingzhou-ldjh-2023-05-22.txt"

CHROME = [
    ("您现在的位置:首页>领导讲话", "breadcrumb"),
    ("当前位置:首页>>区县政协>>正文", "breadcrumb"),
    ("你当前的位置: 首页> 政协动态 > 正文", "breadcrumb"),
    ("当前位置：首页 > 领导讲话 > 正文", "breadcrumb"),
    ("信息来源:荆州市政协 | 发布时间:2023-05-22 11:15", "info_row"),
    ("【发布日期:2022-09-23】 【来源:本站】 【阅读:次】", "info_row"),
    ("2021-12-29 16:00:51 编辑: 杨玉娟 审核人:叶玲玲 阅读次数:2287", "info_row"),
    ("发布日期：2023-05-04 10:12　信息来源：市政协办公室　浏览次数：", "info_row"),
    ("作者:刘丽 来源: 发表于:2023年03月29日 文章点击数:1702", "info_row"),
    ("2023年09月06日 09:47 来源:重庆政协报", "info_row"),
    ("来源:光明新闻发布时间:2025-03-27", "info_row"),
    ("发布时间 : 2016-03-01 16:01", "info_row"),
    ("时间:2018/2/7", "info_row"),
    ("字体大小:【", "font_widget"),
    ("【字体：大 中 小】", "font_widget"),
    ("分享到：", "share"),
    ("扫一扫在手机打开当前页", "qr"),
    ("手机版二维码", "qr"),
    ("【打印本页】", "print_close"),
    ("【关闭窗口】", "print_close"),
    ("打印| 关闭", "print_close"),
    ("打印该页 关闭窗口 返回到页面顶部", "print_close"),
    ("【打印该页】【关闭窗口】【返回顶部】", "print_close"),
    ("【返回顶部】", "return_top"),
    ("上一篇:市政协召开党组会议 下一篇:市政协召开主席会议", "prev_next"),
    ("下一篇：没有了", "prev_next"),
    ("首页 上一页 下一页 尾页 共9页 第1页", "pager"),
    ("[1] [2] [3]", "pager"),
    ("[责任编辑: 冉沙]", "responsible_editor"),
    ("（责任编辑：王晓）", "responsible_editor"),
    ("编辑:张玉兰", "responsible_editor"),
    ("地址:荆州市荆州区荆东路54号 邮政编码:434000", "footer_address"),
    ("版权所有:荆州市政协 技术支持:荆州新闻网", "footer_copyright"),
    ("版权所有:荆州市政协 技术支持:荆州新闻网 鄂ICP备12009254-1号京公网安备42100302000031", "footer_copyright"),
    ("Copyright © 2017 荆州市政协 All Rights Reserved", "footer_copyright"),
    ("鄂ICP备12009254-1号", "icp"),
    ("京公网安备42100302000031", "police_record"),
    ("皖公网安备 34110202000123号", "police_record"),
    ("政府网站标识码：3600000013", "site_code"),
    ("政府网站标识码：3411000001", "site_code"),
    ("技术支持：荆州新闻网", "tech_support"),
    ("网站在线人数：35人", "online_count"),
    ("建议使用1024*768分辨率IE6.0或更高版本浏览器浏览本站", "browser_advice"),
    ("未经允许 不得转载、复制或镜像", "reprint_notice"),
    ("0", "counter"),
    ("【阅读:次】", "counter"),
    ("网站地图 | 联系我们", "footer_links"),
    ("相关文章", "sidebar"),
    ("阅读次数:2287", "counter"),
    ("中国人民政治协商会议重庆市委员会主办", "site_header"),
    ("(上接第1版)", "continuation"),
]


@pytest.mark.parametrize(("line", "rule"), CHROME)
def test_every_chrome_line_removed_with_its_rule(line: str, rule: str) -> None:
    first, last = "今天召开全市县市区政协主席座谈会。", "下面，我讲三个方面的意见。"
    kept, removed = strip_boilerplate([first, line, last])
    assert kept == [first, last]
    assert removed == [Removal(rule, line)]


@pytest.mark.parametrize(("line", "rule"), [c for c in CHROME if c[1] != "responsible_editor"])
def test_chrome_at_the_end_removed(line: str, rule: str) -> None:
    kept, removed = strip_boilerplate(["今天召开全市县市区政协主席座谈会。", line])
    assert kept == ["今天召开全市县市区政协主席座谈会。"]
    assert removed == [Removal(rule, line)]


@pytest.mark.parametrize(
    ("paras", "editor"),
    [
        (["谢谢大家!", "编辑:张玉兰", "打印| 关闭", "0", "鄂ICP备12009254-1号"], "张玉兰"),
        (["谢谢大家!", "[责任编辑: 冉沙]", "【打印本页】"], "冉沙"),
        (["谢谢大家!（责任编辑：王晓）", "版权所有:荆州市政协"], "王晓"),
        (["谢谢大家!编辑:张玉兰", "版权所有:荆州市政协"], "张玉兰"),
    ],
)
def test_trailing_editor_survives_for_strip_trailing_editor(paras: list[str], editor: str) -> None:
    # The credit is a field (spec: `[责任编辑: 冉沙]` (a field)): strip_boilerplate leaves it last,
    # strip_trailing_editor removes it and returns the name; the body ends clean.
    kept, removed = strip_boilerplate(paras)
    assert "responsible_editor" not in [r.rule for r in removed]
    assert strip_trailing_editor(kept) == (["谢谢大家!"], editor)


# Real speech text from the seed (and sentences built to bait the rules): all must stay.
SPEECH = [
    "今天召开全市县市区政协主席座谈会,主要任务是学习领会习近平总书记关于加强和改进人民政协工作的重要思想,推进中央以及省委、市委关于加强和改进新时代市县政协工作意见的贯彻落实。下面,根据会议安排,我讲三个方面的意见。",
    "一、强化人民政协理论武装,不断推进新时代市县政协工作提质增效",
    "二、全面落实市委《实施意见》,奋力书写加强和改进政协工作荆州答卷",
    "三、认真做好全年各项工作,以“政协之能”为“荆州之进”增光添彩",
    "各级党委高度重视市县政协工作。自2021125日中央办公厅出台《关于加强和改进新时代市县政协工作的意见》、2022919日省委办公厅出台《实施意见》以来,市委组织专门力量深入调查研究,在集思广益的基础上,于2023227日出台《实施意见》。",
    "今年是全面贯彻落实党的二十大精神的开局之年,也是十四届全国政协履职的第一年。大家要时刻绷紧履职之弦,认真做好各项工作,以“政协之能”更好推动“荆州之进”",
    "3.把“坚持守正创新”作为“加强”和“改进”的着力点。加强和改进新时代市县政协工作,既要守正,更要创新。",
    "4.以更实作风彰显人民政协奋发有为形象。作风问题本质上是党性问题,抓作风必先强党性。",
    "按照统一安排,地市级及以下将在今年9月启动主题教育活动,在座各位作为政协党组主要负责人,是本单位主题教育活动第一责任人。",
    "要进一步完善提案办公系统、履职管理系统、社情民意信息系统和履职通APP等,为委员履职提供优质高效服务。",
    "“两个薄弱(工作薄弱、力量薄弱)”是当前市县政协面临的主要问题。",
    "奋力书写加强和改进政协工作的荆州答卷",
    "——市政协主席蒋鸿在全市县市区政协主席座谈会上的讲话",
    # baits: 打印, 来源, 地址, dates, 版权, 分享 inside sentences
    "要拓宽社情民意信息来源,来源于群众的意见要及时反映。",
    "来源广泛的委员队伍是政协的优势。",
    "会议时间:2023年5月22日上午，地点在市政协机关，请各位委员准时参加并认真准备发言材料。",
    "同志们，打印出来的文件要妥善保管，关闭会场前请清点材料。",
    "2023年5月22日，全市县市区政协主席座谈会在荆州召开。",
    "要分享履职经验，版权所有者的合法权益也要保护。",
    "地址选在市民服务中心，方便群众参与协商。",
    "(2014年1月16日在政协湖北省第十一届委员会第二次会议上)",
    "民进中央主席 蔡达峰",
    "各位委员,同志们:",
    "谢谢大家!",
    "1.从“四个深刻认识”明确新时代人民政协“是什么”。",
    "我们要关闭落后产能。打印",  # a single widget word after a sentence is not a widget tail
    "要注重打印 关闭",
    "主办单位要高度重视会议组织工作",
    "推广“扫码办事”",
    "4.推行扫码亮证",
    "未经允许不得擅自调整会议议程",
    "建议使用统一的履职平台",
    "位置决定视野",
    "版权所有者的合法权益要依法保护",
]


def test_speech_text_is_never_removed() -> None:
    kept, removed = strip_boilerplate(SPEECH)
    assert removed == []
    assert kept == SPEECH


def test_seed_page() -> None:
    paragraphs = normalize_text(SEED.read_text(encoding="utf-8")).split("\n")
    kept, removed = strip_boilerplate(paragraphs)
    assert [r.rule for r in removed] == [
        "breadcrumb", "info_row", "print_close", "counter", "footer_address", "footer_copyright",
    ]
    assert kept[0] == "市政协主席蒋鸿在全市县市区政协主席座谈会上的讲话"
    assert kept[-1].startswith("4.以更实作风彰显人民政协奋发有为形象。")
    assert len(kept) == len(paragraphs) - 6
    body = "\n".join(kept)
    for gone in ("打印", "关闭", "ICP", "公网安备", "邮政编码", "您现在的位置", "发布时间"):
        assert gone not in body


@pytest.mark.parametrize(
    ("para", "kept", "removal"),
    [
        ("要坚持团结和民主两大主题。【打印本页】【关闭窗口】", "要坚持团结和民主两大主题。",
         Removal("print_close", "【打印本页】【关闭窗口】")),
        ("谢谢大家!（责任编辑：王晓）", "谢谢大家!", Removal("responsible_editor", "（责任编辑：王晓）")),
        ("不断提升机关服务保障水平。打印| 关闭", "不断提升机关服务保障水平。", Removal("print_close", "打印| 关闭")),
        ("会议圆满完成各项议程。编辑:张玉兰", "会议圆满完成各项议程。", Removal("responsible_editor", "编辑:张玉兰")),
        ("（上接第1版）二要着力把握人民政协为人民的重要思想。", "二要着力把握人民政协为人民的重要思想。",
         Removal("continuation", "（上接第1版）")),
    ],
)
def test_glued_fragments(para: str, kept: str, removal: Removal) -> None:
    assert strip_boilerplate([para, "下面，我讲三个方面的意见。"]) == ([kept, "下面，我讲三个方面的意见。"], [removal])


def test_sidebar_list_with_its_dates_goes() -> None:
    paras = ["谢谢大家!", "相关文章", "市政协召开主席会议 2023-05-04", "市政协开展专题调研 2023-04-28"]
    kept, removed = strip_boilerplate(paras)
    assert kept == ["谢谢大家!"]
    assert [r.rule for r in removed] == ["sidebar"] * 3


@pytest.mark.parametrize(
    ("line", "row"),
    [
        ("信息来源:荆州市政协 | 发布时间:2023-05-22 11:15", InfoRow("2023-05-22 11:15", "荆州市政协", None, None)),
        ("发布日期：2023-05-04 10:12　信息来源：市政协办公室　浏览次数：", InfoRow("2023-05-04 10:12", "市政协办公室", None, None)),
        ("作者:刘丽 来源: 发表于:2023年03月29日 文章点击数:1702", InfoRow("2023年03月29日", None, "刘丽", None)),
        ("2023年09月06日 09:47 来源:重庆政协报", InfoRow("2023年09月06日 09:47", "重庆政协报", None, None)),
        ("来源:光明新闻发布时间:2025-03-27", InfoRow("2025-03-27", "光明新闻", None, None)),
        ("2021-12-29 16:00:51 编辑: 杨玉娟 审核人:叶玲玲 阅读次数:", InfoRow("2021-12-29 16:00:51", None, None, "杨玉娟")),
        # `本站`/`admin`/`佚名`: what a CMS prints for "nobody" is no value (issue #16).
        ("【发布日期:2022-09-23】 【来源:本站】 【阅读:次】", InfoRow("2022-09-23", None, None, None, ("本站",))),
        ("时间:2024-03-08 15:30来源:湖北日报作者:admin点击:次", InfoRow("2024-03-08 15:30", "湖北日报", None, None, ("admin",))),
        ("來源：本站　作者：佚名　發布時間：2023-09-20", InfoRow("2023-09-20", None, None, None, ("本站", "佚名"))),
        # A value ends at a date, a widget or an icon (issue #23).
        ("来源：人民日报2024-05-13 08:49 X", InfoRow("2024-05-13 08:49", "人民日报", None, None)),
        ("稿件来源：山西日报 打印 2024年05月13日 10:20", InfoRow("2024年05月13日 10:20", "山西日报", None, None)),
        ("2024-04-22 17:35 来源于：长江网 调整字体 大 中 小", InfoRow("2024-04-22 17:35", "长江网", None, None)),
        ("2024-05-13 08:49:12 来源：新华网 打印 字大 字小", InfoRow("2024-05-13 08:49:12", "新华网", None, None)),
        ("发布时间：2024-05-13 信息来源：市政协办公室 分享到：", InfoRow("2024-05-13", "市政协办公室", None, None)),
        ("出处：中国政协网 作者：王岩 责任编辑：李青 【打印】", InfoRow(None, "中国政协网", "王岩", "李青")),
        ("出处:本站原创   发布时间:2024-01-08 10:20:31   您是第0位浏览者",
         InfoRow("2024-01-08 10:20:31", None, None, None, ("本站原创",))),
        ("2024年03月10日　来源：人民政协报 作者：本报记者 王文 【打印】", InfoRow("2024年03月10日", "人民政协报", "王文", None)),
        ("发布时间 : 2016-03-01 16:01", InfoRow("2016-03-01 16:01", None, None, None)),
        ("时间:2018/2/7", InfoRow("2018/2/7", None, None, None)),
    ],
)
def test_parse_info_row(line: str, row: InfoRow) -> None:
    assert is_info_row(line)
    assert parse_info_row(line) == row


@pytest.mark.parametrize("line", [s for s in SPEECH])
def test_speech_is_not_an_info_row(line: str) -> None:
    assert not is_info_row(line)


@pytest.mark.parametrize(
    ("paras", "kept", "editor"),
    [
        (["会议圆满完成各项议程。", "编辑:张玉兰"], ["会议圆满完成各项议程。"], "张玉兰"),
        (["会议圆满完成各项议程。", "（责任编辑：王晓）"], ["会议圆满完成各项议程。"], "王晓"),
        (["会议圆满完成各项议程。", "[责任编辑: 冉沙]"], ["会议圆满完成各项议程。"], "冉沙"),
        (["会议圆满完成各项议程。（责任编辑：王晓）"], ["会议圆满完成各项议程。"], "王晓"),
        (["编辑:张玉兰", "会议圆满完成各项议程。"], ["编辑:张玉兰", "会议圆满完成各项议程。"], None),
        (["要加强编辑出版工作。"], ["要加强编辑出版工作。"], None),
        ([], [], None),
    ],
)
def test_strip_trailing_editor(paras: list[str], kept: list[str], editor: str | None) -> None:
    assert strip_trailing_editor(paras) == (kept, editor)


def test_info_from_removals() -> None:
    _, removed = strip_boilerplate([
        "您现在的位置:首页>领导讲话", "作者:刘丽 来源: 发表于:2023年03月29日 文章点击数:1702",
        "来源:光明新闻发布时间:2025-03-27", "[责任编辑: 冉沙]", "今天召开全市县市区政协主席座谈会。",
    ])
    assert info_from_removals(removed) == InfoRow("2023年03月29日", "光明新闻", "刘丽", "冉沙")
    assert info_from_removals([]) == InfoRow()
