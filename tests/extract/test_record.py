"""extract_record: decoding, multi-page merge, date choice, speech fields, EXTRACTOR."""

from __future__ import annotations

from datetime import datetime, timezone

from archiver.article import EXTRACTOR, FIELD_NAMES, extract_record
from archiver.extract.pick import pick_published
from archiver.items import FetchedPage
from archiver.replica.chrome import Chrome
from archiver.replica.families import build_sites
from archiver.replica.gold import record as gold_record

NOW = datetime(2025, 6, 3, 1, 0, tzinfo=timezone.utc)
HOST = "http://127.0.0.1:8000"


def _pages(family: str, key: str) -> tuple[list[FetchedPage], dict]:
    """Render an article of the replica in-process (no server): every page, plus its gold."""
    fam = build_sites(20, [family])[family]
    art = next(a for a in fam.store.all_articles(1) if a.key == key)
    pages = []
    for n in range(art.pages):
        body = fam.html(fam.render_article(art, n, 1, Chrome())).body
        pages.append(FetchedPage(HOST + fam.article_path(art, n), 200, body, NOW,
                                 [("Content-Type", f"text/html; charset={fam.spec.declared}")]))
    return pages, gold_record(fam, art, 1, HOST)


def test_extractor_version_and_field_names():
    assert EXTRACTOR.startswith("cppcc-archiver/")
    pages, _gold = _pages("trs", "seed")
    result = extract_record(pages)
    assert tuple(result.fields) == FIELD_NAMES


def test_multi_page_trs_article_is_merged_in_order():
    pages, gold = _pages("trs", "long")
    assert len(pages) == 3
    first = extract_record(pages[:1])
    assert first.continuation_urls == [p.url for p in pages[1:]]
    result = extract_record(pages)
    assert result.continuation_urls == []
    for key in ("title", "published_at", "source", "body", "images", "speaker", "delivered_on"):
        assert result.fields[key] == gold[key], key


def test_multi_page_legacy_gbk_article():
    pages, gold = _pages("legacy", "split")
    result = extract_record(pages)
    assert result.encoding == "gb18030"
    assert result.replacement_share == 0.0
    assert result.fields["body"] == gold["body"]
    assert result.fields["title"] == gold["title"] and "覃堃" in result.fields["title"]
    assert result.fields["images"] == gold["images"]


def test_audit_keeps_every_removal():
    # The newspaper's `(下转第2版)`/`(上接第1版)` marks sit in the body container.
    pages, gold = _pages("datepath", "byline")
    result = extract_record(pages)
    assert result.fields["body"] == gold["body"]
    texts = [a["text"] for a in result.audit]
    assert "(下转第2版)" in texts and "(上接第1版)" in texts
    assert all(set(a) == {"rule", "text"} and a["rule"] for a in result.audit)
    assert result.fields["author"] == "邹明远" and result.fields["editor"] == "张玉兰"


def test_date_priority_and_time_upgrade():
    # meta gives only the day, the info row the same day with a time: the time is kept.
    picked = pick_published([("meta", "2023-05-22"), ("info", "发布时间:2023-05-22 11:15")], now=NOW)
    assert picked[0].iso() == "2023-05-22T11:15:00+08:00" and picked[1] == "info"
    # the listing never beats the article, even with a time
    picked = pick_published([("url", "2023-05-22"), ("listing", "2023-05-22 08:00")], now=NOW)
    assert picked[0].iso() == "2023-05-22" and picked[1] == "url"
    # the listing is the last resort
    picked = pick_published([("meta", "garbage"), ("listing", "2020-01-02")], now=NOW)
    assert picked[0].iso() == "2020-01-02" and picked[1] == "listing"
    assert pick_published([], now=NOW) is None


def test_the_time_printed_under_the_headline_beats_date_only_meta_and_url():
    # issue #23: a date-only meta or URL date (even another day) loses to the info row's time
    picked = pick_published([("meta", "2024-05-12"), ("info", "2024-05-13 08:49"), ("url", "2024-05-12")], now=NOW)
    assert picked[0].iso() == "2024-05-13T08:49:00+08:00" and picked[1] == "info"
    # a date-only info row does not beat the meta
    picked = pick_published([("meta", "2024-05-12"), ("info", "2024-05-13")], now=NOW)
    assert picked[0].iso() == "2024-05-12" and picked[1] == "meta"
    # a meta with a time is the page's own precise stamp: it stays first
    picked = pick_published([("meta", "2024-05-12 10:00"), ("info", "2024-05-13 08:49")], now=NOW)
    assert picked[0].iso() == "2024-05-12T10:00:00+08:00"


def test_published_raw_and_from_are_recorded():
    pages, gold = _pages("detail", "glued")
    result = extract_record(pages)
    assert result.fields["title"] == gold["title"]
    assert result.fields["published_at"] == gold["published_at"]
    assert result.fields["published_raw"] and result.fields["published_from"] in ("meta", "info")
    assert ("body", "2022年06月23日") in result.date_candidates


def test_listing_title_used_only_when_page_has_none():
    page = FetchedPage("http://x.example/a/1.html", 200, b"<html><body><p></p></body></html>", NOW)
    assert extract_record([page], listing_title="完整的标题").fields["title"] == "完整的标题"
    assert extract_record([page], listing_title="被截断的标...").fields["title"] is None


def test_terminal_escapes_are_stripped_and_audited():
    html = ("<html><head><title>讲话</title></head><body><h1>市政协主席的讲话\x1b[31m</h1>"
            "<div class='content'><p>" + "正文内容。" * 20 + "\x1b[2J\x1b]8;;http://evil/\x07链接\x07</p></div>"
            "</body></html>")
    result = extract_record([FetchedPage("http://x.example/a/77.html", 200, html.encode(), NOW)])
    for value in (result.fields["title"], result.fields["body"]):
        assert not any(ord(c) < 32 and c not in "\n\t" for c in value)
    assert result.fields["title"] == "市政协主席的讲话"
    assert result.fields["body"].endswith("链接")
    assert any(a["rule"] == "control_chars" and a["text"] == "\\x1b[2J" for a in result.audit)
