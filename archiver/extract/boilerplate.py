"""Remove page chrome from a body's paragraphs, naming the rule behind every removal.

Every line in docs/REPLICA-SPEC.md "Boilerplate seen on real pages" and the chrome of the Jingzhou
seed page (`打印| 关闭`, `0`, the address and copyright footers) must leave the stored body, and
archivists audit what went (`Removal(rule, text)`). The guard against eating speech text: rules
match whole short paragraphs anchored at their start, never a word inside a sentence, so a
paragraph that merely mentions 打印, 来源 or a date stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .fields import clean_field_value, date_part, strip_author_role
from .widgets import WIDGET_RULES, strip_repeated_summary


__all__ = [
    "Removal", "InfoRow", "strip_boilerplate", "parse_info_row", "is_info_row",
    "strip_trailing_editor", "info_from_removals", "RULES",
]


@dataclass(frozen=True)
class Removal:
    rule: str
    text: str


@dataclass(frozen=True)
class InfoRow:
    published_raw: str | None = None
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    placeholders: tuple[str, ...] = ()  # values refused as placeholders (`admin`, `未知`): audited


# --- info rows ---------------------------------------------------------------------------
# Labels seen in info rows (spec "CMS families" and "Boilerplate"). Longer labels first so that
# `发布时间` wins over `时间` and `信息来源` over `来源`; a label needs its colon, because
# `来源`/`时间` inside a sentence are ordinary words.
_LABELS = {
    "published": "发布时间|发布日期|发表时间|发表日期|发稿时间|更新时间|录入时间|添加时间|上传时间|发表于|发布于|时间|日期"
                 "|發布時間|發布日期|發表時間|發表日期|更新時間|時間",
    # `来源于：`, `稿件来源：` (issue #23) and the traditional forms county sites keep (issue #16).
    "source": "信息来源|文章来源|稿件来源|新闻来源|来源于|来源|出处|信息來源|文章來源|稿件來源|新聞來源|來源於|來源|出處",
    "author": "作者|撰稿人|撰稿|记者|通讯员|記者|通訊員",
    "editor": "责任编辑|编辑|責任編輯|編輯",
    "other": "审核人|审核|审稿|校对|签发|浏览次数|阅读次数|点击次数|文章点击数|点击数|访问量|浏览量|阅读量|浏览|阅读|点击|字体|字号|分享"
             "|瀏覽次數|閱讀次數|點擊數|點擊|瀏覽|閱讀|字體|字號",
}
_LABEL_TO_FIELD = {lab: f for f, labs in _LABELS.items() for lab in labs.split("|")}
INFO_LABEL_RE = re.compile(
    r"(?P<label>" + "|".join(sorted(_LABEL_TO_FIELD, key=len, reverse=True)) + r")\s*[:：]"
)
# Separators and bracket debris around info-row values: `|`, `【…】`, `[…]`, ideographic space.
_VALUE_STRIP = " \t\u3000|｜│/【】[]〔〕()（）:：,，;；"
_MAX_VALUE_LEN = 40  # info-row values are names and dates; a sentence is not a value
_MAX_INFO_ROW_LEN = 160
_LEADING_DATE_RE = re.compile(
    r"^[\s【\[(（]*(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)?[\s】\])）]*$"
)


def _segments(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(text before the first label, [(label, value), …]) or None when there is no label."""
    matches = list(INFO_LABEL_RE.finditer(text))
    if not matches:
        return None
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        out.append((m.group("label"), text[m.end():end].strip(_VALUE_STRIP)))
    return text[: matches[0].start()], out


