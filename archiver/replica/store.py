"""One site's articles over time: listing order, lookup by URL id, day-by-day changes.

The day-1 speech column is a merge of the site's special articles (fixed dates) and ``N``
generic articles whose dates are spread evenly from ``ANCHOR`` back to ``SPAN_START``; position
``p`` of that merge is computed arithmetically, so ``--scale 100000`` costs nothing until a page
is asked for. From day 2 on: new articles appear at the top (3 on day 2, 2 more each later day),
the article at day-1 position 1 is edited, the one at day-1 position 3 is taken down (404).
"""

from __future__ import annotations

import bisect
import dataclasses
from datetime import datetime, timedelta
from functools import lru_cache

from archiver.replica import corpus
from archiver.replica.model import Article, Block
from archiver.replica.sites import ANCHOR, DAY1, DEFAULT_SCALE, SPAN_START, SiteSpec
from archiver.replica.specials import secondary, specials

EDIT_POS, REMOVE_POS = 1, 3
EDIT_SENTENCE = "会议要求，各单位要认真抓好会议精神的贯彻落实，确保各项任务落地见效。"


def new_count(day: int) -> int:
    return 0 if day < 2 else 3 + 2 * (day - 2)


def new_day_of(j: int) -> int:
    return 2 if j < 3 else 3 + (j - 3) // 2


