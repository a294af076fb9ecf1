"""Publication and delivery dates as CPPCC sites write them; all Beijing time (UTC+8).

Every format listed in docs/REPLICA-SPEC.md "Dates as they appear" is parsed by the compiled regexes
below; `dateparser` is only a last-resort slow path for the odd free-form string (it is ~1000x
slower and imported lazily). Nothing here reads the clock: callers pass `now`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "SHANGHAI", "ParsedDate", "parse_published", "find_date_in_text", "date_from_url",
    "parse_chinese_numeral_date", "chinese_numeral_to_int", "MIN_YEAR",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Government websites start in the 1990s; `1900-01-01` is a CMS placeholder, never a real date.
MIN_YEAR = 1990
# A page may be stamped slightly ahead of our `now` (clock skew, time zones); more is a bogus date.
_FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class ParsedDate:
    value: datetime | date  # aware datetime (Asia/Shanghai) when has_time, else a date
    has_time: bool
    raw: str
    precision: str = "day"  # "month" | "day" | "minute" | "second"

    def iso(self) -> str:
        """`2023-05-22T11:15:00+08:00`, `2023-05-22`, or `2024-12` when only the month is known."""
        if self.precision == "month":
            return f"{self.value.year:04d}-{self.value.month:02d}"
        if self.has_time:
            assert isinstance(self.value, datetime)
            return self.value.replace(microsecond=0).isoformat()
        d = self.value.date() if isinstance(self.value, datetime) else self.value
        return d.isoformat()


# Full-width digits and colons turn up in hand-typed info rows (`２０２３年５月２２日`).
_FULLWIDTH = str.maketrans("０１２３４５６７８９：／－．", "0123456789:/-.")

# `2023-05-22 11:15`, `2014-01-27 19:52:22`, `2018/2/7`, `2023.05.22`, `2023年09月06日 09:47`,
# `2022-04-17T14:46:00`, `2023年5月22日11时15分`. Separators may differ between parts (`2023年5-22`
# never seen, harmless). `(?<!\d)`/`(?!\d)` keep us out of longer digit runs such as ids.
_YMD_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?P<s1>[-/.年])\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)"
    r"\s*日?"
    r"(?:\s*(?:T|\s|&nbsp;)?\s*(?P<H>[01]?\d|2[0-3])\s*[:时点]\s*(?P<M>[0-5]\d)(?!\d)"
    r"(?:\s*[:分]\s*(?P<S>[0-5]\d)(?!\d))?)?"
)
# Month only: `(2024年12月)` (a 落款 or subtitle, spec "month-only").
_YM_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d)")
# Chinese numerals in a 落款: `二〇二三年九月`, `二〇二三年九月十五日`, also `二○二三` / `二零二三`.
_CN_DIGITS = "〇○零Ｏ0一二三四五六七八九"
_CN_DATE_RE = re.compile(
    rf"(?P<y>[{_CN_DIGITS}]{{4}})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,3}})\s*月"
    rf"(?:\s*(?P<d>[一二三四五六七八九十廿卅]{{1,3}})\s*[日号])?"
)
_RELATIVE_RE = re.compile(
    r"^\s*(?:(?P<just>刚刚|刚才)|(?P<n>\d{1,3})\s*(?P<unit>秒|分钟|小时|天|日)\s*前"
    r"|(?P<word>今天|昨天|前天)(?:\s*(?P<H>[01]?\d|2[0-3])\s*:\s*(?P<M>[0-5]\d))?)\s*$"
)
# Listing dates without a year (`05-22`, `[5月22日]`): the latest such day not after `now`.
_MD_ONLY_RE = re.compile(r"^[\[【(（]?\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?\s*[\]】)）]?$")
# A bare year-month (`2023-05`, `2023/5`) as some listings print it: month precision.
_YM_NUMERIC_RE = re.compile(r"^[\[【(（]?\s*(?P<y>(?:19|20)\d{2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[\]】)）]?$")
# A raw string worth handing to dateparser: short and containing a digit or a month word.
_SLOW_PATH_RE = re.compile(r"\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)
_SLOW_PATH_MAX_LEN = 40
# `Thu, 10 Apr 2025 00:06:09 +0000` with a numeric offset (`-0000`, "offset unknown", excluded).
_RFC2822_RE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} (?!-0000)[+-]\d{4}$"
)


def chinese_numeral_to_int(s: str) -> int | None:
    """`十五` -> 15, `二十` -> 20, `九` -> 9, `二〇二三` (digit by digit) -> 2023."""
    digits = {c: i % 10 for i, c in enumerate("〇一二三四五六七八九")}
    digits.update({"○": 0, "零": 0, "Ｏ": 0, "0": 0})
    s = s.strip()
    if not s:
        return None
    if "十" not in s and "廿" not in s and "卅" not in s:
        if all(c in digits for c in s):
            n = 0
            for c in s:
                n = n * 10 + digits[c]
            return n
        return None
    s = s.replace("廿", "二十").replace("卅", "三十")
    tens, _, ones = s.partition("十")
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in digits) or (ones and ones not in digits):
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def _make(y: int, m: int, d: int | None, hh: int | None, mm: int | None, ss: int | None,
          raw: str, now: datetime | None, tz: ZoneInfo) -> ParsedDate | None:
    if y < MIN_YEAR or not 1 <= m <= 12:
        return None
    try:
        day = date(y, m, d or 1)
    except ValueError:  # 2023-02-30
        return None
    if now is not None:
        today = now.astimezone(tz).date() if now.tzinfo else now.date()
        if day > today + _FUTURE_SLACK:
            return None
    if d is None:
        return ParsedDate(day, False, raw, "month")
    if hh is None or mm is None:
        return ParsedDate(day, False, raw, "day")
    dt = datetime(y, m, d, hh, mm, ss or 0, tzinfo=tz)
    if now is not None and now.tzinfo and dt > now + _FUTURE_SLACK:
        return None
    return ParsedDate(dt, True, raw, "second" if ss is not None else "minute")


def _iter_regex_dates(text: str, now: datetime | None, tz: ZoneInfo, *, month_only: bool = True):
    """Valid dates in `text` in order of position; each `raw` is the matched date text."""
    found: list[tuple[int, ParsedDate]] = []
    for m in _YMD_RE.finditer(text):
        g = m.group
        pd = _make(int(g("y")), int(g("m")), int(g("d")),
                   int(g("H")) if g("H") else None, int(g("M")) if g("M") else None,
                   int(g("S")) if g("S") else None, m.group(0).strip(), now, tz)
        if pd:
            found.append((m.start(), pd))
    if month_only:
        for m in _YM_RE.finditer(text):
            pd = _make(int(m.group("y")), int(m.group("m")), None, None, None, None, m.group(0), now, tz)
            if pd:
                found.append((m.start(), pd))
    for m in _CN_DATE_RE.finditer(text):
        pd = _from_cn_match(m, m.group(0), now, tz)
        if pd:
            found.append((m.start(), pd))
    found.sort(key=lambda item: item[0])
    return [pd for _, pd in found]


def _from_cn_match(m: re.Match[str], raw: str, now: datetime | None, tz: ZoneInfo) -> ParsedDate | None:
    y = chinese_numeral_to_int(m.group("y"))
    mo = chinese_numeral_to_int(m.group("m"))
    d = chinese_numeral_to_int(m.group("d")) if m.group("d") else None
    if y is None or mo is None or (m.group("d") and d is None):
        return None
    return _make(y, mo, d, None, None, None, raw, now, tz)


def parse_chinese_numeral_date(s: str, *, now: datetime | None = None,
                               tz: ZoneInfo = SHANGHAI) -> ParsedDate | None:
    """`二〇二三年九月` -> month precision (iso `2023-09`); `二〇二三年九月十五日` -> `2023-09-15`."""
    m = _CN_DATE_RE.search(s.translate(_FULLWIDTH))
    return _from_cn_match(m, s, now, tz) if m else None


def _relative(raw: str, now: datetime, tz: ZoneInfo) -> ParsedDate | None:
    m = _RELATIVE_RE.match(raw)
    if not m:
        return None
    local = now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
    local = local.replace(microsecond=0)
    if m.group("just"):
        return ParsedDate(local, True, raw, "minute")
    if m.group("n"):
        n, unit = int(m.group("n")), m.group("unit")
        if unit in ("天", "日"):  # "3天前" names a day, not an instant
            return ParsedDate(local.date() - timedelta(days=n), False, raw, "day")
        delta = {"秒": timedelta(seconds=n), "分钟": timedelta(minutes=n), "小时": timedelta(hours=n)}[unit]
        return ParsedDate((local - delta).replace(second=0), True, raw, "minute")
    day = local.date() - timedelta(days={"今天": 0, "昨天": 1, "前天": 2}[m.group("word")])
    if m.group("H"):
        dt = datetime(day.year, day.month, day.day, int(m.group("H")), int(m.group("M")), tzinfo=tz)
        return ParsedDate(dt, True, raw, "minute")
    return ParsedDate(day, False, raw, "day")


def _short_forms(text: str, now: datetime, tz: ZoneInfo) -> ParsedDate | None:
    m = _YM_NUMERIC_RE.match(text)
    if m:
        return _make(int(m.group("y")), int(m.group("m")), None, None, None, None, text, now, tz)
    m = _MD_ONLY_RE.match(text)
    if not m:
        return None
    today = now.astimezone(tz).date() if now.tzinfo else now.date()
    for year in (today.year, today.year - 1):
        pd = _make(year, int(m.group("m")), int(m.group("d")), None, None, None, text, None, tz)
        if pd is not None and pd.value <= today:
            return pd
    return None


def _slow_path(raw: str, now: datetime, tz: ZoneInfo) -> ParsedDate | None:
    """dateparser for what the regexes do not know (English month names, odd layouts)."""
    if len(raw) > _SLOW_PATH_MAX_LEN or not _SLOW_PATH_RE.search(raw):
        return None
    if _RFC2822_RE.match(raw):  # RSS and API dates: what dateparser makes of them, 1,000x sooner
        try:
            dt = parsedate_to_datetime(raw).astimezone(tz)
        except (ValueError, TypeError, OverflowError):  # `31 Feb`: dateparser has the last word
            pass
        else:
            return _make(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, raw, now, tz)
    return _dateparser(raw, now, tz)


# An article's date candidates are parsed twice (picked, then the rejected ones listed) with the
# same `now`: dateparser takes ~10 ms a string.
@lru_cache(maxsize=64)
def _dateparser(raw: str, now: datetime, tz: ZoneInfo) -> ParsedDate | None:
    import dateparser  # lazy: importing it costs ~0.5 s and most crawls never need it

    base = now.astimezone(tz).replace(tzinfo=None) if now.tzinfo else now
    settings = {
        "RELATIVE_BASE": base, "TIMEZONE": "Asia/Shanghai", "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"],
    }
    try:
        dt = dateparser.parse(raw, languages=["zh", "en"], settings=settings)
    except Exception:  # dateparser raises on some garbage; a non-date is simply None
        return None
    if dt is None:
        return None
    has_time = bool(re.search(r"\d{1,2}\s*:\s*\d{2}", raw))
    return _make(dt.year, dt.month, dt.day, dt.hour if has_time else None,
                 dt.minute if has_time else None,
                 dt.second if has_time and re.search(r"\d:\d{2}:\d{2}", raw) else None, raw, now, tz)


def parse_published(raw: str | None, *, now: datetime, tz: ZoneInfo = SHANGHAI) -> ParsedDate | None:
    """Parse a publication-date string (an info-row value, a meta `PubDate`, a listing date).

    Labels around the date are fine (`发布时间 : 2016-03-01 16:01`, `来源:光明新闻发布时间:2025-03-27`,
    `【发布日期:2022-09-23】`, `…上的讲话2022年06月23日`): the first valid date wins.
    """
    if not raw:
        return None
    raw = raw.strip()
    text = raw.translate(_FULLWIDTH)
    found = _iter_regex_dates(text, now, tz)
    if found:
        pd = found[0]
        return ParsedDate(pd.value, pd.has_time, raw, pd.precision)
    rel = _relative(text, now, tz)
    if rel:
        return ParsedDate(rel.value, rel.has_time, raw, rel.precision)
    if _YMD_RE.search(text) or _YM_RE.search(text) or _CN_DATE_RE.search(text):
        return None  # a date we understood but rejected (2023-02-30, 1900, future): final
    short = _short_forms(text, now, tz)
    if short:
        return ParsedDate(short.value, short.has_time, raw, short.precision)
    return _slow_path(text, now, tz)


def find_date_in_text(text: str, *, now: datetime, tz: ZoneInfo = SHANGHAI) -> ParsedDate | None:
    """The first full date in one line of text (an info row, a subtitle, a title), regex only.

    `.raw` is the matched date text, e.g. `2022年06月23日` for `…上的讲话2022年06月23日`.

    Month-only and relative words are not taken: in running text `2024年12月` or `昨天` is not a
    publication date.
    """
    if not text:
        return None
    found = _iter_regex_dates(text.translate(_FULLWIDTH), now, tz, month_only=False)
    found = [pd for pd in found if pd.precision != "month"]
    if not found:
        return None
    return found[0]  # raw: the date as written (`2022年06月23日`), not the whole line


# URL date patterns (spec "CMS families" and "Known real sites").
_URL_PATTERNS = (
    re.compile(r"/t(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})_\d+"),          # TRS t20230522_123
    re.compile(r"/(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),        # /content/2023-09/06/
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})-(?P<d>\d{1,2})/"),        # /2023/09-14/
    re.compile(r"/(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})/"),        # /76/2014-01-27/
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),        # /art/2023/5/4/
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})/"),              # /20230522/
    # People's Daily-style and DedeCMS folders `/n1/2024/0513/c1002-…`, `/a/2024/0308/1533.html`.
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>0[1-9]|1[0-2])(?P<d>[0-3]\d)/"),
)
_URL_MONTH_RE = re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])/")   # TRS /202305/


def date_from_url(url: str, *, month_ok: bool = False, now: datetime | None = None) -> date | None:
    """The date a URL path encodes, e.g. `/t20230522_123.shtml`, `/art/2023/5/4/art_…`.

    A month-only folder (`/202305/`) gives no day: it returns None unless `month_ok`, in which
    case the first of the month (use it as a bound, not as a publication day). A day date must
    agree with a month folder in the same URL (`/202305/t20230522_…`), else None.
    """
    path = url.split("?", 1)[0].split("#", 1)[0]
    month = _URL_MONTH_RE.search(path)
    for pattern in _URL_PATTERNS:
        m = pattern.search(path)
        if not m:
            continue
        pd = _make(int(m.group("y")), int(m.group("m")), int(m.group("d")), None, None, None,
                   url, now, SHANGHAI)
        if pd is None:
            continue
        d = pd.value if isinstance(pd.value, date) else pd.value.date()
        if month and (int(month.group("y")), int(month.group("m"))) != (d.year, d.month):
            return None
        return d
    if month and month_ok:
        pd = _make(int(month.group("y")), int(month.group("m")), None, None, None, None, url, now, SHANGHAI)
        return pd.value if pd else None  # type: ignore[return-value]
    return None
