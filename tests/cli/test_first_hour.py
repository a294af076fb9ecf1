"""Issue #17: what a new user types in the first hour works — a plain path for --db, search terms
as arguments, a URL pasted in any usual form, the registry's names and regions."""

from __future__ import annotations

import json
import sqlite3

import pytest

from archiver.replica.registry import REGIONS, registry_toml
from tests.clirun import SPEECH_COLUMN, run_cli


@pytest.fixture(scope="module")
def archive(replica, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("first-hour")
    registry = tmp / "replica.toml"
    registry.write_text(registry_toml(replica.sites), "utf-8")
    # A plain relative path, as a user types it; the folder does not exist yet.
    proc = run_cli("crawl", "--db", "data/a.sqlite3", "--registry", str(registry), "--site", "trs",
                   "--delay", "0", "--no-progress", cwd=tmp, check=True)
    assert "trs: ok" in proc.stdout
    return tmp


def test_a_plain_path_works_for_every_read_command(archive):
    for args in (["stats"], ["runs"], ["verify"], ["db", "current"], ["export", "--output", "-"],
                 ["search", "政协"], ["reindex"], ["reprocess"], ["db", "upgrade"]):
        proc = run_cli(*args, "--db", "data/a.sqlite3", cwd=archive)
        assert proc.returncode == 0, (args, proc.stderr[-1000:])
    plain = run_cli("export", "--db", "data/a.sqlite3", cwd=archive, check=True).stdout
    url = run_cli("export", "--db", f"sqlite:///{archive}/data/a.sqlite3", cwd=archive, check=True).stdout
    assert plain == url and plain.count("\n") >= 10


def test_the_sites_names_and_regions_are_stored_and_shown(archive):
    con = sqlite3.connect(archive / "data" / "a.sqlite3")
    assert con.execute("SELECT slug, name, region FROM sites").fetchall() == [("trs", "荆州市政协", REGIONS["trs"])]
    stats = json.loads(run_cli("stats", "--db", "data/a.sqlite3", "--format", "json", cwd=archive, check=True).stdout)
    assert stats["per_site"][0]["name"] == "荆州市政协" and stats["per_site"][0]["region"] == "湖北省荆州市"
    table = run_cli("stats", "--db", "data/a.sqlite3", cwd=archive, check=True).stdout
    assert "荆州市政协" in table and "湖北省荆州市" in table


def jsonl_urls(archive, *args: str) -> list[str]:
    proc = run_cli("search", "--db", "data/a.sqlite3", "--format", "jsonl", "--limit", "100", *args,
                   cwd=archive, check=True)
    return [json.loads(line)["url"] for line in proc.stdout.splitlines()]


def test_search_terms_are_separate_arguments(archive, replica):
    separate = jsonl_urls(archive, "政协", "委员")
    quoted = jsonl_urls(archive, "政协 委员")
    assert separate == quoted and separate
    # Every term must match: the two-term result is within each one-term result.
    assert set(separate) <= set(jsonl_urls(archive, "委员")) and set(separate) <= set(jsonl_urls(archive, "政协"))


def test_search_help_shows_percent_once_and_the_query_is_printed_literally(archive):
    help_text = run_cli("search", "--help", cwd=archive, check=True).stdout
    assert "%" in help_text and "%%" not in help_text
    proc = run_cli("search", "--db", "data/a.sqlite3", "[red]x[/red]", cwd=archive, check=True)
    assert "[red]x[/red]" in proc.stdout


def test_an_unknown_site_is_named_not_an_empty_result(archive):
    proc = run_cli("search", "--db", "data/a.sqlite3", "政协", "--site", "hanweb", cwd=archive)
    assert proc.returncode == 2 and "no site 'hanweb'" in proc.stderr and "trs" in proc.stderr


def test_dates_must_exist(archive):
    for bad in ("2023-02-30", "2023-13", "2023-00", "23-01-01"):
        proc = run_cli("search", "--db", "data/a.sqlite3", "--speaker", "蒋鸿", "--since", bad, cwd=archive)
        assert proc.returncode == 2 and bad in proc.stderr, bad
    ok = run_cli("search", "--db", "data/a.sqlite3", "--speaker", "蒋鸿", "--since", "2024-02-29", cwd=archive)
    assert ok.returncode == 0, ok.stderr


def test_show_finds_an_article_however_its_url_is_pasted(archive, replica):
    gold = next(g for g in replica.gold(site="trs") if g["column"] == SPEECH_COLUMN and len(g["pages"]) == 3
                and g["status"] == "live")
    first = gold["url"]
    assert first.startswith("http://127.0.0.1:")
    later_page = gold["pages"][2]
    assert later_page != first
    forms = [first, first.replace("http://", "HTTP://"), first + "#content", first.removeprefix("http://"),
             " " + first + " ", later_page, later_page + "#p2"]
    for form in forms:
        proc = run_cli("show", form, "--db", "data/a.sqlite3", cwd=archive)
        assert proc.returncode == 0, (form, proc.stderr)
        assert proc.stdout.splitlines()[0] == first, form
        assert gold["title"] in proc.stdout
    missing = run_cli("show", first.replace(".shtml", "_9.shtml"), "--db", "data/a.sqlite3", cwd=archive)
    assert missing.returncode == 1 and "not in the archive" in missing.stderr


def test_read_commands_leave_no_folder_behind(tmp_path):
    for args in (["stats"], ["export"], ["db", "current"], ["search", "x"], ["verify"], ["runs"]):
        proc = run_cli(*args, "--db", "nosuch/archive.sqlite3", cwd=tmp_path)
        assert proc.returncode in (0, 2) and "Traceback" not in proc.stderr, args
    assert not (tmp_path / "nosuch").exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize("given,stored", [
    ("HTTP://WWW.Example.ORG/a/B.html#x", "http://www.example.org/a/B.html"),
    ("www.example.org/a.php?id=1", "http://www.example.org/a.php?id=1"),
    ("https://example.org:443/a", "https://example.org/a"),
    ("http://example.org:80/a?b=C#frag", "http://example.org/a?b=C"),
    ("http://example.org:8080", "http://example.org:8080/"),
])
def test_article_url_normalisation(given, stored):
    from archiver.cli.options import article_url

    assert article_url(given) == stored


def test_sites_lists_names_and_regions(tmp_path):
    registry = tmp_path / "r.toml"
    registry.write_text(registry_toml({"trs": {"name": "荆州市政协", "family": "trs",
                                               "listing": "http://127.0.0.1:9/ldjh/index.shtml"}}), "utf-8")
    out = run_cli("sites", "--registry", str(registry), cwd=tmp_path, check=True).stdout
    assert out.split("\n")[0].split("\t") == ["trs", "trs", "verified", "荆州市政协",
                                              "http://127.0.0.1:9/ldjh/index.shtml", "湖北省荆州市"]
    bundled = run_cli("sites", cwd=tmp_path, check=True).stdout
    assert "hubei_jingzhou\ttrs\tunverified\t荆州市政协\thttp://www.hbjzszx.gov.cn/ldjh/index.shtml\t湖北省荆州市" in bundled