def parse_info_row(text: str) -> InfoRow:
    """Fields of an info row; values left empty by the site (`来源: 发表于:…`) become None."""
    seg = _segments(text)
    if seg is None:
        lead = text.strip(_VALUE_STRIP)
        return InfoRow(published_raw=lead if _LEADING_DATE_RE.match(text) else None)
    lead, pairs = seg
    fields: dict[str, str | None] = {"published": None, "source": None, "author": None, "editor": None}
    lead = lead.strip(_VALUE_STRIP)
    # `2023年09月06日 09:47 来源:重庆政协报`, `2021-12-29 16:00:51 编辑: …`: an unlabelled date first.
    if lead and _LEADING_DATE_RE.match(lead):
        fields["published"] = lead
    placeholders: list[str] = []
    for label, value in pairs:
        field = _LABEL_TO_FIELD[label]
        if field == "other" or not value or fields.get(field):
            continue
        if field == "published" and not re.search(r"\d", value):
            continue
        if field == "published":
            value = date_part(value)  # `发布时间:2024-01-08 10:20:31 您是第0位浏览者`
        if field != "published":
            # Cut at a date, widget or placeholder: `人民日报2024-05-13 08:49 X` (issue #23).
            value, inner_date, placeholder = clean_field_value(value)
            if placeholder:
                placeholders.append(placeholder)
            fields["published"] = fields["published"] or inner_date
            value = strip_author_role(value) if field == "author" else value
            if not value:
                continue
        fields[field] = value
    return InfoRow(fields["published"], fields["source"], fields["author"], fields["editor"], tuple(placeholders))


def is_info_row(text: str) -> bool:
    """True for a short line made only of labelled fields (and perhaps a leading date)."""
    text = text.strip()
    if not text or len(text) > _MAX_INFO_ROW_LEN or "。" in text:
        return False
    seg = _segments(text)
    if seg is None:
        return False
    lead, pairs = seg
    lead = lead.strip(_VALUE_STRIP)
    if lead and not _LEADING_DATE_RE.match(lead):
        return False
    if any(len(v) > _MAX_VALUE_LEN for _, v in pairs):
        return False
    kinds = {_LABEL_TO_FIELD[label] for label, _ in pairs}
    if lead or len(pairs) >= 2:
        return True
    # A lone label: `来源：荆州日报`, `时间:2018/2/7`, `编辑:张玉兰`; not a lone `阅读:` in prose.
    label, value = pairs[0]
    if kinds == {"published"}:
        return bool(re.search(r"\d", value))
    cleaned = clean_field_value(value)  # `来源：人民日报2024-05-13 08:49 X` (issue #23), `来源：本站`
    value = cleaned[0] or cleaned[2] or ""
    return kinds <= {"source", "author", "editor"} and 0 < len(value) <= 20


# --- whole-line rules ----------------------------------------------------------------------
RESPONSIBLE_EDITOR_RE = re.compile(  # `[责任编辑: 冉沙]`, `（责任编辑：王某）`, `编辑:张玉兰`
    r"^[\[【(（]?\s*(?:责任编辑|编辑|责编)\s*[:：]\s*(?P<name>[^\]】)）:：]{1,20}?)\s*[\]】)）]?$"
)
SIDEBAR_HEAD_RE = re.compile(
    r"^[【\[]?(?:最新文章|相关文章|相关信息|相关阅读|相关新闻|相关链接|热点排行|热门文章|推荐阅读|阅读排行|点击排行|热点文章)[】\]]?\s*[:：]?$"
)
# A newspaper's page note, `（上接第1版）`, `（下转第2版）`: a whole line, or glued to a paragraph.
_PAGE_NOTE = r"[(（]\s*{}第\s*[\d一二三四五六七八九十]+\s*版\s*[)）]"

