"""Issue #16, over real HTTP against the replica: a registry's per-site overrides change what the
crawl stores (and the version says which override made it); ARCHIVER_FAMILIES=generic turns
every family module off, even the family the registry names."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.clirun import crawl, export_jsonl, run_cli, speech_gold

SIDEBAR_FIRST_DATE = "(//div[@class='left']//span[@class='date'])[1]"
FIRST_PARAGRAPH = "(//div[@class='content']//p[normalize-space()])[1]"


def write_registry(path, listing: str, *, family: str | None = "trs", overrides: dict | None = None) -> str:
    lines = ["[[site]]", 'slug = "replica_trs"', 'name = "复制站"', 'region = "测试"',
             f'columns = ["{listing}"]']
    if family:
        lines.append(f'family = "{family}"')
    if overrides:
        lines.append("[site.overrides]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in overrides.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def contexts(db_path) -> list[dict]:
    with sqlite3.connect(db_path) as conn:
        return [json.loads(row[0]) for row in conn.execute("SELECT context FROM snapshots")]


def run_stats(db_path) -> dict:
    with sqlite3.connect(db_path) as conn:
        (stats,) = conn.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(stats)


@pytest.fixture
def gold(replica) -> dict[str, dict]:
    found = speech_gold(replica, site="trs")
    assert len(found) >= 3
    return found


def test_registry_overrides_change_what_the_crawl_stores(replica, gold, tmp_path):
    registry = write_registry(tmp_path / "sites.toml", replica.sites["trs"]["listing"],
                              overrides={"date_xpath": SIDEBAR_FIRST_DATE, "body_xpath": FIRST_PARAGRAPH})
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    crawl(db, cwd=tmp_path, extra=("--registry", registry, "--site", "replica_trs"))
    records = {r["url"]: r for r in export_jsonl(db, cwd=tmp_path)}
    assert set(gold) <= set(records)
    for url, want in gold.items():
        got = records[url]
        # The body is the first paragraph the override points at, not the whole speech.
        assert got["body"] and set(got["body"].split("\n")) < set(want["body"].split("\n"))
    # Every article took the sidebar's first date: one date for articles of many days.
    assert len({records[u]["published_at"][:10] for u in gold}) == 1
    assert len({g["published_at"][:10] for g in gold.values()}) > 1
    for context in contexts(tmp_path / "a.sqlite3"):
        assert context["overrides"] == {"date_xpath": SIDEBAR_FIRST_DATE, "body_xpath": FIRST_PARAGRAPH}
    stats = run_stats(tmp_path / "a.sqlite3")
    assert stats["archiver/extract/override/body_xpath"] == len(contexts(tmp_path / "a.sqlite3"))


def test_without_overrides_the_same_crawl_stores_the_speech(replica, gold, tmp_path):
    registry = write_registry(tmp_path / "sites.toml", replica.sites["trs"]["listing"])
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    crawl(db, cwd=tmp_path, extra=("--registry", registry, "--site", "replica_trs"))
    records = {r["url"]: r for r in export_jsonl(db, cwd=tmp_path)}
    for url, want in gold.items():
        assert records[url]["body"] == want["body"]
    assert all("overrides" not in c and c["family"] == "trs" for c in contexts(tmp_path / "a.sqlite3"))


def test_archiver_families_generic_ignores_the_registry_family(replica, gold, tmp_path):
    registry = write_registry(tmp_path / "sites.toml", replica.sites["trs"]["listing"])
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    proc = crawl(db, cwd=tmp_path, extra=("--registry", registry, "--site", "replica_trs",
                                         "-s", "ARCHIVER_FAMILIES=generic"))
    assert "registry family 'trs' disabled by ARCHIVER_FAMILIES" in proc.stdout + proc.stderr
    stored = contexts(tmp_path / "a.sqlite3")
    assert len(stored) >= len(gold)
    assert {c["family"] for c in stored} == {"generic"}
    stats = run_stats(tmp_path / "a.sqlite3")
    assert stats["archiver/extract/family/generic"] == stats["archiver/extract/articles"]
    assert not any(key.startswith("archiver/extract/family/") and not key.endswith("/generic")
                   for key in stats)


def test_unknown_family_in_archiver_families_is_one_line_exit_2(replica, tmp_path):
    proc = run_cli("crawl", "--db", f"sqlite:///{tmp_path}/a.sqlite3", "--no-progress",
                   "-s", "ARCHIVER_FAMILIES=generic,wordpress", replica.sites["trs"]["listing"], cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "'wordpress'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_reprocess_applies_the_registry_overrides_added_after_the_crawl(replica, gold, tmp_path):
    plain = write_registry(tmp_path / "plain.toml", replica.sites["trs"]["listing"])
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    crawl(db, cwd=tmp_path, extra=("--registry", plain, "--site", "replica_trs"))
    fixed = write_registry(tmp_path / "fixed.toml", replica.sites["trs"]["listing"],
                           overrides={"body_xpath": FIRST_PARAGRAPH})
    proc = run_cli("reprocess", "--db", db, "--registry", fixed, "--site", "replica_trs", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    changed = [line for line in proc.stdout.splitlines() if line.startswith("new version: ")]
    assert len(changed) == len(contexts(tmp_path / "a.sqlite3")) // 2 >= len(gold)
    records = {r["url"]: r for r in export_jsonl(db, cwd=tmp_path)}
    for url, want in gold.items():
        assert set(records[url]["body"].split("\n")) < set(want["body"].split("\n"))
    with sqlite3.connect(tmp_path / "a.sqlite3") as conn:
        rows = conn.execute("SELECT reason, context FROM snapshots WHERE version = 2").fetchall()
    assert rows and all(r == "reextract" and json.loads(c)["overrides"] == {"body_xpath": FIRST_PARAGRAPH}
                        for r, c in rows)


def test_extract_site_applies_the_overrides_and_says_which(replica, gold, tmp_path):
    registry = write_registry(tmp_path / "sites.toml", replica.sites["trs"]["listing"],
                              overrides={"date_xpath": SIDEBAR_FIRST_DATE})
    url = min(gold, key=lambda u: gold[u]["published_at"])  # not the sidebar's newest
    plain = json.loads(run_cli("extract", url, cwd=tmp_path, check=True).stdout)
    fixed = json.loads(run_cli("extract", "--registry", registry, "--site", "replica_trs", url,
                               cwd=tmp_path, check=True).stdout)
    assert plain["published_at"] == gold[url]["published_at"]
    assert fixed["published_at"] != plain["published_at"] and fixed["published_from"] == "info"
    assert fixed["overrides"] == {"date_xpath": SIDEBAR_FIRST_DATE} and "overrides" not in plain
    proc = run_cli("extract", "--site", "no_such_site", url, cwd=tmp_path)
    assert proc.returncode == 2 and "no_such_site" in proc.stderr and "Traceback" not in proc.stderr
