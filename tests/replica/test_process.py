"""The command line entry point and the in-process gold function."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from archiver.replica.gold import gold
from tests.replica.helpers import fetch


def test_cli_prints_one_json_line_and_stops_on_sigterm():
    proc = subprocess.Popen([sys.executable, "-m", "archiver.replica", "--day", "2", "--sites", "trs,post",
                             "--no-stdin"], stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(proc.stdout.readline())
        assert set(info["sites"]) == {"trs", "post"}
        site = info["sites"]["trs"]
        assert site["listing"] == site["base"] + "/ldjh/index.shtml"
        assert site["family"] == "trs" and site["name"] == "荆州市政协"
        assert json.loads(fetch(info["control"] + "/day")[2]) == {"day": 2}
        assert fetch(site["listing"])[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_in_process_gold_matches_served_gold(replica):
    served = replica.gold(site="detail")
    local = gold(day=1, site="detail")
    assert len(served) == len(local)
    base = replica.sites["detail"]["base"]
    for s, l in zip(served, local):
        assert s["url"] == base + l["url"] and s["path"] == l["path"]
        assert {k: v for k, v in s.items() if k not in ("url", "pages", "images", "attachments", "also_at",
                                                         "duplicate_of")} == \
               {k: v for k, v in l.items() if k not in ("url", "pages", "images", "attachments", "also_at",
                                                         "duplicate_of")}


def test_gold_record_shape(replica):
    rows = replica.gold()
    keys = {"site", "family", "column", "key", "url", "path", "pages", "title", "listing_title", "published_at", "source",
            "author", "editor", "body", "images", "attachments", "speaker", "speaker_title", "occasion",
            "delivered_on", "kind", "status", "edited_on_day", "duplicate_of", "also_at", "boilerplate"}
    assert all(set(r) == keys for r in rows)
    assert len({r["url"] for r in rows}) == len(rows)
    assert all(r["status"] == "live" for r in rows)
    formats = {len(r["published_at"]) for r in rows}
    assert formats == {10, 25}
    assert any(r["images"] and r["images"][0]["caption"] for r in rows)
    cut = [r for r in rows if r["listing_title"] and r["listing_title"].endswith("...")]
    assert cut and all(r["title"].startswith(r["listing_title"][:-3]) for r in cut)
