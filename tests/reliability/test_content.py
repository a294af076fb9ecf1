"""Issue #9, hostile content: gzip bombs and oversized pages, mis-declared encodings.

One crawl of three replica sites and a small local site:
- trs: two gzip bombs (256 MB and 17 MB of zeros, ~250 kB on the wire), every other page with a
  Content-Type header claiming GBK over UTF-8 bytes (``wrong_charset``);
- hanweb: GBK bytes whose header claims UTF-8 (``wrong_charset``), ``<meta>`` says gb2312;
- legacy: ``<meta charset=gb2312>`` over GBK bytes with characters outside GB2312 (堃 喆 镕);
- a local site: a 20 MB page with Content-Length, a 20 MB page streamed without one, and an
  article whose bytes are partly not UTF-8 at all (the replacement characters must be counted).

Memory is shown bounded by doubling (issue #15: a fixed ceiling 200 kB above the usual peak
failed on a fresh clone): two more crawls of a local site with a gzip bomb and oversized pages,
512 MB and 1 GB of bomb (32 and 64 MB pages); the peak stays far below the bomb and does not
grow with it. The exact peaks are in bench/resource_bounds.py and BENCHMARKS.md.
"""

from __future__ import annotations

import re

import pytest

from archiver.replica.faults import gzip_bomb
from tests.clirun import export_jsonl, speech_gold
from tests.reliability.helpers import (
    HTML, LocalSite, article_html, crawl_args, last_run_stats, listing_html, ordinary_paths,
    paths_requested, rows, run_measured,
)

MB = 1024 * 1024
PARAGRAPHS = [
    "各位委员，同志们：",
    "今天我们召开全市政协工作会议，主要任务是深入学习贯彻中央和省委政协工作会议精神，"
    "总结过去一年的工作，安排部署今年的任务。" * 3,
    "一年来，市政协坚持团结和民主两大主题，围绕中心、服务大局，认真履行政治协商、民主监督、"
    "参政议政职能，各项工作取得了新的成效。" * 3,
    "新的一年，我们要进一步加强自身建设，提高履职能力，为全市经济社会高质量发展贡献智慧和力量。" * 2,
]
MOJIBAKE_TITLE = "市政协主席在全市政协工作会议上的讲话"


def mojibake_page() -> bytes:
    page = article_html(MOJIBAKE_TITLE, PARAGRAPHS).encode("utf-8")
    # A site that pasted Latin-1 bytes into a UTF-8 page: these can never decode cleanly.
    return page.replace("各位委员".encode(), b"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8" * 4, 1)


