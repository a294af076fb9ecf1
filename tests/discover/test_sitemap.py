"""Issue #22, sitemaps where present: a speech column linked from no menu, 栏目 tree or 信息公开
page but listed by the site's sitemaps (robots.txt `Sitemap:` → index → column sitemap + gzipped
article sitemap, or a plain /sitemap.xml) is found and ranked first, over real HTTP; a broken or
huge sitemap is one clear line and discovery goes on with the menus."""

from __future__ import annotations

import gzip
import urllib.request

import pytest

from archiver.discover import discover, sitemap
from archiver.discover.fetch import PoliteFetcher
from archiver.replica.testing import ReplicaProcess
from tests.clirun import export_jsonl, run_cli, speech_gold

# Column paths /ldjh/index.shtml and /a/ldjh/ (labelled by the path), /col/col1229712376/index.html
# (no label: the speech titles of the articles repeating its id decide).
SITES = ["trs", "dede", "hanweb"]


@pytest.fixture(scope="module")
def rp():
    with ReplicaProcess(scale=10, sites=SITES) as proc:
        yield proc


@pytest.fixture
def sitemapped(rp):
    def turn_on(slug: str, variant: str = "index"):
        rp.clear_faults()
        rp.fault(slug, None, "homepage", shape="sitemap", sitemap=variant)
    yield turn_on
    rp.clear_faults()


def _get(url: str) -> str:
    with urllib.request.urlopen(url) as response:
        return response.read().decode("utf-8", "replace")  # the path is ASCII; some sites are GBK


@pytest.mark.parametrize("slug", SITES)
@pytest.mark.parametrize("variant", ["index", "plain"])
def test_a_column_only_the_sitemap_lists_is_found_and_ranked_first(rp, sitemapped, slug, variant):
    sitemapped(slug, variant)
    listing = rp.sites[slug]["listing"]
    path = listing[len(rp.url(slug)) - 1:]  # /ldjh/index.shtml
    home = _get(rp.url(slug))
    assert path not in home and path not in _get(rp.url(slug) + "lm/xxgk/index.html")  # in no menu
    robots = _get(rp.url(slug) + "robots.txt")
    assert ("Sitemap:" in robots) == (variant == "index")
    found = discover(rp.url(slug), delay=0)
    first = found.candidates[0]
    assert first.url == listing and first.kind == "speech" and first.speech_titles
    assert "sitemap" in first.evidence
    assert ("ldjh" in first.evidence) == (slug != "hanweb"), first.evidence
    assert [c.url for c in found.proposed] == [listing]
    assert not any(note.startswith("sitemap") for note in found.notes)


def test_without_the_sitemap_the_hidden_column_is_not_found(rp, sitemapped, monkeypatch):
    """The sitemap is what finds it: with sitemaps not read, the menus propose meeting columns."""
    sitemapped("trs")
    monkeypatch.setattr(sitemap, "read", lambda fetcher, home, notes: [])
    found = discover(rp.url("trs"), delay=0)
    assert rp.sites["trs"]["listing"] not in [c.url for c in found.candidates]


@pytest.mark.parametrize("variant,says", [
    ("broken", "not a sitemap (its root element is <html>); not used"),
    ("huge", "larger than 10 MB uncompressed; not used"),
])
def test_a_broken_or_huge_sitemap_is_one_clear_line(rp, sitemapped, tmp_path, variant, says):
    sitemapped("trs", variant)
    rp.clear_log()
    proc = run_cli("sites", "discover", rp.url("trs"), "--delay", "0", cwd=tmp_path,
                   env={"ARCHIVER_SITES": str(tmp_path / "sites.toml")})
    lines = [line for line in proc.stdout.splitlines() if "sitemap" in line and line.startswith("note:")]
    assert len(lines) == 1 and says in lines[0], proc.stdout
    assert "Traceback" not in proc.stderr and "proposed:" in proc.stdout  # discovery went on
    sitemaps = [e for e in rp.access_log(site="trs") if "sitemap" in e["path"]]
    assert len(sitemaps) <= sitemap.MAX_FILES


def test_entries_past_the_limit_are_not_read(rp, sitemapped, monkeypatch):
    sitemapped("trs", "plain")
    monkeypatch.setattr(sitemap, "MAX_ENTRIES", 5)
    notes: list[str] = []
    entries = sitemap.read(PoliteFetcher(rp.url("trs"), delay=0), rp.url("trs"), notes)
    assert len(entries) == 5 and any("more than 5 entries" in n for n in notes)


@pytest.mark.parametrize("body,says", [
    (b"<html><body>404</body></html>", "not a sitemap"),
    (b"\x1f\x8b\x08\x00garbage", "not valid gzip"),
    (b"\x00\x01 not xml at all", "not"),
])
def test_unreadable_sitemaps_raise_one_line(body, says):
    with pytest.raises(ValueError, match=says):
        sitemap._parse(body, truncated=False)


def test_a_gzipped_urlset_keeps_news_titles():
    xml = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>http://a.cn/jh/1.html</loc>'
           '<news:news><news:title>在全会上的讲话</news:title></news:news></url>'
           '<url><loc>http://a.cn/jh/</loc></url></urlset>').encode()
    entries = list(sitemap._parse(gzip.compress(xml), truncated=False))
    assert entries[0]["title"] == "在全会上的讲话"
    links = sitemap.column_links("http://a.cn/", entries)
    assert [(l.url, l.label, l.titles) for l in links] == [("http://a.cn/jh/", "讲话", ["在全会上的讲话"])]


def test_add_then_crawl_archives_the_sitemap_only_column_completely(rp, sitemapped, tmp_path):
    sitemapped("dede")
    sites_file = tmp_path / "sites.toml"
    env = {"ARCHIVER_SITES": str(sites_file)}
    run_cli("sites", "add", rp.url("dede"), "--slug", "mapped", "--delay", "0", cwd=tmp_path, env=env, check=True)
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    run_cli("crawl", "--db", db, "--delay", "0", "--no-progress", "--site", "mapped", cwd=tmp_path, env=env,
            check=True)
    got = {r["url"] for r in export_jsonl(db, cwd=tmp_path)}
    gold = speech_gold(rp, site="dede")
    assert gold and set(gold) <= got, sorted(set(gold) - got)[:5]
