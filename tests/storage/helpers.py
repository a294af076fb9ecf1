"""Builders for storage tests: FetchedPages and extracted fields made by hand (no crawling)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from archiver.items import FetchedPage
from storage import repository

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def page(
    url: str,
    body: bytes | str = "<html>正文</html>",
    *,
    status: int = 200,
    at: datetime = T0,
    headers: list[tuple[str, str]] | None = None,
) -> FetchedPage:
    if isinstance(body, str):
        body = body.encode("utf-8")
    return FetchedPage(
        url=url,
        status=status,
        body=body,
        fetched_at=at,
        response_headers=headers
        if headers is not None
        else [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        request_headers=[("User-Agent", "cppcc-archiver/test"), ("Accept", "text/html")],
        referer="http://www.example.gov.cn/ldjh/index.html",
    )


def fields(title: str = "在市政协十届三次会议闭幕会上的讲话", body: str = "各位委员：\n同志们：\n今天会议圆满完成各项议程。", **extra: Any) -> dict[str, Any]:
    base = {
        "title": title,
        "published_at": "2023-05-22T11:15:00+08:00",
        "published_raw": "2023-05-22 11:15",
        "published_from": "info",
        "source": "市政协办公室",
        "author": None,
        "editor": None,
        "body": body,
        "images": [{"url": "http://www.example.gov.cn/img/1.jpg", "caption": "会议现场"}],
        "attachments": [],
        "speaker": "段鸣",
        "speaker_title": "市政协主席",
        "occasion": "市政协十届三次会议闭幕会",
        "delivered_on": "2023-05-22",
    }
    base.update(extra)
    return base


def store(
    session: Session,
    url: str,
    flds: dict[str, Any] | None = None,
    *,
    raw: bytes | str | None = None,
    at: datetime = T0,
    run_id: int | None = None,
    site: str = "hubei_jingzhou",
    extra_pages: list[FetchedPage] | None = None,
    extractor: str = "cppcc-archiver/1",
) -> repository.VersionOutcome:
    """Store one article the way the spider does: fetches + version, one transaction."""
    flds = flds if flds is not None else fields()
    raw = raw if raw is not None else f"<html><h1>{flds.get('title')}</h1>{flds.get('body')}</html>"
    pages = [page(url, raw, at=at), *(extra_pages or [])]
    fetches = [
        repository.record_fetch(session, run_id=run_id, site_slug=site, page=p, kind="article")
        for p in pages
    ]
    outcome = repository.add_version(
        session, run_id=run_id, site_slug=site, url=url, fields=flds, audit=[{"rule": "icp", "text": "鄂ICP备05003号"}],
        extractor=extractor, fetches=fetches, seen_at=at,
    )
    session.commit()
    return outcome
