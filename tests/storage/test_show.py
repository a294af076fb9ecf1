"""`show`: an article's history, and diffs that make sense for Chinese text."""

from __future__ import annotations

from datetime import timedelta

from archiver.cli import main
from storage import repository
from storage.types import utc_iso
from storage.diff import diff_text, format_plain, split_sentences
from tests.storage.helpers import T0, fields, store

URL = "http://www.jzzx.gov.cn/ldjh/202305/t20230522_1.html"
V1 = "各位委员：\n同志们：\n今天会议圆满完成各项议程。大家辛苦了！一是抓学习。二是抓调研。三是抓协商。谢谢大家。"
V2 = "各位委员：\n同志们：\n今天会议圆满完成了各项议程。一是抓学习。二是抓调研。三是抓协商。四是抓落实；谢谢大家。"


def test_split_sentences_on_chinese_punctuation() -> None:
    assert split_sentences("一是抓学习。二是？三是！四是；五\n六") == ["一是抓学习。", "二是？", "三是！", "四是；", "五\n", "六"]
    assert split_sentences("") == [] and split_sentences(None) == []


def test_character_level_changes_inside_sentences() -> None:
    text = format_plain({"body": V1, "title": "讲话"}, {"body": V2, "title": "重要讲话"})
    assert "title: {+重要+}讲话" in text
    assert "~ 今天会议圆满完成{+了+}各项议程。" in text
    assert "- [-大家辛苦了！-]" in text
    assert "+ {+四是抓落实；+}" in text
    assert "… 1 unchanged sentences …" in text or "一是抓学习。" in text
    assert format_plain({"body": V1}, {"body": V1}) == "(no differences in the extracted fields)"


def test_unchanged_runs_are_elided() -> None:
    old = "开头。" + "".join(f"第{i}句。" for i in range(20)) + "结尾。"
    new = "开头！" + "".join(f"第{i}句。" for i in range(20)) + "结尾。"
    kinds = [line.kind for line in diff_text(old, new)]
    assert kinds[0] == "changed" and "skipped" in kinds and len(kinds) < 6


def test_show_history_and_diff(session, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    store(session, URL, fields(body=V1))
    store(session, URL, fields(body=V2), at=T0 + timedelta(days=3))
    repository.mark_removed(session, run_id=None, url=URL, how="soft-404",
                            seen_at=T0 + timedelta(days=9), fetch=None)
    session.commit()
    assert main(["show", URL, "--db", db_url, "--diff", "--versions"]) == 0
    out = capsys.readouterr().out
    assert "status: removed since 2026-03-10T08:00:00Z (soft-404)" in out
    assert "v1  2026-03-01T08:00:00Z  crawl" in out and "v2  2026-03-04T08:00:00Z  crawl" in out
    assert "diff v1 -> v2:" in out
    assert "~ 今天会议圆满完成{+了+}各项议程。" in out
    assert "removed  soft-404" in out
    assert "removed by icp: 鄂ICP备05003号" in out  # --versions shows the cleaning audit
    assert out.count("fetch ") >= 2
    # Issue #18: the crawl's revisit policy: an article published in 2023 is looked at every 180
    # days after it was last seen (the repository's own doubling hints are gone).
    last_seen = repository.get_article(session, URL).last_seen_at
    assert f"next check: {utc_iso(last_seen + timedelta(days=180))}" in out


def test_show_unknown_url(sqlite_url, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["show", URL, "--db", sqlite_url]) == 1
    assert "not in the archive" in capsys.readouterr().err


def test_terminal_diff_is_coloured_not_bracketed(session) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from archiver.cli.archive import _print_diffs

    store(session, URL, fields(body=V1))
    store(session, URL, fields(body=V2), at=T0 + timedelta(days=3))
    versions = list(repository.iter_versions(session, repository.get_article(session, URL).id))
    console = Console(force_terminal=True, record=True, width=120)
    _print_diffs(console, versions)
    text = console.export_text(styles=False, clear=False)
    assert "~ 今天会议圆满完成了各项议程。" in text and "{+" not in text
    ansi = console.export_text(styles=True)
    assert "\x1b[" in ansi  # styled: red strike for deletions, green for insertions
