"""The archive commands: help everywhere, stats, runs, db, reprocess."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from archiver.cli import build_parser, main
from archiver.pipelines import reprocess
from storage import db, repository
from storage.models import Snapshot
from tests.storage.helpers import T0, fields, page, store

URL = "http://www.jzzx.gov.cn/ldjh/202305/t20230522_1.html"
COMMANDS = ["export", "verify", "reprocess", "show", "search", "stats", "runs", "db"]


def _subparsers(parser):  # type: ignore[no-untyped-def]
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            return action
    return None


def test_every_archive_command_and_option_has_help() -> None:
    commands = _subparsers(build_parser())
    helps = {a.dest: a.help for a in commands._choices_actions}
    for name in COMMANDS:
        assert helps.get(name), f"{name} has no help"
        parsers = [commands.choices[name]]
        if name == "db":
            sub = _subparsers(parsers[0])
            assert {a.dest: a.help for a in sub._choices_actions}.keys() == {"upgrade", "current"}
            parsers = list(sub.choices.values())
        for parser in parsers:
            assert parser.description, f"{parser.prog} has no description"
            for action in parser._actions:
                if action.dest not in ("help", "db_command"):
                    assert action.help, f"{parser.prog} {action.option_strings or action.dest} has no help"


def test_help_exits_zero(capsys) -> None:  # type: ignore[no-untyped-def]
    for name in COMMANDS:
        with pytest.raises(SystemExit) as exc:
            main([name, "--help"])
        assert exc.value.code == 0
    assert "--all-versions" in capsys.readouterr().out


def test_db_upgrade_and_current(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'new' / 'a.sqlite3'}"
    assert main(["db", "current", "--db", url]) == 0
    assert "(empty database)" in capsys.readouterr().out
    assert main(["db", "upgrade", "--db", url]) == 0
    assert main(["db", "current", "--db", url]) == 0
    assert capsys.readouterr().out.strip() == db.current_revision(url) == db.HEAD_REVISION
    assert main(["db"]) == 2


def test_db_option_defaults_to_env(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARCHIVER_DB", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "env.sqlite3").exists()


def test_stats(session, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    store(session, URL, fields(published_at="2023-05-22"))
    store(session, URL + "?2", fields(published_at="2022-01-01", speaker="王强"), site="hubei_wuhan")
    # All three share title and body, hence the same raw page bytes: one stored body.
    store(session, URL + "?3", fields(published_at=None, speaker="王强"), site="hubei_wuhan")
    assert main(["stats", "--db", db_url, "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"] == 3 and stats["versions"] == 3 and stats["fetches"] == 3
    assert [(s["site"], s["articles"]) for s in stats["per_site"]] == [("hubei_jingzhou", 1), ("hubei_wuhan", 2)]
    assert {y["year"]: y["articles"] for y in stats["per_year"]} == {"2022": 1, "2023": 1, "unknown": 1}
    assert stats["per_speaker"][0] == {"speaker": "王强", "articles": 2}
    size = stats["storage"]
    assert size["bodies"] == 1
    assert size["fetched_bytes"] == 3 * size["raw_bytes"] and size["compressed_bytes"] > 0
    assert main(["stats", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "per speaker" in out and "王强" in out and "hubei_wuhan" in out


def test_runs(session, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    first = repository.start_run(session, args={"sites": ["a"]}, software_version="0.1.0", started_at=T0)
    repository.finish_run(session, first.id, stats={"item_scraped_count": 7}, outcome="ok",
                          sites_summary={"a": {"new": 7}})
    second = repository.start_run(session, args={"sites": ["b"]}, software_version="0.1.1")
    session.commit()
    assert main(["runs", "--db", db_url, "--format", "jsonl"]) == 0
    runs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in runs] == [second.id, first.id]
    assert runs[1]["outcome"] == "ok" and runs[1]["stats"] == {"item_scraped_count": 7}
    assert runs[0]["outcome"] == "running" and runs[0]["finished_at"] is None
    assert main(["runs", "--db", db_url, "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "running" in out and "0.1.1" in out and "item_scraped_count" not in out


def _fake_extractor(change: bool):  # type: ignore[no-untyped-def]
    seen = []

    def extract(pages, *, family=None, listing_title=None, listing_date=None, overrides=None, families=None):  # type: ignore[no-untyped-def]
        seen.append((pages, family, listing_title, listing_date))
        body = pages[0].body.decode()
        return SimpleNamespace(fields=fields(body=body + ("（新规则）" if change else "")), audit=[],
                               family=family or "trs", soft_404=False)

    return extract, seen


def test_reprocess_adds_versions_only_where_extraction_changed(session, db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    # v1 as the old extractor saw it: fields = body of the raw page.
    for i, url in enumerate((URL, URL + "?2")):
        raw = f"<p>正文{i}</p>"
        fetch = repository.record_fetch(session, run_id=None, site_slug="s", page=page(url, raw), kind="article")
        repository.add_version(session, run_id=None, site_slug="s", url=url, fields=fields(body=raw),
                               audit=[], extractor="cppcc-archiver/0.9", fetches=[fetch], seen_at=T0,
                               context={"family": "trs", "listing_title": "标题", "listing_date": "2023-05-22"})
    session.commit()

    extract, seen = _fake_extractor(change=False)
    monkeypatch.setattr(reprocess, "default_extractor", lambda: (extract, "cppcc-archiver/1.0"))
    assert main(["reprocess", "--db", db_url]) == 0
    assert len(seen) == 2 and seen[0][1:] == ("trs", "标题", "2023-05-22")
    assert seen[0][0][0].body == "<p>正文0</p>".encode() and seen[0][0][0].fetched_at == T0
    assert session.query(Snapshot).count() == 2

    extract, seen = _fake_extractor(change=True)
    monkeypatch.setattr(reprocess, "default_extractor", lambda: (extract, "cppcc-archiver/1.0"))
    assert main(["reprocess", "--db", db_url, "--site", "s"]) == 0
    assert "examined 2: 2 changed" in capsys.readouterr().err
    session.expire_all()
    v2 = repository.get_article(session, URL)
    assert v2.current_version == 2
    snap = list(repository.iter_versions(session, repository.get_article(session, URL).id))[-1]
    assert snap.reason == "reextract" and snap.extractor == "cppcc-archiver/1.0"
    assert snap.previous_extractor == "cppcc-archiver/0.9" and snap.body.endswith("（新规则）")
    assert [f.id for f in repository.iter_snapshot_fetches(session, snap.id)] == [1]  # same raw page
    assert v2.last_seen_at == T0  # reprocessing fetched nothing


def test_reprocess_reports_failures(session, db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    store(session, URL)

    def broken(pages, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("bad page")

    monkeypatch.setattr(reprocess, "default_extractor", lambda: (broken, "x/2"))
    assert main(["reprocess", "--db", db_url]) == 1
    assert "RuntimeError: bad page" in capsys.readouterr().err


def test_reprocess_with_the_real_extractor(session, db_url) -> None:  # type: ignore[no-untyped-def]
    record = pytest.importorskip("archiver.article")
    html = ("<html><head><meta charset='utf-8'><title>在市政协会议上的讲话</title></head><body>"
            "<h1>在市政协会议上的讲话</h1><div class='info'>发布时间：2023-05-22 来源：市政协</div>"
            "<div id='content'><p>各位委员：</p><p>今天会议圆满完成各项议程。</p></div></body></html>")
    fetch = repository.record_fetch(session, run_id=None, site_slug="s", page=page(URL, html), kind="article")
    pages = [reprocess.page_from_fetch(session, fetch)]
    result = record.extract_record(pages)
    repository.add_version(session, run_id=None, site_slug="s", url=URL, fields=result.fields,
                           audit=result.audit, extractor=record.EXTRACTOR, fetches=[fetch], seen_at=T0)
    session.commit()
    engine = db.make_engine(db_url)
    report = reprocess.reprocess(db.make_session_factory(engine))
    engine.dispose()
    assert report.examined == 1 and report.unchanged == 1 and not report.failures
