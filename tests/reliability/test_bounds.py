"""Issue #15, bounded everything, over real HTTP: one crawl of a replica site next to
- a hostile site (archiver/replica/hostile.py): a 300 MB header flood (folded lines), 100,000
  header fields, a 100 kB folded header value on a normal article, an article of 6 pages of 2 MB
  (gzip), and a listing page of 5,000 links;
- a local site whose pages declare charsets that are no text encodings (zlib, base64, rot13) or
  no encoding at all, over bytes that are not UTF-8.
The limits are lowered with ``-s`` so that small pages hit them. Each hit must be reported on the
site's line and counted in the run's stats, and the crawl must go on: the replica site completes.
"""

from __future__ import annotations

import json

import pytest

from archiver.limits import SHORTFALLS, STORED_HEADER_VALUE_MAX
from archiver.replica.hostile import LONG, HostileSite
from tests.clirun import export_jsonl, speech_gold
from tests.reliability.helpers import (
    LocalSite, article_html, crawl_args, last_run_stats, listing_html, rows, run_measured,
)

MB = 1024 * 1024
LIMITS = ("-s", "ARCHIVER_MAX_ARTICLE_BYTES=3000000", "-s", "ARCHIVER_MAX_LISTING_CHARS=200000",
          "-s", "ARCHIVER_MAX_LISTING_ENTRIES=25")
CHARSETS = {"/art/zlib.html": "zlib", "/art/base64.html": "base64", "/art/rot13.html": "rot13",
            "/art/unknown.html": "x-no-such-charset"}
TITLE = "市政协主席在全市政协工作会议上的讲话"


def gbk_article(n: int) -> bytes:
    # GBK bytes (not valid UTF-8): decoding must fall back to detection, not to the label.
    return article_html(f"{TITLE}（{n}）", ["各位委员，同志们：政协工作会议今天召开。" * 4]).replace(
        'charset="utf-8"', "").encode("gb18030")


def site_slug(base: str) -> str:
    return f"site_127_0_0_1_{base.split('/')[2].rsplit(':', 1)[1]}"


@pytest.fixture(scope="module")
def crawl(module_replica, tmp_path_factory):
    rp = module_replica
    tmp = tmp_path_factory.mktemp("bounds")
    db_path = tmp / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    rp.reset()
    routes = {"/ldjh/index.html": (200, [("Content-Type", "text/html; charset=utf-8")], listing_html(
        [(path, f"{TITLE}（{n}）") for n, path in enumerate(CHARSETS)]).encode())}
    for n, (path, charset) in enumerate(CHARSETS.items()):
        routes[path] = (200, [("Content-Type", f"text/html; charset={charset}")], gbk_article(n))
    with HostileSite(flood_mb=300, long_pages=6, long_page_mb=2, listing_links=5000) as hostile, \
            LocalSite(routes) as local:
        big = hostile.base.replace("127.0.0.1", "localhost") + "/big/index.html"
        run = run_measured(*crawl_args(db, rp.sites["trs"]["listing"], hostile.base + "/ldjh/index.html", big,
                                       local.base + "/ldjh/index.html", extra=LIMITS), cwd=tmp)
    return {"run": run, "db": db, "db_path": db_path, "tmp": tmp, "hostile": hostile, "local": local,
            "stats": last_run_stats(db_path), "records": export_jsonl(db, cwd=tmp),
            "gold": speech_gold(rp, site="trs"), "replica": site_slug(rp.url("trs", "/"))}


def fetch_errors(crawl, url: str) -> list[str]:
    return [e or "" for (e,) in rows(crawl["db_path"], "SELECT error FROM fetches WHERE url = ?", url)]


def test_header_floods_are_refused_while_received_and_reported(crawl):
    hostile, run = crawl["hostile"], crawl["run"]
    stored = {r["url"] for r in crawl["records"]}
    for path, limit in (("/flood/bytes.html", "ARCHIVER_MAX_HEADER_BYTES"), ("/flood/count.html", "ARCHIVER_MAX_HEADERS")):
        url = hostile.base + path
        assert url not in stored
        errors = fetch_errors(crawl, url)
        assert len(errors) == 1 and "HeadersTooLarge" in errors[0] and limit in errors[0], errors
        assert hostile.requests.count(path) == 1  # a header flood is not retried
    assert crawl["stats"].get("archiver/limits/header_bytes") == 1, crawl["stats"]
    assert crawl["stats"].get("archiver/limits/header_count") == 1, crawl["stats"]
    line = run.line(site_slug(hostile.base))
    assert line.startswith(f"{site_slug(hostile.base)}: incomplete"), run.stdout
    assert SHORTFALLS["header_bytes"] in line and SHORTFALLS["header_count"] in line, line
    # 300 MB of headers were sent: the crawl never held them (it sits near 130 MB on its own).
    assert run.maxrss_kb < 300 * 1024, run.maxrss_kb


