"""Issue #22: `crawl` on an entry that knows only a homepage discovers its columns first (never
crawls the homepage as a listing), caches them in the archive (crawl_runs.sites_summary) and
discovers again when the column stops yielding."""

from __future__ import annotations

import json
import sqlite3

from tests.clirun import export_jsonl, run_cli, speech_gold


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


def test_a_homepage_without_speech_columns_is_reported_not_crawled(fresh_replica, tmp_path):
    rp = fresh_replica
    rp.fault("trs", None, "robots", disallow=["/ldjh/", "/lm/"])
    proc = crawl(tmp_path, registry(tmp_path, rp.url("trs")), "--site", "jingzhou")
    assert proc.returncode == 1
    assert "jingzhou: failed" in proc.stdout and "not crawled" in proc.stdout
    assert "Traceback" not in proc.stderr