# (rule, pattern), tried in order on whole short lines: each rule named once, beside its pattern.
RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("breadcrumb", re.compile(
        # `您现在的位置:首页>领导讲话`, `当前位置:首页>>区县政协>>正文`, `你当前的位置: 首页> 政协动态 > 正文`
        r"^[您你]?(?:现在|当前)?(?:所在)?的?(?:所在)?位置\s*[:：]|^首页\s*(?:>|＞|&gt;|»|›|→)"
    )),
    ("prev_next", re.compile(r"^[【\[]?(?:上一篇|下一篇|上一条|下一条|上篇|下篇)\s*[:：】\]]")),
    ("counter", re.compile(  # seed: a bare `0` after `打印| 关闭`; `阅读次数:2287`, `浏览次数：`
        r"^\d{1,7}$|^[【\[]?(?:阅读|浏览|点击|访问)(?:次数|量|数)?\s*[:：]\s*\d*\s*次?[】\]]?$|^(?:文章)?点击数\s*[:：]\s*\d*$"
    )),
    ("pager", re.compile(  # `首页 上一页 下一页 尾页 共9页 第1页`, `[1] [2] [3]`, DedeCMS `共2页: 1 2 下一页`
        r"^(?:(?:首页|上一页|下一页|尾页|末页|共\s*\d+\s*页\s*[:：]?|第\s*\d+\s*页|\[\d+\]|\d+)\s*)+$"
    )),
    # Date-path newspaper CMS header: `中国人民政治协商会议××市委员会主办` (spec family 4).
    ("site_header", re.compile(r"^中国人民政治协商会议\S{1,20}委员会\s*(?:主办|版权所有)$")),
    ("footer_address", re.compile(
        r"^(?:联系)?(?:地址|单位地址|通讯地址|联系电话|电话|传真|邮编|邮政编码|电子邮箱|E-?mail)\s*[:：]", re.I
    )),
    ("footer_copyright", re.compile(
        # A colon (or ©) is required after 主办/承办: `主办单位要高度重视…` is speech.
        r"^版权所有(?!者)|^(?:主办单位|主办|承办单位|承办)\s*[:：]|^(?:Copyright|©|\(C\))|All Rights Reserved",
        re.I,
    )),
    ("icp", re.compile(r"^.{0,12}ICP\s*[备证]\s*[\d\-]+号?(?:-\d+)?\s*$", re.I)),
    ("police_record", re.compile(r"^.{0,6}公网安备\s*\d")),
    ("site_code", re.compile(r"^.{0,4}(?:政府)?网站标识码\s*[:：]?\s*[\dA-Za-z]{10}\s*$")),
    ("tech_support", re.compile(r"^.{0,4}技术支持\s*[:：]")),
    ("browser_advice", re.compile(r"^(?!.*[。，])(?=.{0,6}(?:建议|推荐)(?:您)?(?:使用|采用).{0,50}(?:分辨率|浏览器|浏览本站))")),
    ("online_count", re.compile(r"^.{0,6}(?:网站)?(?:在线人数|当前在线|访问人数|访问量|访客)\s*[:：]|^您是第\s*\d+\s*位")),
    ("reprint_notice", re.compile(
        # Must be about copying: `未经允许不得擅自调整会议议程` is speech.
        r"^(?=.{0,80}$)(?=.*(?:转载|复制|镜像|版权|摘编)).{0,30}(?:未经(?:允许|许可|授权)|不得转载|禁止转载|转载请注明|版权声明|严禁转载)"
    )),
    ("qr", re.compile(  # `扫一扫在手机打开当前页`; a line that merely mentions 二维码 is not one
        r"^[【\[]?(?:扫一扫|手机扫一扫|微信扫一扫|扫码|手机扫码|扫描二维码|手机扫描|微信扫描|用手机扫|手机浏览)[^。，,]{0,24}$"
        r"|^[^。，,]{0,10}二维码[】\]]?$"
    )),
    ("continuation", re.compile(f"^{_PAGE_NOTE.format('[上下][接转]')}$")),
)

# --- tool lines: every token is a widget word (`打印| 关闭`, `【打印该页】【关闭窗口】【返回顶部】`) ----
_TOOL_WORDS = {
    "print_close": "打印 打印本页 打印该页 打印此页 打印文章 打印本文 打印页面 打印正文 关闭 关闭窗口 关闭本页 "
                   "关闭页面 关闭本窗口 关闭此页",
    "font_widget": "字体 字体大小 字号 大 中 小 默认 放大 缩小 A+ A- A 标准 特大 超大 "
                   "字号减小 字号增大 字号放大 字号缩小 字体放大 字体缩小 字大 字小 调整字体",  # issue #23
    "share": "分享到 分享 微信 微博 新浪微博 腾讯微博 QQ空间 QQ好友 朋友圈 人人网 豆瓣 收藏 复制链接 更多",
    "return_top": "返回顶部 回到顶部 返回到页面顶部 返回页首 返回页面顶部 TOP 顶部 返回 返回列表 返回首页 "
                  "加入收藏 收藏本页 我要纠错 纠错",
    # DedeCMS's action bar under the article `收藏 挑错 推荐 打印` (issue #16).
    "action_bar": "挑错 推荐 顶 踩 我要评论 发表评论 告诉好友",
    "footer_links": "网站地图 联系我们 关于我们 网站声明 设为首页 使用帮助 隐私声明 免责声明 站点地图 网站导航",
}
_TOOL_RULE = {w.lower(): rule for rule, words in _TOOL_WORDS.items() for w in words.split()}
_TOOL_SPLIT_RE = re.compile(r"[\s\u3000|｜│/【】\[\]〔〕()（）:：,，、·>]+")
_TOOL_PRIORITY = ("action_bar", "print_close", "share", "font_widget", "return_top", "footer_links")