def test_a_long_folded_header_value_is_stored_cut(crawl):
    url = crawl["hostile"].base + "/flood/fold.html"
    assert url in {r["url"] for r in crawl["records"]}  # the page itself is fine: stored
    (headers,) = rows(crawl["db_path"], "SELECT response_headers FROM fetches WHERE url = ?", url)[0]
    value = dict((k.lower(), v) for k, v in json.loads(headers))["x-folded"]
    assert 100 * 1024 > len(value) > STORED_HEADER_VALUE_MAX and "characters cut]" in value


def test_an_article_is_cut_at_its_byte_budget_and_reported(crawl):
    hostile, run = crawl["hostile"], crawl["run"]
    # 2 MB pages against a 3,000,000-byte budget: pages 1 and 2 fetched, 3 to 6 never requested.
    assert [p for p in hostile.requests if p.startswith(LONG)] == [f"{LONG}.html", f"{LONG}_2.html"]
    record = next(r for r in crawl["records"] if r["url"] == hostile.base + f"{LONG}.html")
    assert record["body"]
    assert crawl["stats"].get("archiver/limits/article_bytes") == 1
    assert SHORTFALLS["article_bytes"] in run.line(site_slug(hostile.base))


def test_a_huge_listing_page_is_read_only_up_to_its_bounds(crawl):
    hostile, run = crawl["hostile"], crawl["run"]
    fetched = [p for p in hostile.requests if p.startswith("/big/") and p != "/big/index.html"]
    assert len(fetched) == 25, len(fetched)
    assert crawl["stats"].get("archiver/limits/listing_chars") == 1
    assert crawl["stats"].get("archiver/limits/listing_entries") == 1
    # 475 kB: parsed on the worker thread, not the reactor's (archiver/offthread.py, issue #15).
    assert crawl["stats"].get("archiver/offthread/listing_pages") == 1
    line = run.line(f"site_localhost_{hostile.base.rsplit(':', 1)[1]}")
    assert ": incomplete, 25 new," in line, run.stdout
    assert SHORTFALLS["listing_chars"] in line and SHORTFALLS["listing_entries"] in line, line
    # A column read in part is not walked to its end: the next run walks it again.
    (summary,) = rows(crawl["db_path"], "SELECT sites_summary FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    entry = json.loads(summary)[f"site_localhost_{hostile.base.rsplit(':', 1)[1]}"]
    assert entry["complete_columns"] == [], entry


def test_the_crawl_goes_on_and_other_sites_complete(crawl):
    run = crawl["run"]
    assert run.returncode == 1  # sites were cut: never exit 0 with a shortfall
    assert run.line(crawl["replica"]).startswith(f"{crawl['replica']}: ok,"), run.stdout
    stored = {r["url"] for r in crawl["records"]}
    assert set(crawl["gold"]) <= stored
    assert crawl["hostile"].base + "/art/1.html" in stored
    assert "Traceback" not in run.stderr, run.stderr[-2000:]


def test_non_text_and_unknown_charsets_fall_back_to_detection(crawl):
    local = crawl["local"]
    by_url = {r["url"]: r for r in crawl["records"]}
    for n, path in enumerate(CHARSETS):
        record = by_url.get(local.base + path)
        assert record is not None, (path, fetch_errors(crawl, local.base + path))
        assert record["title"] == f"{TITLE}（{n}）" and "政协工作会议" in record["body"], record
    assert crawl["run"].line(site_slug(local.base)).startswith(f"{site_slug(local.base)}: ok,"), crawl["run"].stdout


@pytest.mark.timeout(240)
def test_header_floods_are_refused_in_a_rendered_run_too(tmp_path):
    """A rendered run installs scrapy-playwright's download handler; the requests it does not
    render (robots.txt, every article) must keep the header bounds of ours."""
    from tests.runner.test_rendered import require_browser

    require_browser()
    db_path = tmp_path / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    # 4 MB and 2,000 fields: far past the bounds (256 kB, 500), small enough to be quick.
    with HostileSite(flood_mb=4, flood_fields=2000, fold_kb=20) as hostile:
        run = run_measured(*crawl_args(db, hostile.base + "/flood/index.html",
                                       extra=("-s", "ARCHIVER_RENDER=all")), cwd=tmp_path)
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    # The listing really went through the browser: its rendered DOM is kept as its own fetch.
    assert rows(db_path, "SELECT count(*) FROM fetches WHERE kind = 'listing-rendered'") == [(1,)], run.stdout
    for path, limit in (("/flood/bytes.html", "ARCHIVER_MAX_HEADER_BYTES"), ("/flood/count.html", "ARCHIVER_MAX_HEADERS")):
        errors = [e or "" for (e,) in rows(db_path, "SELECT error FROM fetches WHERE url = ?", hostile.base + path)]
        assert len(errors) == 1 and "HeadersTooLarge" in errors[0] and limit in errors[0], (path, errors)
    stats = last_run_stats(db_path)
    assert stats.get("archiver/limits/header_bytes") == 1 and stats.get("archiver/limits/header_count") == 1, stats
    stored = {r["url"] for r in export_jsonl(db, cwd=tmp_path)}
    assert stored == {hostile.base + "/art/1.html", hostile.base + "/flood/fold.html"}, stored
    assert run.returncode == 1 and ": incomplete, " in run.line(site_slug(hostile.base)), run.stdout
