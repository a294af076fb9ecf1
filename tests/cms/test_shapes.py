"""Real-site page shapes no replica family has (issues #16 item 1 and #23), every field exact.

Each case in tests/fixtures/shapes/ is a page we wrote ourselves to reproduce what government,
CPPCC-press and news sites serve (a channel name in <h1>, a headline in <h5> or bold text in a
table cell, a date and its time in two spans, a source glued to widgets, font/QR/back widgets in
the body, DedeCMS separators and pagers, image-only scans, data tables, traditional characters).
`expected.json` is gold written by hand (`why` says which shape); it is checked twice: as the
crawler runs it (family detected) and with the family modules switched off (`generic`).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from archiver.article import extract_record
from archiver.items import FetchedPage

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "shapes"
CASES = sorted(p.parent for p in ROOT.glob("*/expected.json"))


def _run(case: Path, family: str | None) -> tuple[dict, object]:
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    ctype = expected.get("content_type")
    page = FetchedPage(url=expected["url"], status=200, body=(case / "input.html").read_bytes(),
                       fetched_at=datetime.fromisoformat(expected["fetched_at"]),
                       response_headers=[("Content-Type", ctype)] if ctype else [])
    return expected, extract_record([page], family=family, listing_title=expected.get("listing_title"))


def test_every_shape_has_a_case() -> None:
    assert len(CASES) >= 12


@pytest.mark.parametrize("family", [None, "generic"], ids=["detected", "generic"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_shape_fields_exact(case: Path, family: str | None) -> None:
    expected, result = _run(case, family)
    got = {key: result.fields[key] for key in expected["fields"]}
    assert got == expected["fields"]
    assert result.continuation_urls == expected["continuation_urls"]
    for chrome in expected["body_not_contains"]:
        assert chrome not in result.fields["body"], chrome
    # Every removal is named: the rules the case exists for show up in the audit (and so in stats).
    rules = {entry["rule"] for entry in result.audit}
    assert set(expected.get("audit_rules", [])) <= rules, rules
