"""Issue #17: the project's spider runs the Scrapy way, `scrapy crawl column -a …`, from a checkout
(scrapy.cfg), and stores what `cppcc-archiver crawl` would."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from archiver.replica.registry import registry_toml
from tests.clirun import ROOT, speech_gold


def scrapy(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ARCHIVER_DB", None)
    return subprocess.run([sys.executable, "-m", "scrapy.cmdline", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_scrapy_list_and_crawl_with_string_arguments(replica, tmp_path):
    assert scrapy("list").stdout.split() == ["column"]
    db = tmp_path / "scrapy.sqlite3"
    registry = tmp_path / "replica.toml"
    registry.write_text(registry_toml(replica.sites), "utf-8")
    proc = scrapy("crawl", "column", "-a", f"registry={registry}", "-a", "site=trs",
                  "-a", f"url={replica.sites['legacy']['listing']}", "-a", f"db={db}",
                  "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO")
    assert proc.returncode == 0, proc.stderr[-3000:]
    con = sqlite3.connect(db)
    stored = {url for (url,) in con.execute("SELECT url FROM articles")}
    assert set(speech_gold(replica, site="trs")) <= stored
    assert set(speech_gold(replica, site="legacy")) <= stored
    sites = dict(con.execute("SELECT slug, name FROM sites"))
    # The registered replica site by its slug and name; both listing URLs' hosts are in the registry.
    assert sites == {"trs": "荆州市政协", "legacy": "凤山县政协"}


def test_scrapy_crawl_without_targets_says_what_to_give(tmp_path):
    proc = scrapy("crawl", "column", "-a", f"db={tmp_path / 'x.sqlite3'}")
    assert proc.returncode == 1
    assert "give -a url=LISTING_URL" in proc.stderr
    assert not (tmp_path / "x.sqlite3").exists()
