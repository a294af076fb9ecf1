"""Issue #22: which labels and titles count as speech evidence (tables of real strings)."""

from __future__ import annotations

import pytest

from archiver.discover import rank

SPEECHES = [
    "市政协主席蒋鸿在市政协六届三次会议开幕会上的讲话",
    "在政协第六届委员会第四次会议闭幕会上的讲话",
    "政协重庆市委员会常务委员会工作报告",
    "民进市委会主委韩静远发表新年致辞",
    "在市政协十四届二次会议上的总结讲话",
    "新春致辞",
]
NOT_SPEECHES = [
    "王建国出席全市政协系统工作会议并讲话",  # photo news about a speech
    "王建国同志简历",
    "王建国，男，汉族，1968年生",
    "【图片新闻】王建国视察重点项目建设",
    "市政协六届十一次常委会议召开",
    "李红梅带队调研乡村振兴工作",
]


@pytest.mark.parametrize("title", SPEECHES)
def test_speech_titles(title):
    assert rank.is_speech_title(title)


@pytest.mark.parametrize("title", NOT_SPEECHES)
def test_news_and_bios_are_not_speeches(title):
    assert not rank.is_speech_title(title)


@pytest.mark.parametrize("label,kind", [
    ("领导讲话", "speech"), ("主席讲话", "speech"), ("重要讲话", "speech"), ("讲话", "speech"),
    ("全体会议", "meeting"), ("常委会议", "meeting"), ("主席会议", "meeting"), ("会议专题", "meeting"),
    ("领导活动", "leaders"), ("领导信息", "leaders"), ("领导简介", "leaders"), ("政协动态", ""),
])
def test_labels(label, kind):
    assert rank.label_score(label)[1] == kind


def test_a_column_of_speeches_beats_any_label_and_bios_lose_to_meetings():
    speech_label, _ = rank.label_score("领导讲话")
    leaders_label, _ = rank.label_score("领导活动")
    meeting_label, _ = rank.label_score("全体会议")
    photo_news = rank.title_score(NOT_SPEECHES)[0]
    speeches = rank.title_score(SPEECHES)[0]
    # 领导活动 holding speeches (some sites) outranks a 领导讲话 link to a column of photo news ...
    assert leaders_label + speeches > speech_label + photo_news
    # ... and bios never outrank a meeting column holding one speech in six.
    assert leaders_label + photo_news < meeting_label + rank.title_score(SPEECHES[:1] + NOT_SPEECHES[:5])[0]
    assert rank.title_score([])[0] == 0  # no titles read: no evidence either way
