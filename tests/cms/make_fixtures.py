"""Regenerate the replica-derived fixtures under tests/fixtures/<family>/<case>/.

    python -m tests.cms.make_fixtures trs:seed hanweb:sub14 "trs:listing:2:/ldjh/index_2.shtml"

An article case is `family:key` (keys from archiver/replica/data/specials.toml or `gN`); a listing case
is `family:listing:INDEX:PATH` (INDEX = the 0-based screen page PATH shows). Each case gets the
bytes the replica serves (`input.html`) and an `expected.json` computed from the replica's own
article objects and gold records (never from our extractor), readable and editable by a person.
"now" (`fetched_at`) is frozen in the fixture.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import parse_qsl

from archiver.replica.families import build_sites
from archiver.replica.families.base import Req
from archiver.replica.gold import record

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
HOST = "http://127.0.0.1:8000"
FETCHED_AT = "2025-06-03T01:00:00+00:00"
# Disagreements that are other modules' to fix, kept in the regenerated expected.json so the
# rest of each fixture still guards the CMS layer (test_fixtures.py reports them as warnings).
KNOWN_GAPS = {
    "legacy/padded": {"body": "normalize_text collapses the padded name line 罗  军 to 罗 军; gold keeps "
                              "the padding (archiver/extract/text.py)"},
}
FIELDS = ("title", "published_at", "source", "author", "editor", "body", "images", "attachments",
          "speaker", "speaker_title", "occasion", "delivered_on")


def serve(fam, path_query: str):
    path, _, query = path_query.partition("?")
    req = Req("GET", path, dict(parse_qsl(query)), query)
    resp = fam.route(req, 1)
    assert resp is not None and resp.status == 200, path_query
    return resp


def make(case: str, sites) -> None:
    parts = case.split(":", 3)
    name = parts[0]
    fam = sites[name]
    if parts[1] == "listing":
        idx, path = int(parts[2]), parts[3]
        resp = serve(fam, path)
        arts = fam.store.page(1, idx, fam.spec.per_page)
        slug = "listing-" + re.sub(r"[^0-9A-Za-z]+", "-", path).strip("-")
        expected = {"kind": "listing", "url": HOST + path, "family": name,
                    "content_type": resp.content_type,
                    "entries": [HOST + fam.article_path(a) for a in arts],
                    "titles": [a.title for a in arts]}
    else:
        key = parts[1]
        a = next(x for x in fam.store.all_articles(1) if x.key == key)
        resp = serve(fam, fam.article_path(a))
        gold = record(fam, a, 1, HOST)
        slug = key
        fields = {k: gold[k] for k in FIELDS}
        if a.pages > 1:
            fields["body"] = None  # this page only: the gold test checks the merged body
            fields["images"] = None
            fields["attachments"] = None
        expected = {"kind": "article", "url": gold["url"], "family": name, "fetched_at": FETCHED_AT,
                    "content_type": resp.content_type, "fields": fields,
                    "continuation_urls": gold["pages"][1:], "body_not_contains": gold["boilerplate"]}
    if f"{name}/{slug}" in KNOWN_GAPS:
        expected["known_gaps"] = KNOWN_GAPS[f"{name}/{slug}"]
    out = ROOT / name / slug
    out.mkdir(parents=True, exist_ok=True)
    (out / "input.html").write_bytes(resp.body)
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print("wrote", out.relative_to(ROOT.parent.parent))


if __name__ == "__main__":
    built = build_sites(20)
    for arg in sys.argv[1:]:
        make(arg, built)