def zeros(total: int):
    def chunks():
        for _ in range(total // (64 * 1024)):
            yield b"<p>" + b"0" * (64 * 1024 - 7) + b"</p>\n"
    return chunks


@pytest.fixture(scope="module")
def crawl(module_replica, tmp_path_factory):
    rp = module_replica
    tmp = tmp_path_factory.mktemp("content")
    db_path = tmp / "archive.sqlite3"
    db = f"sqlite:///{db_path}"
    rp.reset()
    bomb, small_bomb = ordinary_paths(speech_gold(rp, site="trs"), 2)
    rp.fault("trs", bomb, "gzip_bomb", size_mb=256)
    rp.fault("trs", small_bomb, "gzip_bomb", size_mb=17)
    rp.fault("trs", None, "wrong_charset")  # after the bombs: the first matching rule wins
    rp.fault("hanweb", None, "wrong_charset")
    routes = {
        "/ldjh/index.html": (200, HTML, listing_html([
            ("/art/10001.html", "二十兆的页面"), ("/art/10002.html", "没有长度的二十兆页面"),
            ("/art/10003.html", MOJIBAKE_TITLE),
        ]).encode()),
        "/art/10001.html": (200, HTML, b"<html><body>" + b"0" * (20 * MB) + b"</body></html>"),
        "/art/10002.html": (200, HTML, zeros(20 * MB)),
        "/art/10003.html": (200, HTML, mojibake_page()),
    }
    with LocalSite(routes) as local:
        sites = [rp.sites[s]["listing"] for s in ("trs", "hanweb", "legacy")]
        run = run_measured(*crawl_args(db, *sites, local.base + "/ldjh/index.html"), cwd=tmp)
    gold = {}
    for site in ("trs", "hanweb", "legacy"):
        gold.update(speech_gold(rp, site=site))
    return {"run": run, "faults": rp.faults(), "db": db, "db_path": db_path, "tmp": tmp, "rp": rp, "local": local,
            "log": rp.access_log(), "gold": gold, "records": export_jsonl(db, cwd=tmp),
            "bombs": (bomb, small_bomb)}


DOUBLING_MB = (512, 1024)
# What doubling the bomb may add to the peak: noise (allocator, timing of the 1 s sampling),
# nothing like the 512 MB that holding the bomb would add.
GROWTH_TOLERANCE_KB = 64 * 1024


@pytest.fixture(scope="module")
def doubling(tmp_path_factory):
    """Two crawls of the same local site, the second with twice the bomb and pages: peak RSS."""
    runs = {}
    for size in DOUBLING_MB:
        tmp = tmp_path_factory.mktemp(f"doubling{size}")
        routes = {
            "/ldjh/index.html": (200, HTML, listing_html([
                ("/art/bomb.html", "压缩炸弹"), ("/art/big.html", "超大页面"), ("/art/stream.html", "无长度的超大页面"),
            ]).encode()),
            "/art/bomb.html": (200, [*HTML, ("Content-Encoding", "gzip")], gzip_bomb(size)),
            # Bodies made while sending: a crawl forked from a test process holding them would
            # start with its high-water mark (Linux keeps ru_maxrss across exec).
            "/art/big.html": (200, [*HTML, ("Content-Length", str(size // 16 * MB))], zeros(size // 16 * MB)),
            "/art/stream.html": (200, HTML, zeros(size // 16 * MB)),
        }
        with LocalSite(routes) as local:
            run = run_measured(*crawl_args(f"sqlite:///{tmp / 'a.sqlite3'}", local.base + "/ldjh/index.html"), cwd=tmp)
        runs[size] = (run, local, tmp / "a.sqlite3")
    return runs


def assert_bounded_by_doubling(doubling) -> None:
    (small, *_), (large, *_) = (doubling[size] for size in DOUBLING_MB)
    print(f"peak RSS: {small.maxrss_kb // 1024} MB with {DOUBLING_MB[0]} MB, "
          f"{large.maxrss_kb // 1024} MB with {DOUBLING_MB[1]} MB")
    assert large.maxrss_kb < DOUBLING_MB[1] * 1024 // 2, large.maxrss_kb  # far below the bomb
    assert large.maxrss_kb < small.maxrss_kb + GROWTH_TOLERANCE_KB, (small.maxrss_kb, large.maxrss_kb)


def fold(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "")


def errors_for(crawl, url: str) -> list[str]:
    return [e for (e,) in rows(crawl["db_path"], "SELECT error FROM fetches WHERE url = ? ORDER BY id", url)]


def test_gzip_bombs_are_refused_with_bounded_memory(crawl, doubling):
    rp = crawl["rp"]
    stored = {r["url"] for r in crawl["records"]}
    for path in crawl["bombs"]:
        url = rp.url("trs", path)
        assert url not in stored
        errors = errors_for(crawl, url)
        assert errors and all(errors), errors
        assert any("exceeded DOWNLOAD_MAXSIZE" in e and "decompress" in e for e in errors), errors
        # Refused, not retried: a bomb is not a transient failure.
        assert len(paths_requested(crawl["log"], path)) == 1
    assert_bounded_by_doubling(doubling)
    for size in DOUBLING_MB:
        run, local, db_path = doubling[size]
        errors = errors_for({"db_path": db_path}, local.base + "/art/bomb.html")
        assert len(errors) == 1 and "exceeded DOWNLOAD_MAXSIZE" in errors[0], errors
        # What `cppcc-archiver runs` shows agrees with the kernel (sampled once a second, see
        # settings.py): recorded for the whole crawl, and below the kernel's peak.
        stats = last_run_stats(db_path)
        assert stats["memusage/startup"] <= stats["memusage/max"] <= run.maxrss_kb * 1024


def test_oversized_pages_are_refused_with_bounded_memory(crawl, doubling):
    local = crawl["local"]
    stored = {r["url"] for r in crawl["records"]}
    for path in ("/art/10001.html", "/art/10002.html"):
        url = local.base + path
        assert url not in stored
        errors = errors_for(crawl, url)
        assert len(errors) == 1, errors
        assert "DOWNLOAD_MAXSIZE" in errors[0] or "download max size" in errors[0], errors
        assert local.requests.count(path) == 1  # refused, not retried
    assert_bounded_by_doubling(doubling)
    for size in DOUBLING_MB:
        run, local_site, db_path = doubling[size]
        for path in ("/art/big.html", "/art/stream.html"):
            errors = errors_for({"db_path": db_path}, local_site.base + path)
            assert len(errors) == 1 and ("DOWNLOAD_MAXSIZE" in errors[0] or "download max size" in errors[0]), errors
    line = crawl["run"].line(f"site_127_0_0_1_{local.base.rsplit(':', 1)[1]}")
    assert ", 1 new," in line and ", 2 errors," in line, crawl["run"].stdout


def test_misdeclared_encodings_give_the_gold_text(crawl):
    by_url = {r["url"]: r for r in crawl["records"]}
    rp = crawl["rp"]
    expected = {u: g for u, g in crawl["gold"].items()
                if u not in {rp.url("trs", path) for path in crawl["bombs"]}}
    assert set(expected) <= set(by_url)
    # Compared with runs of white space folded: the legacy site pads names ("罗  军"), which is
    # the extractor's business (tests/cms), not the decoder's.
    wrong = {u: (by_url[u]["title"], by_url[u]["body"][:80]) for u, g in expected.items()
             if fold(by_url[u]["title"]) != fold(g["title"]) or fold(by_url[u]["body"]) != fold(g["body"])}
    assert not wrong, wrong
    trad = next(g for g in expected.values() if g["key"] == "trad")
    assert "堃" in by_url[trad["url"]]["body"] and "喆" in by_url[trad["url"]]["title"]
    assert all("\ufffd" not in r["body"] for u, r in by_url.items() if u in expected)
    # The lying headers really were sent, to every page of both sites.
    hits = {f["site"]: f["hits"] for f in crawl["faults"] if f["mode"] == "wrong_charset"}
    assert hits["trs"] >= 18 and hits["hanweb"] >= 20, crawl["faults"]


def test_replacement_characters_are_counted_and_reported_per_page(crawl):
    local = crawl["local"]
    url = local.base + "/art/10003.html"
    record = next(r for r in crawl["records"] if r["url"] == url)
    assert record["title"] == MOJIBAKE_TITLE and "\ufffd" in record["body"]
    stats = last_run_stats(crawl["db_path"])
    assert stats.get("archiver/encoding/pages_with_replacement_chars") == 1, stats
    log = (crawl["tmp"] / "logs" / "crawl.log").read_text("utf-8")
    warning = [line for line in log.splitlines() if url in line and "replacement characters" in line]
    assert len(warning) == 1 and "% of the text" in warning[0], warning
