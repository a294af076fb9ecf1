"""Speech metadata: who spoke, in which post, on what occasion, on which day.

Archivists want these fields (docs/REPLICA-SPEC.md "Speeches: what archivists want pulled out"); the
delivery day is often days before the posting day. The forms handled are exactly the spec's:
a title `市政协主席蒋鸿在全市县市区政协主席座谈会上的讲话` (or the same as a `——` subtitle in the
body, as on the Jingzhou seed page), date/occasion subtitle lines followed or preceded by a name
line, name+date+salutation run together, `□name` bylines and 落款 dates at the end.
Never guess: a news report that merely mentions speeches (`…会议胜利闭幕 … 黄恩讲话`) yields
all-None, and weak evidence (a lone name line, a byline) is ignored under a news-style title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import chinese_numeral_to_int, MIN_YEAR
from .text import normalize_name, normalize_text
from .trace import Trace
from .traditional import as_written, to_simplified

__all__ = ["SpeechMeta", "extract_speech", "looks_like_name"]


@dataclass(frozen=True)
class SpeechMeta:
    speaker: str | None = None
    speaker_title: str | None = None
    occasion: str | None = None
    delivered_on: str | None = None  # "YYYY-MM-DD", "YYYY-MM" (month only) or None


_HAN = r"\u4e00-\u9fff\u3400-\u4dbf"
# Posts end in one of these (`市政协主席`, `省政协党组书记、主席`, `民进中央主席`, `县委书记`).
_POST_SUFFIX = (
    "党组书记|副书记|书记|副主席|主席|秘书长|主任委员|副主任|主任|副部长|部长|省长|市长|县长|区长|州长|"
    "旗长|常委|委员|主委|厅长|局长|院长|会长|理事长|组长|副总理|总理"
)
_POST = rf"[{_HAN}、]{{0,20}}?(?:{_POST_SUFFIX})"
# 2-4 Han characters, padding spaces allowed (`段  鸣`), or a minority name with `·`.
_NAME = rf"[{_HAN}](?:[ \u3000]{{0,3}}[{_HAN}]){{1,3}}|[{_HAN}]{{1,8}}·[{_HAN}]{{1,8}}(?:·[{_HAN}]{{1,8}})?"
_KINDS = (
    "总结讲话|动员讲话|讲话提纲|讲话|工作报告|辅导报告|专题报告|报告|致辞|发言|主持词|开幕词|闭幕词|"
    "讲稿|贺词|献词|党课|演讲"
)
# `…上的重要讲话`, `…上的常务委员会工作报告`: a closed list, so `的` inside an occasion never ends it.
_KIND_PREFIX = "(?:重要|书面|即席|常务委员会|常委会|政协|工作|专题|总结|动员|辅导)*"
# `[post]name[同志]`: who spoke, as a title or an intro names them.
_SPEAKER = rf"(?:(?P<post>{_POST})[ \u3000]*)?(?P<name>{_NAME})(?:同志)?"
# `…会议上`: the occasion, ended by `上`/`时`/`中` or by what follows.
_OCCASION = r"(?P<occ>[^。！？；]{2,60}?)(?:上|时|中)?"
# `在occasion上的讲话`: how both title forms below end.
_AT_OCCASION = rf"在{_OCCASION}的{_KIND_PREFIX}(?:{_KINDS})"

# --- title forms
# `[post]name在occasion上的讲话`, starting at the line start or after punctuation/dashes.
TITLE_FORM_RE = re.compile(rf"(?:^|(?<=[\s—\-－–:：，,。“”\"《》（）()【】])){_SPEAKER}\s*{_AT_OCCASION}")
# An occasion without a speaker in the title: `在全市政协工作会议上的讲话`.
TITLE_OCCASION_RE = re.compile(rf"(?:^|(?<=[\s—\-－–])){_AT_OCCASION}")
# `市政协主席梁振华：以高质量履职服务先行示范区建设` — a post, a name, a colon, the theme. The post is
# required: a bare `王伟：…` headline is as often a quote in a news report.
TITLE_COLON_RE = re.compile(rf"^(?P<post>{_POST})[ \u3000]*(?P<name>{_NAME})\s*[:：]")
# A title naming any kind of speech (only searched for: `总结讲话` holds `讲话`).
SPEECH_TITLE_RE = re.compile(_KINDS)
# News about a meeting: `…会议胜利闭幕`, `市政协召开…`. Only when the title is not speech-like.
NEWS_TITLE_RE = re.compile(r"闭幕|开幕|召开|举行|胜利|隆重|调研|视察|会见|走访|督导|检查|出席|参加|座谈|综述|侧记")

# --- lines of the body
# The speech's own opening names the occasion: `今天召开全市县市区政协主席座谈会,主要任务是…` (seed).
OPENING_RE = re.compile(r"^今天(?:上午|下午|晚上)?[，,]?(?:我们)?(?:在这里)?(?:召开|举行|隆重召开)(?P<occ>[^，,。；;]{4,40}?)[，,。]")
_NUM_DATE = r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
_CN_DATE = r"[〇○零Ｏ一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十廿卅]{1,3}[日号])?"
_DATE = rf"(?:{_NUM_DATE}|{_CN_DATE})"
# Subtitle lines: `（2025年12月31日）`, `(2014年1月16日在政协湖北省…会议上)`,
# `——2024年12月22日在政协岳阳市…会议上的报告`, `—在3月2日政协常宁市…会议上`, `(2024年12月)`.
SUBTITLE_RE = re.compile(
    rf"^[(（【\[]?\s*[—\-－–]*\s*(?P<date>{_DATE})?\s*"
    rf"(?:在\s*(?P<md>\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)?\s*{_OCCASION}(?:的(?:{_KINDS}))?)?\s*[)）】\]]?$"
)
# A name line, optionally after a post: `民进中央主席 蔡达峰`, `杨松`, `段  鸣`, `□粟增林` (byline).
NAME_LINE_RE = re.compile(rf"^(?P<byline>[□■])?\s*(?:(?P<post>{_POST})[ \u3000]+)?(?P<name>{_NAME})$")
# `孙伟(2023年1月16日)各位委员,同志们:` — name, date and salutation run together.
NAME_DATE_SALUTE_RE = re.compile(
    rf"^(?P<name>{_NAME})\s*[(（]\s*(?P<date>{_NUM_DATE})\s*[)）]\s*(?:各位|同志们|尊敬|女士们|朋友们|$)"
)
# `2024年4月18日，市政协主席张国华在…会议上发表讲话。讲话全文见附件。`: the intro of a speech
# whose text is an attachment; only read on bodies this short, never in a long report.
INTRO_RE = re.compile(
    rf"^(?:(?P<date>{_NUM_DATE})[，,\s]*)?{_SPEAKER}"
    rf"\s*在(?P<occ>[^。！？；，,]{{2,60}}?)(?:上|时|中)?(?:发表|作了|作)(?:了)?(?:重要|书面)?(?:讲话|报告|致辞)"
)
_INTRO_MAX_PARAS = 3
_HEAD_WINDOW = 8  # subtitle and name lines sit in the first few paragraphs
_TAIL_WINDOW = 3  # a 落款 sits in the last few

# Common surnames (百家姓 and the most frequent modern ones): a 2-4 character line is a name only
# if it starts with one, which keeps `各位委员`, `同志们` and headings out.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪"
    "梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简"
    "车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区"
    "郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣"
    "信展阴昝智幸奉植衡富尧闭由习逄仉芈萧洪赖阎钮郦糜滑竺訾弓蔚荀羿汲邴牧隗宓蓬郗仰暴钭蓟怀咸籍莘贡扶堵宰"
    "却璩濮寿郏庾暨殳沃夔厍融鞠巢蒯桓傅"
    # Traditional forms: county sites and reprinted speeches keep traditional characters as written.
    "劉陳張黃趙吳許鄭謝韓馮鄧葉蘇呂蔣盧鍾譚陸範賈韋鄒羅楊孫馬錢嚴龔萬鄭蕭閻賴薛湯龍顏聶陳貝潘"
)
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "西门",
    "夏侯", "长孙", "宇文", "轩辕", "端木", "澹台", "万俟", "呼延", "独孤", "南宫", "申屠",
)
# Short lines that look like names but are salutations, headings or closings.
_NOT_NAMES = re.compile(r"同志|委员|代表|朋友|女士|先生|谢谢|大家|主席|书记|政协|会议|讲话|报告|目录|附件|摘要|全文|通知|决议")


def looks_like_name(name: str, *, strict: bool = True) -> bool:
    """2-4 Han characters starting with a common surname, or a minority name with `·`.

    `strict` (for a bare line, where a slogan heading could pose as a name) refuses four
    characters after a one-character surname (`万众一心`, `高举旗帜`); where the context already
    says "this is a person" (`…X在Y上的讲话`, `X(2023年1月16日)各位委员`) they are accepted.
    """
    name = normalize_name(name)
    if "·" in name:
        return 3 <= len(name) <= 20 and not _NOT_NAMES.search(name)
    if not 2 <= len(name) <= 4 or _NOT_NAMES.search(name):
        return False
    if name.startswith(_COMPOUND_SURNAMES):
        return True
    return name[0] in _SURNAMES and (len(name) <= 3 or not strict)


def _num_date(s: str) -> str | None:
    m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?", s)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    m = re.search(rf"({_CN_DATE})", s)
    if not m:
        return None
    cm = re.match(r"(.{4})年(.{1,3})月(?:(.{1,3})[日号])?", m.group(1))
    assert cm
    y, mo = chinese_numeral_to_int(cm.group(1)), chinese_numeral_to_int(cm.group(2))
    d = chinese_numeral_to_int(cm.group(3)) if cm.group(3) else None
    if y is None or mo is None or (cm.group(3) and d is None):
        return None
    return _iso(y, mo, d)


def _iso(y: int, m: int, d: int | None) -> str | None:
    try:
        day = date(y, m, d or 1)
    except ValueError:
        return None
    if y < MIN_YEAR:
        return None
    return day.isoformat() if d else day.isoformat()[:7]


def _month_day(md: str, posted_on: date | None) -> str | None:
    """`3月2日` with no year: the posting year, or the year before if that would be after posting."""
    if posted_on is None:
        return None
    m = re.match(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日", md)
    if not m:
        return None
    mo, d = int(m.group(1)), int(m.group(2))
    for year in (posted_on.year, posted_on.year - 1):
        try:
            day = date(year, mo, d)
        except ValueError:
            continue
        if day <= posted_on:
            return day.isoformat()
    return None


def _clean_occ(occ: str | None) -> str | None:
    if not occ:
        return None
    occ = re.sub(r"(?:上|时|中)$", "", occ.strip(" 　()（）—-"))
    return occ or None


def _from_title_form(m: re.Match[str]) -> tuple[str | None, str | None, str | None]:
    name = normalize_name(m.group("name"))
    if name.endswith("同志") and len(name) > 3:  # `蒋鸿同志在…`: the honorific is not the name
        name = name[:-2]
    if not looks_like_name(name, strict=False):
        return None, None, _clean_occ(m.group("occ"))
    post = m.group("post")
    return name, (normalize_text(post) if post else None), _clean_occ(m.group("occ"))


_FIELDS = ("speaker", "speaker_title", "occasion", "delivered_on")


@dataclass
class _Found:
    speaker: str | None = None
    post: str | None = None
    occasion: str | None = None
    delivered: str | None = None
    # The line being read and the line each field came from (`extract --explain`, issue #16).
    line: str | None = None
    lines: dict[str, str | None] = field(default_factory=dict)

    def take(self, speaker: str | None = None, post: str | None = None,
             occasion: str | None = None, delivered: str | None = None) -> None:
        # First evidence wins for each field (title before body, head before tail).
        before = (self.speaker, self.post, self.occasion, self.delivered)
        self.speaker = self.speaker or speaker
        self.post = self.post or (post if speaker and speaker == self.speaker else None)
        self.occasion = self.occasion or occasion
        self.delivered = self.delivered or delivered
        for name, old, new in zip(_FIELDS, before, (self.speaker, self.post, self.occasion, self.delivered)):
            if new and not old:
                self.lines[name] = self.line


def _subtitle(text: str, posted_on: date | None) -> tuple[str | None, str | None] | None:
    """(occasion, delivered) for a date/occasion subtitle line, else None."""
    if len(text) > 90 or not re.match(r"^[(（【\[—\-－–]|" + _DATE, text):
        return None
    m = SUBTITLE_RE.match(text)
    if not m or not (m.group("date") or m.group("occ")):
        return None
    occ = m.group("occ")
    # An occasion without any date must at least be set off as a subtitle (`——在…上`).
    dashed = text.lstrip("(（【[").startswith(("—", "-", "－", "–", "在"))
    if occ and not m.group("date") and not m.group("md") and not dashed:
        return None
    delivered = _num_date(m.group("date")) if m.group("date") else None
    if not delivered and m.group("md"):
        delivered = _month_day(m.group("md"), posted_on)
    return _clean_occ(occ), delivered


def _name_line(text: str) -> tuple[str, str | None, bool] | None:
    m = NAME_LINE_RE.match(text)
    if not m or not looks_like_name(m.group("name")):
        return None
    post = m.group("post")
    return normalize_name(m.group("name")), (normalize_text(post) if post else None), bool(m.group("byline"))


def extract_speech(
    title: str | None, paragraphs: list[str], *, posted_on: date | None, trace: Trace | None = None
) -> SpeechMeta:
    """Speech fields from a title and the body's paragraphs (boilerplate already stripped).

    Traditional-character pages (`市政協主席劉建國在…會議上的講話`, issue #16) are matched in
    simplified form and the fields given back as the page wrote them (`traditional.py`).
    `trace` (extract --explain) gets each field with the line it was read from.
    """
    title = normalize_text(title or "").replace("\n", " ")
    paras = [p for p in (normalize_text(p).replace("\n", " ") for p in paragraphs) if p]
    window = set(range(_HEAD_WINDOW)) | set(range(len(paras) - _TAIL_WINDOW, len(paras)))
    s_title = to_simplified(title)
    s_paras = [to_simplified(p) if i in window else p for i, p in enumerate(paras)]
    meta, found = _extract_speech(s_title, s_paras, posted_on=posted_on)
    pairs = [(s_title, title), *zip(s_paras, paras)]
    if s_title != title or s_paras != paras:
        meta = SpeechMeta(as_written(meta.speaker, pairs), as_written(meta.speaker_title, pairs),
                          as_written(meta.occasion, pairs), meta.delivered_on)
    if trace is not None:
        written = dict(pairs)  # the line as the page wrote it
        values = (meta.speaker, meta.speaker_title, meta.occasion, meta.delivered_on)
        trace.speech = {
            name: {"value": value, "line": written.get(found.lines.get(name) or "", found.lines.get(name))
                   if value else None}
            for name, value in zip(_FIELDS, values)
        }
    return meta


def _extract_speech(title: str, paras: list[str], *, posted_on: date | None) -> tuple[SpeechMeta, _Found]:
    speech_title = bool(SPEECH_TITLE_RE.search(title))
    news_title = bool(NEWS_TITLE_RE.search(title)) and not speech_title
    found = _Found()

    title_form = False  # an explicit `[post]name在occasion上的讲话` seen (title or `——` subtitle)
    title_occ: str | None = None
    found.line = title
    m = TITLE_FORM_RE.search(title)
    if m:
        title_form = True
        name, post, title_occ = _from_title_form(m)
        found.take(name, post)
    elif (mc := TITLE_COLON_RE.match(title)) and looks_like_name(mc.group("name"), strict=False):
        title_form = True
        found.take(normalize_name(mc.group("name")), normalize_text(mc.group("post")))
    elif (mo := TITLE_OCCASION_RE.search(title)):
        title_occ = _clean_occ(mo.group("occ"))

    head = paras[:_HEAD_WINDOW]
    tail = paras[-_TAIL_WINDOW:] if len(paras) > _HEAD_WINDOW else []
    evidence = False  # a speech-specific line (subtitle / title form) seen in the body head
    for i, text in enumerate(head):
        found.line = text
        if text.startswith(("—", "－", "-", "–")) and (m := TITLE_FORM_RE.search(text)):
            name, post, occ = _from_title_form(m)
            found.take(name, post, occ)
            title_form = title_form or bool(name)
            evidence = evidence or bool(name)
            continue
        sub = _subtitle(text, posted_on)
        if sub:
            occ, delivered = sub
            found.take(occasion=occ, delivered=delivered)
            evidence = True
            # The name line sits right after the subtitle (or right before it).
            for j in (i + 1, i - 1):
                if 0 <= j < len(head) and (nl := _name_line(head[j])):
                    found.line = head[j]
                    found.take(nl[0], nl[1])
            continue
        if (ms := NAME_DATE_SALUTE_RE.match(text)) and looks_like_name(ms.group("name"), strict=False):
            found.take(normalize_name(ms.group("name")), delivered=_num_date(ms.group("date")))
            evidence = True
            continue
        nl = _name_line(text)
        if nl and nl[2] and not news_title:  # `□粟增林` byline
            found.take(nl[0], nl[1])
            evidence = True
        elif nl and speech_title and i <= 3 and found.speaker is None:
            # `政协工作报告` with a bare name line under it.
            found.take(nl[0], nl[1])
            evidence = True

    # 落款 at the end: `二〇二三年九月`, `(2024年12月)`, perhaps under a name line.
    for k, text in enumerate(tail):
        found.line = text
        sub = _subtitle(text, posted_on) or (
            (None, _num_date(text)) if re.fullmatch(rf"[(（]?{_DATE}[)）]?", text) else None
        )
        if sub and sub[1] and (found.speaker or speech_title or evidence):
            found.take(delivered=sub[1])
            if k > 0 and (nl := _name_line(tail[k - 1])) and speech_title:
                found.line = tail[k - 1]
                found.take(nl[0], nl[1])

    # Occasion: a body subtitle (`(2014年1月16日在政协金华市第六届委员会第二次会议上)`) states it
    # most exactly; else the title's, completed by the opening sentence when that names the same
    # meeting more fully (title `…在十届二次会议闭幕会上…`, opening `今天召开县政协十届二次会议闭幕会，`).
    opening = next((mo.group("occ") for p in head if (mo := OPENING_RE.match(p))), None)
    if not found.occasion:
        if title_occ and opening and opening.endswith(title_occ):
            found.occasion = opening
        else:
            found.occasion = title_occ or (opening if found.speaker else None)
        opening_line = next((p for p in head if OPENING_RE.match(p)), None)
        found.lines["occasion"] = title if found.occasion == title_occ else opening_line

    if not found.speaker and (speech_title or title_occ) and 0 < len(paras) <= _INTRO_MAX_PARAS:
        # A speech published as an attachment: its one-paragraph intro names who spoke (issue #16).
        if (mi := INTRO_RE.search(paras[0])) and looks_like_name(mi.group("name"), strict=False):
            post = mi.group("post")
            found.line = paras[0]
            found.take(normalize_name(mi.group("name")), normalize_text(post) if post else None,
                       None if title_occ else _clean_occ(mi.group("occ")),
                       _num_date(mi.group("date")) if mi.group("date") else None)

    if news_title and not title_form:
        # A report about a meeting (`…会议胜利闭幕`, `市政协召开…`): dates and names in it belong
        # to the event, not to a speech; only an explicit `X在Y上的讲话` line counts.
        return SpeechMeta(), found
    if not (found.speaker or speech_title):
        return SpeechMeta(), found  # a date line alone does not make a page a speech
    return SpeechMeta(found.speaker, found.post if found.speaker else None, found.occasion, found.delivered), found