def _tool_rule(text: str) -> str | None:
    if len(text) > 60:
        return None
    tokens = [t for t in _TOOL_SPLIT_RE.split(text) if t]
    if not tokens or any(t.lower() not in _TOOL_RULE for t in tokens):
        return None
    kinds = {_TOOL_RULE[t.lower()] for t in tokens}
    if kinds == {"font_widget"} and not any("字" in t for t in tokens):
        return None  # a paragraph `大` or `中` alone is not a widget without its 字体 label
    return next(rule for rule in _TOOL_PRIORITY if rule in kinds)


# No chrome line is longer than this (the longest seen: a combined copyright/ICP footer, ~70).
# Speech paragraphs are often 1,000+ characters; skipping them keeps the rules O(n).
_MAX_CHROME_LEN = 200


def _line_rule(text: str) -> str | None:
    if len(text) > _MAX_CHROME_LEN:
        return None
    # An editor credit is a field of its own (`[责任编辑: 冉沙]`), checked before info rows.
    if RESPONSIBLE_EDITOR_RE.match(text):
        return "responsible_editor"
    if is_info_row(text):
        return "info_row"
    tool = _tool_rule(text)
    if tool:
        return tool
    for name, pattern in (*RULES, *WIDGET_RULES):
        if pattern.search(text):
            return name
    return None


# --- fragments glued onto a real paragraph ---------------------------------------------------
# Only where the join is unambiguous: bracketed widget runs and editor credits, or a widget /
# editor tail right after sentence-final punctuation (`…服务保障水平。打印| 关闭`).
_GLUED_EDITOR_RE = re.compile(  # also the credit strip_trailing_editor takes off the body's end
    r"[\[【(（]\s*(?:责任编辑|编辑|责编)\s*[:：]\s*[^\]】)）]{1,20}[\]】)）]\s*$"
    r"|(?<=[。！？!?”])\s*(?:责任编辑|编辑|责编)\s*[:：]\s*[\u4e00-\u9fff·]{2,8}\s*$"
)
_GLUED_CONTINUATION_RE = re.compile(rf"^{_PAGE_NOTE.format('[上下][接转]')}\s*")
# (rule, pattern) searched in a paragraph's tail, in order, like RULES on whole lines.
_GLUED_TAIL_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("print_close", re.compile(
        r"(?:\s*[【\[](?:打印本页|打印该页|打印此页|打印|关闭窗口|关闭本页|关闭|返回顶部|返回到页面顶部|加入收藏|收藏本页)[】\]])+\s*$")),
    ("responsible_editor", _GLUED_EDITOR_RE),
    ("continuation", re.compile(rf"\s*{_PAGE_NOTE.format('下转')}$")),
)
_SENTENCE_END_RE = re.compile(r"[。！？!?”]")
_GLUED_TAIL_CHARS = 80  # glued fragments are short: only the paragraph's tail is searched

_SIDEBAR_ITEM_MAX = 80


def _strip_glued(text: str, removed: list[Removal]) -> str:
    m = _GLUED_CONTINUATION_RE.match(text)
    if m and m.end() < len(text):
        removed.append(Removal("continuation", m.group(0).strip()))
        text = text[m.end():].strip()
    for rule, pattern in _GLUED_TAIL_RULES:
        offset = max(0, len(text) - _GLUED_TAIL_CHARS)
        m = pattern.search(text, offset)
        if m and m.group(0).strip() != text.strip():
            removed.append(Removal(rule, m.group(0).strip()))
            text = text[: m.start()].strip()
    # An unbracketed widget tail after the last sentence end: at least two widget words
    # (`打印| 关闭`), so a sentence ending in a single ordinary word is never cut.
    tail_start = max(0, len(text) - _GLUED_TAIL_CHARS)
    ends = list(_SENTENCE_END_RE.finditer(text, tail_start))
    if ends:
        tail = text[ends[-1].end():].strip()
        tokens = [t for t in _TOOL_SPLIT_RE.split(tail) if t]
        rule = _tool_rule(tail) if len(tokens) >= 2 else None
        if rule:
            removed.append(Removal(rule, tail))
            text = text[: ends[-1].end()]
    return text


