"""Score candidate columns by their evidence (issue #22): pure functions, tables of real labels.

Two kinds of evidence: the link's label (领导讲话 names a speech column; 全体会议 / 常委会议 /
主席会议 / 会议专题 name the meeting columns where sites without one keep their speeches) and a
sample of the column's own titles. Titles decide: `…在…上的讲话`, `工作报告`, `致辞` are speeches;
`…出席…并讲话` is photo news about a speech, and bios (`…同志简历`, `男，汉族`) are not speeches.
A column named 领导信息 / 领导简介 / 领导活动 therefore ranks first only if its titles are speeches
(some sites do keep speeches under 领导活动).
"""

from __future__ import annotations

import re

# The names a speech column goes by (a column with one of these names whose titles are not
# speeches is the site's speech column read wrong, or a misnamed one: never silently replaced).
SPEECH_NAME = re.compile(r"^(领导讲话|主席讲话|重要讲话|讲话)$")
# (label pattern, score, kind): the first match wins.
LABELS: tuple[tuple[re.Pattern[str], int, str], ...] = (
    (SPEECH_NAME, 10, "speech"),
    (re.compile(r"讲话|致辞|报告"), 8, "speech"),
    (re.compile(r"全体会议|全会"), 5, "meeting"),
    (re.compile(r"常委会议|常委会"), 5, "meeting"),
    (re.compile(r"主席会议"), 4, "meeting"),
    (re.compile(r"会议专题|专题会议|会议"), 3, "meeting"),
    (re.compile(r"领导活动|领导之窗"), 1, "leaders"),
    (re.compile(r"领导信息|领导简介|领导班子|现任领导|机构领导"), 0, "leaders"),
)

# Column path segments are often the pinyin initials of the column's name (/ldjh/ 领导讲话 on
# www.hbjzszx.gov.cn and www.cppcc.gov.cn): read as that name when nothing else labels a column
# (a sitemap entry has no link text).
SEGMENTS = {
    "ldjh": "领导讲话", "zxjh": "主席讲话", "zyjh": "重要讲话", "jh": "讲话",
    "qthy": "全体会议", "cwhy": "常委会议", "zxhy": "主席会议", "hyzt": "会议专题",
    "ldhd": "领导活动", "ldxx": "领导信息", "ldjj": "领导简介", "ldzc": "领导之窗",
}

SPEECH_TITLE = re.compile(
    r"在.{1,60}上的(讲话|致辞|报告|总结讲话|主持词|发言)"
    r"|工作报告|常务委员会工作报告|提案工作情况的报告|(开幕|闭幕|新年|新春)(致辞|词|讲话)"
    r"|^.{0,20}(讲话|致辞)(（|\(|全文|摘要|$)"
)
NOT_SPEECH_TITLE = re.compile(r"并讲话|并致辞|简历|简介|男，|女，|汉族|同志简历|照片|图片|组图|调研|视察|走访|看望|会见")
TITLE_WEIGHT = 20  # a column whose every sampled title is a speech beats any label alone
TITLED_SCORE = 2  # an unnamed column (a sitemap entry) whose listed titles are speeches


def label_score(label: str) -> tuple[int, str]:
    """(score, kind) for a link label; (0, '') when it says nothing about speeches."""
    for pattern, score, kind in LABELS:
        if pattern.search(label):
            return score, kind
    return 0, ""


def link_score(label: str, titles: list[str]) -> tuple[int, str]:
    """label_score, or for an unnamed column whose listed titles (a sitemap's) are speeches, a
    speech column's lowest score: sampling its own page then decides."""
    score, kind = label_score(label)
    if not kind and title_score(titles)[1]:
        return TITLED_SCORE, "speech"
    return score, kind


def is_speech_title(title: str) -> bool:
    title = title.strip()
    return bool(SPEECH_TITLE.search(title)) and not NOT_SPEECH_TITLE.search(title)


def title_score(titles: list[str]) -> tuple[float, list[str]]:
    """(score, speech-like titles): the share of speech-like titles, weighted. No titles (a
    column whose list only a script or an API shows, issue #14) is no evidence either way: the
    label decides, and the report says the listing does not walk."""
    speeches = [t for t in titles if is_speech_title(t)]
    if not titles:
        return 0.0, []
    return TITLE_WEIGHT * len(speeches) / len(titles), speeches


def position_score(positions: set[str]) -> int:
    """A column in the menu or the 栏目 tree is the site's own; footer links rarely are."""
    return 1 if positions & {"menu", "tree"} else 0
