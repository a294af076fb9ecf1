"""Issue #16: `extract --explain` says why (family and scores, body blocks, dates, removed lines,
speech fields with their lines), and `--families` / $ARCHIVER_FAMILIES turn family modules off."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.article import extract_record
from archiver.extract.trace import Trace
from archiver.items import FetchedPage
from tests.clirun import run_cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGE = FIXTURES / "explain" / "unknown_layout.html"
PAGE_URL = "http://www.mxzx.gov.cn/ldjh/2024/0112/1999.html"


def explain(*args: str, env: dict | None = None) -> str:
    proc = run_cli("extract", "--explain", *args, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def test_explain_text_shows_the_chosen_block_the_winning_date_and_removed_lines():
    out = explain("--url", PAGE_URL, str(PAGE))
    lines = out.splitlines()
    assert "family   generic: detected (a family needs >= 4)" in lines
    chosen = [line for line in lines if line.startswith("  * ") and "chars" in line]
    assert len(chosen) == 1 and chosen[0].split()[-2].endswith("div[3].nr")
    # Sidebar (2031-03-02) and other blocks are listed as candidates, not chosen.
    assert any(line.startswith("    ") and ".main" in line for line in lines)
    assert "date     2024-01-12 (from info)" in lines
    assert any(line.startswith("  * info") and line.endswith("-> 2024-01-12") for line in lines)
    assert "    prev_next          上一篇：县政协召开主席会议" in lines
    assert "    counter            浏览次数：1024" in lines
    assert "  delivered_on   2024-01-11  <- ——2024年1月11日在县政协十届三次会议闭幕会上" in lines
    assert "  speaker        王建国  <- 县政协主席 王建国" in lines


def test_explain_json_parses_and_has_the_decisions():
    report = json.loads(explain("--format", "json", "--url", PAGE_URL, str(PAGE)))
    assert {"family", "body", "dates", "removed", "speech"} <= set(report)
    assert report["family"]["used"] == "generic" and report["family"]["threshold"] == 4
    assert set(report["family"]["scores"]) == {"trs", "hanweb", "legacy", "datepath", "post", "detail"}
    body = report["body"]
    assert body["chosen"]["path"].endswith(".nr") and body["chosen"]["chosen"] is True
    assert sum(c["chosen"] for c in body["candidates"]) == 1 and len(body["candidates"]) >= 3
    assert report["dates"]["winner"] == {"where": "info", "raw": "2024-01-12", "parsed": "2024-01-12",
                                         "precision": "day", "chosen": True}
    rules = {(r["rule"], r["text"]) for r in report["removed"]}
    assert ("prev_next", "下一篇：县政协开展专题视察活动") in rules and ("counter", "浏览次数：1024") in rules
    assert report["speech"]["speaker"] == {"value": "王建国", "line": "县政协主席\u3000王建国"}
    assert report["speech"]["occasion"]["line"].startswith("——2024年1月11日")


def test_explain_names_a_family_module_and_the_override_that_chose_the_body(tmp_path):
    trs = FIXTURES / "trs" / "long" / "input.html"
    report = json.loads(explain("--format", "json", str(trs)))
    assert report["family"]["used"] == "trs" and report["family"]["scores"]["trs"] >= 4
    assert report["body"]["via"] == "trs body XPath"
    registry = tmp_path / "sites.toml"
    registry.write_text('[[site]]\nslug = "x"\nname = "x"\nregion = "x"\ncolumns = ["http://x.example/"]\n'
                        '[site.overrides]\nbody_xpath = "//div[@class=\'info\']"\n', encoding="utf-8")
    fixed = json.loads(explain("--format", "json", "--registry", str(registry), "--site", "x", str(trs)))
    assert fixed["body"]["via"] == "registry override body_xpath"
    assert fixed["overrides"] == {"body_xpath": "//div[@class='info']"}
    assert fixed["body"]["chosen"]["path"].endswith(".info")


def test_families_generic_and_the_environment_turn_family_modules_off():
    trs = str(FIXTURES / "trs" / "long" / "input.html")
    assert json.loads(run_cli("extract", trs, check=True).stdout)["family"] == "trs"
    assert json.loads(run_cli("extract", "--families", "generic", trs, check=True).stdout)["family"] == "generic"
    env = {"ARCHIVER_FAMILIES": "generic"}
    assert json.loads(run_cli("extract", trs, env=env, check=True).stdout)["family"] == "generic"
    report = json.loads(explain("--format", "json", "--family", "trs", trs, env=env))
    assert report["family"]["used"] == "generic" and report["family"]["allowed"] == ["generic"]
    proc = run_cli("extract", "--families", "trs,joomla", trs)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "'joomla'" in proc.stderr


BAD_PAGES = {
    "empty": "",
    "no_text": "<html><body><div></div></body></html>",
    "images_only": "<html><head><title>扫描件</title></head><body><div class='nr'>"
                   "<img src='/a/1.jpg'><img src='/a/2.jpg'></div></body></html>",
    "table_only": "<html><body><table><tr><td>日期</td><td>内容</td></tr>"
                  "<tr><td>1月5日</td><td>主席会议</td></tr></table></body></html>",
    "frame_only": "<html><frameset><frame src='/content.html'></frameset></html>",
    "attachment_only": "<html><body><a href='/files/讲话.pdf'>讲话全文.pdf</a></body></html>",
    "two_bodies": "<html><body><p>第一个正文段落，内容足够长，用来测试解析。</p></body>"
                  "<body><p>第二个正文段落，也要足够长才会被选中。</p></body></html>",
    "long_title": "<html><head><title>" + "很长的标题" * 400 + "</title></head><body><h1>"
                  + "长" * 2000 + "</h1><p>正文</p></body></html>",
    "future_date": "<html><body><h1>讲话</h1><div class='xx'>发布时间：2999-01-01</div>"
                   "<p>这是一段正文，内容足够长，用来测试未来日期。</p></body></html>",
    "before_1949": "<html><body><h1>讲话</h1><div class='xx'>发布时间：1900-01-01</div>"
                   "<p>这是一段正文，内容足够长，用来测试很早的日期。</p></body></html>",
}


def test_explain_never_raises_on_bad_input(tmp_path):
    files = []
    for name, html in BAD_PAGES.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    for fmt in ("json", "text"):
        proc = run_cli("extract", "--explain", "--format", fmt, *files)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        if fmt == "json":
            reports = [json.loads(line) for line in proc.stdout.splitlines()]
            assert len(reports) == len(files)
            assert all(r["body"]["chosen"] is None or r["body"]["chosen"]["chosen"] for r in reports)
        else:
            assert proc.stdout.count("\nfamily   ") == len(files)


@pytest.mark.parametrize("fixture", sorted(p.parent.name + "/" + p.parent.parent.name
                                           for p in FIXTURES.glob("*/*/input.html")))
def test_a_trace_changes_nothing_extracted(fixture):
    name, family = fixture.split("/")
    body = (FIXTURES / family / name / "input.html").read_bytes()
    page = FetchedPage("http://www.example.gov.cn/a/1.html", 200, body, datetime(2026, 1, 1, tzinfo=UTC))
    trace = Trace()
    traced = extract_record([page], trace=trace)
    assert traced.fields == extract_record([page]).fields
    assert trace.family == traced.family and trace.body_via
