"""Info-row values cut to the value alone: no widget text, no date, no placeholder (issues #16, #23).

Real info rows run a source into whatever sits beside it: `来源：山西日报 打印`,
`来源：人民日报2024-05-13 08:49 X` (a close icon), `来源于：长江网 调整字体 大 中 小`,
`来源：新华网 打印 字大 字小`, `信息来源：… 分享到`. A value ends at the first date, widget word
or bracket; what the site writes when it has no value (`未知`, `本站`, `admin`, `佚名`) is no
value at all. Pure functions: the caller records what was cut (rule `placeholder_value`).
"""

from __future__ import annotations

import re

__all__ = ["FieldValue", "clean_field_value", "date_part", "is_placeholder", "strip_author_role", "PLACEHOLDERS"]

# What CMSs print when nobody filled the field (DedeCMS's `admin`, 佚名, 本站…); never a source/author.
PLACEHOLDERS = frozenset(
    "未知 不详 佚名 匿名 本站 本网 admin administrator 管理员 系统管理员 网站管理员 无 暂无 null none "
    "未知来源 来源未知 原创 本站原创".lower().split()
)

# A value stops at any of these: widgets (print, share, font size, close), brackets opening a
# widget run, a separator bar. Longest first so `打印本页` is cut whole.
_WIDGET_WORDS = (
    "打印本页 打印该页 打印此页 打印 关闭窗口 关闭 分享到 分享 调整字体 字体大小 字体 字号 字大 字小 "
    "收藏本页 收藏 纠错 我要纠错 挑错 推荐 评论 浏览次数 阅读次数 点击数 点击 浏览 阅读 【 [ | ｜ │"
).split()
_WIDGET_RE = re.compile(
    "|".join(re.escape(w) for w in sorted(_WIDGET_WORDS, key=len, reverse=True))
    # A lone latin letter or two after a space or a date (`… 08:49 X`, an icon's text or alt).
    + r"|(?<=[\s\d])[A-Za-z]{1,2}$"
)
_DATE_IN_VALUE = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)?"
)
_EDGE = " \t\u3000|｜│/【】[]〔〕()（）:：,，;；·-—"


class FieldValue(tuple):
    """(value or None, a date found inside the raw value or None, the placeholder refused or None)."""

    __slots__ = ()

    def __new__(cls, value: str | None, date_raw: str | None, placeholder: str | None) -> "FieldValue":
        return super().__new__(cls, (value, date_raw, placeholder))


def is_placeholder(value: str | None) -> bool:
    return bool(value) and value.strip(_EDGE).lower() in PLACEHOLDERS  # type: ignore[union-attr]


def clean_field_value(raw: str | None) -> FieldValue:
    """`人民日报2024-05-13 08:49 X` -> ("人民日报", "2024-05-13 08:49", None);
    `山西日报 打印` -> ("山西日报", None, None); `admin` -> (None, None, "admin")."""
    if not raw:
        return FieldValue(None, None, None)
    text = raw.strip(_EDGE)
    date_raw = None
    m = _DATE_IN_VALUE.search(text)
    if m:
        date_raw = m.group(0).strip()
        text = text[: m.start()]
    w = _WIDGET_RE.search(text)
    if w:
        text = text[: w.start()]
    text = text.strip(_EDGE)
    if is_placeholder(text):
        return FieldValue(None, date_raw, text)
    return FieldValue(text or None, date_raw, None)


# `作者：本报记者 王文`: the role in front of a byline is not the author's name (issue #23).
_AUTHOR_ROLE = re.compile(r"^(?:本报|本网|本台|本刊|新华社|中新社)?(?:特约|实习)?(?:记者|通讯员|撰稿人?)\s*(?=\S)")


def strip_author_role(value: str | None) -> str | None:
    return _AUTHOR_ROLE.sub("", value, count=1) if value else value


def date_part(value: str) -> str:
    """`2024-01-08 10:20:31   您是第0位浏览者` -> the date-time alone; other values unchanged."""
    m = _DATE_IN_VALUE.search(value)
    return m.group(0).strip() if m else value