class SiteStore:
    def __init__(self, spec: SiteSpec, scale: int = DEFAULT_SCALE) -> None:
        self.spec = spec
        fixed = []
        for a in specials(spec.slug):
            if (spec.id_base - a.num) % spec.id_stride == 0:  # keep clear of generic ids
                a = dataclasses.replace(a, num=a.num + 1)
            fixed.append(a)
        self.specials = sorted(fixed, key=lambda a: a.published, reverse=True)
        self.secondary = list(secondary(spec.slug))
        self.n_generic = max(0, scale - len(self.specials))
        span = (ANCHOR - SPAN_START).total_seconds()
        self.step = span / max(self.n_generic - 1, 1)
        self.special_pos: list[int] = []
        for m, a in enumerate(self.specials):
            lo, hi = 0, self.n_generic  # first k with gdate(k) <= a.published
            while lo < hi:
                mid = (lo + hi) // 2
                if self._gdate(mid) > a.published:
                    lo = mid + 1
                else:
                    hi = mid
            self.special_pos.append(m + lo)
        self.base_len = self.n_generic + len(self.specials)
        self.by_key = {a.key: a for a in self.specials + self.secondary}
        self.by_num_fixed = {a.num: a for a in self.specials + self.secondary}
        self.edit_key = self.base_at(EDIT_POS).key if self.base_len > EDIT_POS else None
        self.removed_key = self.base_at(REMOVE_POS).key if self.base_len > REMOVE_POS else None
        self.removed_pos = REMOVE_POS if self.removed_key else None

    # ----- generic articles -------------------------------------------------------------
    def _gdate(self, k: int) -> datetime:
        t = ANCHOR - timedelta(seconds=k * self.step)
        if self.step >= 86400:
            rng = corpus.rng_for(self.spec.slug, "time", k)
            return t.replace(hour=rng.randint(8, 18), minute=rng.randrange(0, 60), second=0)
        return t.replace(second=0, microsecond=0)

    @lru_cache(maxsize=8192)
    def generic(self, k: int) -> Article:
        return make_generic(self.spec, k, self._gdate(k))

    def base_at(self, p: int) -> Article:
        i = bisect.bisect_left(self.special_pos, p)
        if i < len(self.special_pos) and self.special_pos[i] == p:
            return self.specials[i]
        return self.generic(p - i)

    # ----- day-dependent views ----------------------------------------------------------
    @lru_cache(maxsize=256)
    def new_article(self, j: int) -> Article:
        day = new_day_of(j)
        when = (DAY1 + timedelta(days=day - 1)).replace(hour=8, minute=30) + timedelta(minutes=37 * (j % 5))
        a = make_generic(self.spec, 100000 + j, when)
        return dataclasses.replace(a, key=f"n{j}", num=self.spec.id_base + 5000 + j * self.spec.id_stride)

    def count(self, day: int, column: str = "main") -> int:
        if column != "main":
            return len(self.secondary)
        removed = 1 if (day >= 2 and self.removed_pos is not None) else 0
        return new_count(day) + self.base_len - removed

    def at(self, day: int, p: int, column: str = "main") -> Article:
        if column != "main":
            return self.secondary[p]
        n = new_count(day)
        if p < n:
            return self.new_article(n - 1 - p)  # newest first
        q = p - n
        if day >= 2 and self.removed_pos is not None and q >= self.removed_pos:
            q += 1
        return self.version(self.base_at(q), day)

    def page(self, day: int, index: int, per_page: int, column: str = "main") -> list[Article]:
        start = index * per_page
        end = min(start + per_page, self.count(day, column))
        return [self.at(day, p, column) for p in range(start, end)]

    def pages(self, day: int, per_page: int, column: str = "main") -> int:
        return max(1, -(-self.count(day, column) // per_page))

    def position(self, a: Article, day: int) -> int | None:
        """Where ``a`` sits in the speech column's listing on ``day`` (None: not listed)."""
        if a.column != "main" or self.status(a, day) != "live":
            return None
        n = new_count(day)
        if a.key.startswith("n") and a.key[1:].isdigit():
            return n - 1 - int(a.key[1:])
        if a.key.startswith("g") and a.key[1:].isdigit():
            q = int(a.key[1:])
            for sp in self.special_pos:
                if sp <= q:
                    q += 1
        else:
            idx = next((i for i, x in enumerate(self.specials) if x.key == a.key), None)
            if idx is None:
                return None
            q = self.special_pos[idx]
        if day >= 2 and self.removed_pos is not None and q > self.removed_pos:
            q -= 1
        return n + q

    def neighbours(self, a: Article, day: int) -> tuple[Article | None, Article | None]:
        """(上一篇, 下一篇): the articles listed just above and just below ``a``."""
        p = self.position(a, day)
        if p is None:
            return None, None
        total = self.count(day)
        return (self.at(day, p - 1) if p > 0 else None, self.at(day, p + 1) if p + 1 < total else None)

    def version(self, a: Article, day: int) -> Article:
        if day >= 2 and a.key == self.edit_key:
            return edited(a)
        return a

    def status(self, a: Article, day: int) -> str:
        """``live``, ``removed`` (404 since day 2) or ``future`` (not yet published)."""
        if a.key.startswith("n") and a.key[1:].isdigit():
            return "live" if new_count(day) > int(a.key[1:]) else "future"
        if day >= 2 and a.key == self.removed_key:
            return "removed"
        return "live"

    def by_num(self, num: int, day: int) -> Article | None:
        """The article with URL id ``num`` as it is on ``day`` (None when unknown or future)."""
        a = self.by_num_fixed.get(num)
        if a is None:
            off = self.spec.id_base - num
            if off >= 0 and off % self.spec.id_stride == 0 and off // self.spec.id_stride < self.n_generic:
                a = self.generic(off // self.spec.id_stride)
            elif num > self.spec.id_base + 5000 - 1 and (num - self.spec.id_base - 5000) % self.spec.id_stride == 0:
                a = self.new_article((num - self.spec.id_base - 5000) // self.spec.id_stride)
        if a is None or self.status(a, day) == "future":
            return None
        return self.version(a, day)

    def all_articles(self, day: int) -> list[Article]:
        """Every article the site has ever published up to ``day`` (removed ones included)."""
        out = [self.at(day, p) for p in range(self.count(day))]
        if day >= 2 and self.removed_key:
            out.append(self.base_at(REMOVE_POS))
        return out + [a for a in self.secondary if not a.also_at]

    def __hash__(self) -> int:  # lru_cache on methods
        return id(self)


def edited(a: Article) -> Article:
    if a.edited_on_day == 2:  # already the edited version: applying the edit twice would double it
        return a
    blocks = list(a.blocks)
    ps = [i for i, b in enumerate(blocks) if b.kind == "p"]
    # The first real paragraph after the opening one: never a subtitle or name line, which an
    # editor would not extend (and which speaker extraction reads).
    i = next((j for j in ps[1:] if len(blocks[j].text) > 40), ps[0])
    blocks[i] = Block("p", blocks[i].text + EDIT_SENTENCE)
    return dataclasses.replace(a, blocks=blocks, edited_on_day=2)


COUNTY = {"legacy", "detail", "dede"}


def make_generic(spec: SiteSpec, k: int, when: datetime) -> Article:
    rng = corpus.rng_for(spec.slug, "g", k)
    if spec.precision == "second":
        when = when.replace(second=rng.randrange(60))
    topic = rng.choice(corpus.TOPICS)
    level = "县" if spec.slug in COUNTY else "市"
    name = corpus.person_name(rng, rare=spec.slug == "legacy" and rng.random() < 0.15)
    post = rng.choice(corpus.POSTS).replace("市", level)
    occasion = corpus._fill(rng.choice(corpus.MEETINGS), rng, topic).replace("市", level)
    r = rng.random()
    target = (rng.randint(300, 1200) if r < 0.3 else rng.randint(1200, 4000) if r < 0.8
              else rng.randint(4000, 7500))
    delivered = (when - timedelta(days=rng.randint(0, 4))).date()
    dstr = f"{delivered.year}年{delivered.month}月{delivered.day}日"
    form = rng.random()
    kw: dict = {"source": rng.choice(corpus.SOURCES_BY_SITE[spec.slug]) or None}
    if spec.slug in ("legacy",):
        kw["author"] = rng.choice(corpus.EDITORS)
    if spec.slug in ("datepath", "detail"):
        kw["editor"] = rng.choice(corpus.EDITORS)
    if form < 0.15:
        names = [corpus.person_name(rng) for _ in range(3)]
        paras = corpus.news_paragraphs(rng, topic, names, f"{when.month}月{when.day}日")
        title = f"{level}政协召开{topic}专题协商会"
        kw.update(kind="news")
    else:
        paras = corpus.speech_paragraphs(rng, topic, occasion, target)
        kw.update(speaker=name, occasion=occasion)
        if form < 0.55:
            title = f"{post}{name}在{occasion}上的讲话"
            kw["speaker_title"] = post
        elif form < 0.8:
            title = f"{post}{name}在{occasion}上的讲话"
            paras = [f"（{dstr}）"] + paras
            kw.update(speaker_title=post, delivered_on=delivered.isoformat())
        else:
            title = f"凝心聚力 担当作为 推动{topic}取得新成效"
            paras = [f"——{dstr}在{occasion}上的讲话", f"{post} {name}"] + paras
            kw.update(speaker_title=post, delivered_on=delivered.isoformat())
    blocks = [Block("p", t) for t in paras]
    if rng.random() < 0.15 and len(blocks) > 3:
        blocks.insert(3, Block("img", f"{when.month}月{when.day}日，{occasion}现场。", rng.choice(("jpg", "png"))))
    if rng.random() < 0.05:
        blocks.append(Block("att", f"{title[:20]}.pdf", "pdf"))
    chars = sum(len(b.text) for b in blocks)
    pages = 2 if chars > 6000 and spec.slug in ("trs", "legacy") else 1
    if spec.slug in ("trs", "hanweb") and rng.random() < 0.3:
        kw["flags"] = frozenset({"meta"})
    elif spec.slug == "trs":
        kw["flags"] = frozenset({"meta", "ueditor"} if rng.random() < 0.5 else {"old"} if when.year < 2017 else {"meta"})
    return Article(site=spec.slug, key=f"g{k}", num=spec.id_base - k * spec.id_stride, title=title,
                   published=when, blocks=blocks, pages=pages, **kw)
