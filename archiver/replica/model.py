"""Plain data shared by the replica generator, the page renderers and the gold answers.

An :class:`Article` is what the generator decided the article *is* (title, dates, body blocks,
speech metadata); families only decide how it *looks*. The gold answers are computed from these
objects, never by parsing the HTML the families render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple
from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


class Block(NamedTuple):
    """One block of an article body.

    kind: ``p`` (a body paragraph, part of the gold body), ``img`` (an image with a caption; the
    caption is *not* body text), ``att`` (an attachment link; not body text), ``mark`` (printed
    furniture inside the body container that is not text of the article, e.g. ``(上接第1版)``;
    not body text).
    """

    kind: str
    text: str = ""
    ext: str = ""  # img: jpg|png; att: pdf|doc


@dataclass
class Article:
    site: str
    key: str  # stable internal key ("seed", "g17", "n2-1", …)
    num: int  # the numeric id used in the URL
    title: str
    published: datetime  # Beijing time
    blocks: list[Block]
    column: str = "main"  # "main" = the speech column; others are secondary columns
    list_title: str | None = None  # what the listing shows when different (truncated "...")
    source: str | None = None
    author: str | None = None
    editor: str | None = None
    precision: str | None = None  # "second" | "minute" | "date"; None = the family default
    pages: int = 1  # number of HTML pages the body is split over
    kind: str = "speech"  # speech | report | news
    speaker: str | None = None
    speaker_title: str | None = None
    occasion: str | None = None
    delivered_on: str | None = None
    flags: frozenset[str] = frozenset()
    also_at: tuple[str, ...] = ()  # keys of other columns' copies (cross-posts)
    duplicate_of: str | None = None  # key of the earlier article with the same title/text
    edited_on_day: int | None = None  # the day whose edit produced these blocks

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "p"]

    @property
    def images(self) -> list[tuple[int, Block]]:
        return [(i, b) for i, b in enumerate(b for b in self.blocks if b.kind == "img")]

    @property
    def attachments(self) -> list[tuple[int, Block]]:
        return [(i, b) for i, b in enumerate(b for b in self.blocks if b.kind == "att")]

    def assets_before(self, page: int, kind: str) -> int:
        """How many ``kind`` blocks (img/att) sit on the pages before ``page``."""
        return sum(1 for blocks in self.page_blocks()[:page] for b in blocks if b.kind == kind)

    def page_blocks(self) -> list[list[Block]]:
        """The body blocks split over ``self.pages`` pages (by paragraph count)."""
        if self.pages <= 1:
            return [list(self.blocks)]
        n = len(self.blocks)
        size = -(-n // self.pages)
        return [list(self.blocks[i : i + size]) for i in range(0, n, size)][: self.pages]

    def pub_date(self) -> date:
        return self.published.date()


@dataclass
class Response:
    """What a family handler returns; the server adds conditional-request handling."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    cacheable: bool = True  # ETag/Last-Modified + 304 support
    last_modified: datetime | None = None