def strip_boilerplate(paragraphs: list[str]) -> tuple[list[str], list[Removal]]:
    """(kept paragraphs, removals in page order). Paragraphs should already be normalised.

    One exception keeps a field from being lost: an editor credit that ends the body (only
    chrome after it, e.g. `编辑:张玉兰` then the footer) is left as the last kept paragraph for
    `strip_trailing_editor`, which removes it and returns the editor's name. Call both.
    """
    kept: list[str] = []
    removed: list[Removal] = []
    # (index in removed, len(kept) once the paragraph was handled, glued onto kept[-1]?)
    editor_marks: list[tuple[int, int, bool]] = []
    in_sidebar = False
    paragraphs, summaries = strip_repeated_summary([p.strip() for p in paragraphs if p.strip()])
    removed.extend(Removal("summary_box", text) for text in summaries)
    for para in paragraphs:
        text = para.strip()
        if not text:
            continue
        if SIDEBAR_HEAD_RE.match(text):
            removed.append(Removal("sidebar", text))
            in_sidebar = True
            continue
        rule = _line_rule(text)
        if rule:
            if rule == "responsible_editor":
                editor_marks.append((len(removed), len(kept), False))
            removed.append(Removal(rule, text))
            continue
        # Sidebar lists (最新文章 / 相关文章 …) carry their own dates: short title lines after the
        # heading go with it, until a real paragraph (long, or ending in sentence punctuation).
        if in_sidebar:
            if len(text) <= _SIDEBAR_ITEM_MAX and not text.endswith(("。", "！", "？", "：", ":")):
                removed.append(Removal("sidebar", text))
                continue
            in_sidebar = False
        before = len(removed)
        text = _strip_glued(text, removed)
        if text:
            kept.append(text)
            for i in range(before, len(removed)):
                if removed[i].rule == "responsible_editor":
                    editor_marks.append((i, len(kept), True))
    if editor_marks:
        index, kept_len, glued = editor_marks[-1]
        if kept_len == len(kept):  # nothing but chrome after it: a trailing credit
            credit = removed.pop(index).text
            if glued:
                kept[-1] = kept[-1] + credit
            else:
                kept.append(credit)
    return kept, removed


def strip_trailing_editor(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """Remove an editor credit at the body's end (`编辑:张玉兰`, `（责任编辑：…）`); return its name.

    The date-path newspaper CMS puts `编辑:张玉兰` at the end of the body (spec family 4); it is a
    field, not text. Only the last paragraph, or a bracketed credit glued to its end, is taken.
    """
    if not paragraphs:
        return paragraphs, None
    *head, last = paragraphs
    m = RESPONSIBLE_EDITOR_RE.match(last.strip())
    if m:
        return head, m.group("name").strip()
    m = _GLUED_EDITOR_RE.search(last)
    if m:
        credit = re.search(r"(?:责任编辑|编辑|责编)\s*[:：]\s*(?P<name>[^\]】)）]+)", m.group(0))
        name = credit.group("name").strip() if credit else None
        rest = last[: m.start()].rstrip()
        return ([*head, rest] if rest else head), name
    if is_info_row(last):  # `编辑: 杨玉娟 审核人:叶玲玲`
        editor = parse_info_row(last).editor
        if editor:
            return head, editor
    return paragraphs, None


def info_from_removals(removed: list[Removal]) -> InfoRow:
    """Fields of the info rows `strip_boilerplate` removed from the body (first value wins).

    For families whose info row sits inside the body container: its values are fields, not
    body (spec "Info rows (their values are *fields*, not body)"), so they must not be lost.
    """
    merged: dict[str, str | None] = {"published_raw": None, "source": None, "author": None, "editor": None}
    for removal in removed:
        if removal.rule not in ("info_row", "responsible_editor"):
            continue
        if removal.rule == "responsible_editor":
            m = RESPONSIBLE_EDITOR_RE.match(removal.text)
            row = InfoRow(editor=m.group("name").strip() if m else None)
        else:
            row = parse_info_row(removal.text)
        for key in merged:
            merged[key] = merged[key] or getattr(row, key)
    return InfoRow(**merged)
