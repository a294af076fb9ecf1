"""Issue #14, item 3: a column readable only by running its scripts, crawled through a real
headless Chromium (the Debian package) against the replica's ``rendered`` site, over real HTTP.

Without Chromium these tests skip with one line; in CI (ARCHIVER_REQUIRE_SERVICES=1, .ci/run
installs chromium) a missing browser is a failure, as for PostgreSQL and Redis.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter

import pytest
from scrapy.settings import Settings

from archiver import render
from archiver.replica.testing import ReplicaProcess
from tests.clirun import crawl, export_jsonl, speech_gold

SLUG = "anhui_chuzhou"


def require_browser() -> None:
    reason = render.unavailable_reason(Settings())
    if reason is None:
        return
    if os.environ.get("ARCHIVER_REQUIRE_SERVICES"):
        pytest.fail(f"cannot render: {reason} (required in CI)")
    pytest.skip(f"cannot render: {reason}")


@pytest.fixture(scope="module")
def rendered_replica():
    with ReplicaProcess(sites=["rendered"]) as rp:
        yield rp


@pytest.fixture
def site(rendered_replica):
    rendered_replica.reset()
    yield rendered_replica
    rendered_replica.reset()


def registry(tmp_path, listing: str, render_flag: bool) -> str:
    path = tmp_path / "sites.toml"
    path.write_text(f'[[site]]\nslug = "{SLUG}"\nname = "滁州市政协"\nregion = "安徽省滁州市"\n'
                    f'columns = ["{listing}"]\nrender = {"true" if render_flag else "false"}\n', "utf-8")
    return str(path)


def summary(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith(f"{SLUG}:"))


def run_stats(db_path) -> dict:
    with sqlite3.connect(db_path) as db:
        raw = db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    return json.loads(raw)


def test_registry_flag_renders_every_listing_page_and_stores_every_article(site, tmp_path):
    require_browser()
    listing = site.sites["rendered"]["listing"]
    db_path = tmp_path / "a.sqlite3"
    db = f"sqlite:///{db_path}"
    proc = crawl(db, cwd=tmp_path, check=False,
                 extra=("--registry", registry(tmp_path, listing, True), "--site", SLUG))
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert ": ok" in summary(proc.stdout)
    gold = speech_gold(site, site="rendered")
    assert len(gold) == 20
    stored = {r["url"]: r for r in export_jsonl(db, cwd=tmp_path)}
    assert set(stored) == set(gold)
    assert all(stored[url]["title"] == g["title"] for url, g in gold.items())

    # Provenance: per listing page the server's own bytes (no article link in them) and, apart,
    # the DOM the crawler read (every link in it).
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT f.kind, f.url, b.data FROM fetches f JOIN bodies b ON b.sha256 = f.body_sha256 "
                            "WHERE f.kind LIKE 'listing%' ORDER BY f.id").fetchall()
    kinds = Counter(kind for kind, _url, _data in rows)
    assert kinds == {"listing": 3, "listing-rendered": 3}
    raw = {url: data for kind, url, data in rows if kind == "listing"}
    dom = {url: data for kind, url, data in rows if kind == "listing-rendered"}
    assert set(raw) == set(dom) == {listing, listing.replace("list.html", "list_2.html"),
                                    listing.replace("list.html", "list_3.html")}
    paths = {g["path"].rsplit("/", 1)[1] for g in gold.values()}
    assert not any(p.encode() in body for body in map(_plain, raw.values()) for p in paths)
    assert all(p.encode() in b"".join(map(_plain, dom.values())) for p in paths)
    stats = run_stats(db_path)
    assert stats["archiver/render/listing_pages"] == 3
    assert "archiver/render/server_body_missing" not in stats

    # Politeness in the browser: robots.txt read, each listing page fetched once, only the
    # site's own script besides; no image, font or offsite request; our User-Agent throughout.
    log = site.access_log(site="rendered")
    counts = Counter(e["path"] for e in log)
    assert counts["/robots.txt"] == 1
    assert all(counts[f"/zxgz/ldjh/{name}"] == 1 for name in ("list.html", "list_2.html", "list_3.html"))
    assert counts["/static/js/col.js"] == 3
    assert not [p for p in counts if p.startswith(("/static/img", "/static/fonts"))]
    # /uploads/ by URL kind: only the files the gold's articles link, each fetched once by the
    # files pipeline (issue #19); the browser rendering the listings asks for none of them.
    files = {f["url"].split(site.sites["rendered"]["base"], 1)[1]
             for g in gold.values() for f in g["attachments"] + g["images"]}
    uploads = {p: n for p, n in counts.items() if p.startswith("/uploads")}
    assert uploads and set(uploads) <= files and set(uploads.values()) == {1}, uploads
    assert {e["user_agent"].split("/")[0] for e in log} == {"cppcc-archiver"}
    assert stats.get("playwright/request_count/aborted", 0) >= 3 * 3  # banner, font, counter per page


def _plain(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdDecompressor().decompress(data) if data[:4] == b"\x28\xb5\x2f\xfd" else data


def test_without_rendering_the_column_is_never_ok(site, tmp_path):
    listing = site.sites["rendered"]["listing"]
    proc = crawl(f"sqlite:///{tmp_path}/a.sqlite3", cwd=tmp_path, check=False,
                 extra=("--registry", registry(tmp_path, listing, False), "--site", SLUG))
    assert proc.returncode == 1
    line = summary(proc.stdout)
    assert ": ok" not in line and "0 new" in line
    # Nothing ran the page's script: no decoder fetched, no browser started.
    assert "/static/js/col.js" not in {e["path"] for e in site.access_log(site="rendered")}


def test_setting_selects_a_listing_url_and_none_switches_the_registry_flag_off(site, tmp_path):
    require_browser()
    listing = site.sites["rendered"]["listing"]
    reg = registry(tmp_path, listing, False)
    on = crawl(f"sqlite:///{tmp_path}/on.sqlite3", cwd=tmp_path, check=False,
               extra=("--registry", reg, "--site", SLUG, "-s", f"ARCHIVER_RENDER={listing}"))
    assert on.returncode == 0 and ": ok, 20 new" in summary(on.stdout), on.stdout
    off = crawl(f"sqlite:///{tmp_path}/off.sqlite3", cwd=tmp_path, check=False,
                extra=("--registry", registry(tmp_path, listing, True), "--site", SLUG, "-s", "ARCHIVER_RENDER=none"))
    assert off.returncode == 1 and ": ok" not in summary(off.stdout)


def test_missing_browser_fails_the_site_with_one_clear_line(site, tmp_path):
    listing = site.sites["rendered"]["listing"]
    proc = crawl(f"sqlite:///{tmp_path}/a.sqlite3", cwd=tmp_path, check=False,
                 extra=("--registry", registry(tmp_path, listing, True), "--site", SLUG,
                        "-s", 'PLAYWRIGHT_LAUNCH_OPTIONS={"executable_path": "/nonexistent/chromium"}'))
    assert proc.returncode == 1
    line = summary(proc.stdout)
    assert ": failed" in line and "Chromium not found at /nonexistent/chromium" in line
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert {e["path"] for e in site.access_log(site="rendered")} <= {"/robots.txt"}


def test_challenge_is_reported_never_rendered_through(site, tmp_path):
    require_browser()
    listing = site.sites["rendered"]["listing"]
    site.fault("rendered", "/zxgz/ldjh/list.html", "challenge", status=521)
    proc = crawl(f"sqlite:///{tmp_path}/a.sqlite3", cwd=tmp_path, check=False,
                 extra=("--registry", registry(tmp_path, listing, True), "--site", SLUG))
    assert proc.returncode == 1
    line = summary(proc.stdout)
    assert ": challenged" in line and "521" in line
    # The challenge's script set its cookie and asked for a reload: the browser never went.
    paths = Counter(e["path"] for e in site.access_log(site="rendered"))
    assert paths == {"/robots.txt": 1, "/zxgz/ldjh/list.html": 1}


def test_the_browser_is_installed_only_for_crawls_that_render():
    from archiver.runner import CrawlRequest, build_settings
    from archiver.spiders.column import CrawlTarget

    plain = [CrawlTarget("a", "http://a.example/list.html")]
    settings = build_settings(CrawlRequest("sqlite://", plain))
    assert render.HANDLER not in settings.getdict("DOWNLOAD_HANDLERS").values()
    if render.unavailable_reason(settings) is not None:
        pytest.skip("the rest needs a browser")
    flagged = [*plain, CrawlTarget("b", "http://b.example/list.html", render=True)]
    settings = build_settings(CrawlRequest("sqlite://", flagged))
    assert settings.getdict("DOWNLOAD_HANDLERS")["http"] == render.HANDLER
    assert settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["headless"] is True
    chosen = build_settings(CrawlRequest("sqlite://", plain, settings={"ARCHIVER_RENDER": "a"}))
    assert chosen.getdict("DOWNLOAD_HANDLERS")["https"] == render.HANDLER


@pytest.mark.parametrize("value, site, url, flagged, expected", [
    ("", "a", "http://a/l", True, True),
    ("", "a", "http://a/l", False, False),
    ("all", "a", "http://a/l", False, True),
    ("b, a", "a", "http://a/l", False, True),
    ("http://a/l", "x", "http://a/l", False, True),
    ("none", "a", "http://a/l", True, False),
])
def test_selection(value, site, url, flagged, expected):
    assert render.should_render(site, url, flagged, render.parse_selection(value)) is expected


def test_the_browser_obeys_robots_txt_too(site, tmp_path):
    require_browser()
    listing = site.sites["rendered"]["listing"]
    site.fault("rendered", None, "robots", disallow=["/static/js/"])
    proc = crawl(f"sqlite:///{tmp_path}/a.sqlite3", cwd=tmp_path, check=False,
                 extra=("--registry", registry(tmp_path, listing, True), "--site", SLUG))
    # The decoder is off limits, so the column cannot be read: said, never ok.
    assert proc.returncode == 1 and ": ok" not in summary(proc.stdout)
    paths = Counter(e["path"] for e in site.access_log(site="rendered"))
    assert paths == {"/robots.txt": 1, "/zxgz/ldjh/list.html": 1}


def test_a_rendered_listing_whose_server_bytes_were_lost_says_so():
    """Chromium may drop a large document's body: the listing fetch is then empty and says why,
    never the DOM passed off as the server's answer."""
    from datetime import UTC, datetime

    from scrapy.http import HtmlResponse, Request
    from scrapy.statscollectors import MemoryStatsCollector

    from archiver.items import FetchedPage, FetchItem

    request = Request("http://a.example/list.html", meta={"render_server_body_error": "Error: body gone"})
    response = HtmlResponse(request.url, body=b"<ul><li><a href='d/1.html'>x</a></li></ul>", request=request,
                            flags=["playwright"])
    page = FetchedPage(url=request.url, status=200, body=response.body, fetched_at=datetime.now(UTC),
                       response_headers=[("Content-Type", "text/html")])
    stats = MemoryStatsCollector(type("Crawler", (), {"settings": Settings()})())
    out = list(render.RenderedListingMiddleware(stats).process_spider_output(
        response, [FetchItem(site="a", page=page)]))
    assert [(i.kind, i.page.body, i.error) for i in out] == [
        ("listing", b"", "rendered; the server's bytes were not kept: Error: body gone"),
        ("listing-rendered", response.body, None),
    ]
    assert out[1].page.response_headers == []
    assert stats.get_value("archiver/render/server_body_missing") == 1


def test_registry_render_flag_is_validated(tmp_path):
    from archiver.sites import RegistryError, load_registry

    good = registry(tmp_path, "http://a.example/list.html", True)
    assert load_registry(good)[SLUG].render is True
    bad = tmp_path / "bad.toml"
    bad.write_text(open(good, encoding="utf-8").read().replace("render = true", 'render = "yes"'), "utf-8")
    with pytest.raises(RegistryError, match="render must be true or false"):
        load_registry(bad)
