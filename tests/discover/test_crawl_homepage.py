"""Issue #22: `crawl` on an entry that knows only a homepage discovers its columns first (never
crawls the homepage as a listing), caches them in the archive (crawl_runs.sites_summary) and
discovers again when the column stops yielding."""

from __future__ import annotations

import json
import sqlite3

import pytest

from archiver.replica.testing import ReplicaProcess
from tests.clirun import export_jsonl, run_cli, speech_gold


@pytest.fixture(scope="module")
def replica_rw():
    """A small private replica whose faults the tests below set and clear."""
    with ReplicaProcess(scale=5, sites=["trs"]) as rp:
        yield rp


def registry(tmp_path, homepage: str):
    path = tmp_path / "sites.toml"
    path.write_text(f'[[site]]\nslug = "jingzhou"\nname = "荆州市政协"\nregion = "湖北省荆州市"\n'
                    f'homepage = "{homepage}"\nsource = "replica"\n', encoding="utf-8")
    return str(path)


def crawl(tmp_path, reg: str, *extra: str):
    return run_cli("crawl", "--db", f"sqlite:///{tmp_path}/a.sqlite3", "--delay", "0", "--no-progress",
                   "--registry", reg, *extra, cwd=tmp_path)


def last_summary(tmp_path) -> dict:
    with sqlite3.connect(tmp_path / "a.sqlite3") as conn:
        (summary,) = conn.execute("SELECT sites_summary FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(summary)["jingzhou"]


def homepage_hits(log) -> int:
    return sum(1 for e in log if e["path"] == "/")


def test_homepage_entries_are_discovered_then_cached_then_rediscovered(fresh_replica, tmp_path):
    rp = fresh_replica
    reg = registry(tmp_path, rp.url("trs"))
    proc = crawl(tmp_path, reg, "--all")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = {r["url"] for r in export_jsonl(f"sqlite:///{tmp_path}/a.sqlite3", cwd=tmp_path)}
    gold = speech_gold(rp, site="trs")
    assert set(gold) <= records
    summary = last_summary(tmp_path)
    assert summary["discovered"]["columns"] == [rp.sites["trs"]["listing"]]
    assert summary["discovered"]["cached"] is False
    assert homepage_hits(rp.access_log(site="trs")) == 1  # read once for discovery, never walked

    rp.clear_log()
    assert crawl(tmp_path, reg, "--site", "jingzhou").returncode == 0
    assert homepage_hits(rp.access_log(site="trs")) == 0  # the cache was used
    assert last_summary(tmp_path)["discovered"]["cached"] is True

    # The column stops yielding (moved away): this run fails and says so; the next rediscovers.
    rp.fault("trs", "/ldjh/*", "status", status=404)
    rp.clear_log()
    assert crawl(tmp_path, reg, "--site", "jingzhou").returncode != 0
    rp.clear_faults()
    assert crawl(tmp_path, reg, "--site", "jingzhou").returncode == 0
    assert homepage_hits(rp.access_log(site="trs")) == 1
    assert last_summary(tmp_path)["discovered"]["cached"] is False


@pytest.mark.parametrize("mode,params,says", [
    ("robots", {"disallow": ["/ldjh/", "/lm/"]}, "robots.txt disallows"),
    # the only speech-named column (讲话) lists photo news: not swapped for 全体会议's one speech
    ("homepage", {"shape": "decoy"}, "is named for speeches but none of the"),
])
def test_a_homepage_without_speech_columns_is_reported_not_crawled(replica_rw, tmp_path, mode, params, says):
    rp = replica_rw
    rp.clear_faults()
    rp.fault("trs", None, mode, **params)
    rp.clear_log()
    proc = crawl(tmp_path, registry(tmp_path, rp.url("trs")), "--site", "jingzhou")
    paths = [e["path"] for e in rp.access_log(site="trs")]
    rp.clear_faults()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "jingzhou: failed" in proc.stdout and "not crawled" in proc.stdout
    assert says in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stderr
    # the meeting column was sampled, none of its articles crawled
    assert not any(p.startswith("/lm/qthy/") and p != "/lm/qthy/index.html" for p in paths)
    assert paths.count("/") == 1  # read for discovery, not walked as a listing
