"""Speeches published as files on every replica family (issue #19, "Must reach"): one default
crawl (files on, no flag) over real HTTP of the six modelled families' sites and the issue #14
platforms (walked by the generic path); on each site the
PDF, DOCX, WPS (with an .xls beside it) and scanned-image articles are stored with their files hashed as served, verified,
searchable by a phrase only in the attachment, and in a WARC that `warcio check` passes.
test_files_crawl.py covers one site in depth (bad inputs, revisits, reprocess)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import urllib.request

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.replica.files import FILE_PHRASE
from archiver.replica.sites import MODELLED_SITES, NEW_SITES
from archiver.replica.testing import ReplicaProcess
from tests.clirun import crawl, export_jsonl, run_cli

KINDS = ("file-pdf", "file-docx", "file-wps", "file-scan")
SITES = MODELLED_SITES + NEW_SITES


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("families")
    # scale 12: the largest site's special articles, so every site serves few generic ones
    with ReplicaProcess(scale=12, sites=list(SITES)) as rp:
        db = f"sqlite:///{tmp / 'a.sqlite3'}"
        proc = crawl(db, *(rp.sites[s]["listing"] for s in SITES), cwd=tmp, check=False)
        gold = {(g["site"], g["key"]): g for g in rp.gold(boilerplate=False) if g["key"] in KINDS}
        served = {f["url"]: hashlib.sha256(urllib.request.urlopen(f["url"]).read()).hexdigest()
                  for g in gold.values() for f in g["attachments"] + g["images"]}
        yield db, tmp, proc, gold, served


def test_every_family_stores_its_file_speeches_hashed_as_served_and_verified(crawled):
    db, tmp, proc, gold, served = crawled
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert {site for site, _ in gold} == set(SITES) and len(gold) == 4 * len(SITES)
    records = {r["url"]: r for r in export_jsonl(db, cwd=tmp)}
    wrong = {}
    for (site, key), g in gold.items():
        record = records.get(g["url"])
        if record is None:
            wrong[site, key] = "article not stored"
            continue
        files = record["attachments"] + record["images"]
        expected = [f["url"] for f in g["attachments"] + g["images"]]
        if [f["url"] for f in files] != expected:
            wrong[site, key] = ("links", [f["url"] for f in files])
        elif any(f.get("status") != "stored" or f.get("sha256") != served[f["url"]] for f in files):
            wrong[site, key] = [(f.get("status"), f.get("reason")) for f in files]
        elif key in ("file-pdf", "file-docx") and FILE_PHRASE[key[5:]] not in files[0].get("text", ""):
            wrong[site, key] = ("text", files[0].get("text_status"), files[0].get("reason"))
        elif key == "file-wps" and files[0].get("reason") != "no text: format WPS/Works":
            wrong[site, key] = ("wps", files[0].get("reason"))
        elif key == "file-wps" and (files[1].get("media_type") != "application/vnd.ms-excel"
                                    or FILE_PHRASE["xls"] not in (files[1].get("text") or "")):
            wrong[site, key] = ("xls", files[1].get("media_type"), files[1].get("reason"))
    assert not wrong, wrong
    verify = run_cli("verify", "--db", db, cwd=tmp)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_every_family_is_searchable_by_a_phrase_only_in_its_attachment(crawled):
    db, tmp, _, gold, _ = crawled
    for ext, key in (("pdf", "file-pdf"), ("docx", "file-docx"), ("xls", "file-wps")):
        out = run_cli("search", "--db", db, FILE_PHRASE[ext], "--format", "jsonl", "--limit", "500",
                      cwd=tmp, check=True)
        hits = {h["url"]: h for h in map(json.loads, out.stdout.splitlines())}
        want = {g["url"] for (_, k), g in gold.items() if k == key}
        assert want <= set(hits), sorted(want - set(hits))
        assert all(hits[u]["found_in"].startswith("attachment http") for u in want)


def test_every_familys_files_are_in_a_warc_that_warcio_checks(crawled):
    db, tmp, _, gold, served = crawled
    warc = tmp / "all.warc.gz"
    run_cli("export", "--db", db, "--format", "warc", "--output", str(warc), cwd=tmp, check=True)
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with warc.open("rb") as stream:
        responses = {r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream)
                     if r.rec_type == "response"}
    assert set(served) <= responses, sorted(set(served) - responses)
