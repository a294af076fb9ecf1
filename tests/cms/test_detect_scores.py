"""Every family's detection score on every fixture page, pinned (issue #18).

The clue tables are data on each family class; reshaping how a family declares them must leave
each score exactly as it was. The expected scores were recorded once, before any reshaping, in
tests/fixtures/detection-scores.json; the probes below reach the clues no fixture page fires.
A changed weight, a dropped clue or a pattern that matches differently fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.cms.detect import family_scores
from archiver.extract.encoding import decode_html

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
EXPECTED = json.loads((ROOT / "detection-scores.json").read_text("utf-8"))

# (url, page text, the scores that differ from 0): one probe per clue no fixture page fires.
PROBES = [
    ("http://x.gov.cn/module/web/jpage/dataproxy.jsp?page=2", "", {"hanweb": 6}),
    ("http://x.gov.cn/", "<script src='/js/HanWeb.js'></script>", {"hanweb": 8}),
    ("http://x.gov.cn/html/news-view-61578.html", "", {"legacy": 4}),
    ("http://x.gov.cn/ShowClass.asp?ClassID=3", "", {"legacy": 4}),
    ("http://x.gov.cn/Article/index/id/3.html", "", {"legacy": 4}),
    ("http://x.gov.cn/", "url: 'list.jsp?pageSize=20&pagenum=1'", {"post": 4}),
]


def _page(case: Path) -> tuple[str, str]:
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    raw = (case / "input.html").read_bytes()
    return expected["url"], decode_html(raw, header_charset=expected.get("content_type")).text


@pytest.mark.parametrize("case_id", sorted(EXPECTED))
def test_fixture_scores_are_pinned(case_id: str) -> None:
    url, text = _page(ROOT / case_id)
    assert family_scores(url, text) == EXPECTED[case_id]


def test_every_fixture_page_is_pinned() -> None:
    cases = {f"{p.parent.parent.name}/{p.parent.name}" for p in ROOT.glob("*/*/expected.json")}
    assert cases == set(EXPECTED)


@pytest.mark.parametrize("url, text, nonzero", PROBES)
def test_probe_scores_are_pinned(url: str, text: str, nonzero: dict[str, int]) -> None:
    assert {k: v for k, v in family_scores(url, text).items() if v} == nonzero
