"""Issue #15, text hygiene and bounded diffs: what an archive holds never steers the terminal,
never splits a JSONL record, never hangs `show --diff`; a lying charset never makes a page
unarchivable; a full disk never floods stderr with logging tracebacks."""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta

import pytest

from archiver.cli import main
from archiver.extract.encoding import decode_html, normalize_charset
from archiver.logfile import RotatingLogFile
from archiver.terminal import inert
from storage.diff import ABBREVIATED, diff_chars, format_plain
from tests.storage.helpers import T0, fields, store

URL = "http://www.jzzx.gov.cn/ldjh/202305/t20230522_7.html"
# RLO, LRI/PDI, LRM, ALM, line and paragraph separators, NEL, and a C0 control JSON escapes.
HOSTILE = "\u202e\u2066\u2069\u200e\u061c\u2028\u2029\x85\x1c"
TITLE = f"在市政协全会上的讲话{HOSTILE}（摘要）"


@pytest.mark.parametrize("label", ["zlib", "base64", "rot13", "hex", "uu", "bz2", "x-no-such-charset"])
def test_non_text_and_unknown_charsets_fall_back_to_detection(label: str) -> None:
    assert normalize_charset(label) is None
    gbk = "<html><body><p>各位委员：政协工作会议今天召开。</p></body></html>".encode("gb18030")
    assert "政协工作会议" in decode_html(gbk, header_charset=f"text/html; charset={label}").text
    # Bytes nothing decodes cleanly used to reach `body.decode(label)`: LookupError, every time.
    broken = b"<p>\xff\xfe\xfd</p>" + gbk
    assert "\ufffd" in decode_html(broken, header_charset=label).text


def test_inert_shows_bidi_controls_and_line_separators_as_escapes() -> None:
    shown = inert(TITLE + "\x1b[2J\ttab\nline")
    assert not any(ch in shown for ch in HOSTILE + "\x1b")
    assert "\\u202e" in shown and "\\u2028" in shown and "\\x85" in shown and "\\x1b" in shown
    assert shown.startswith("在市政协全会上的讲话") and "（摘要）" in shown and "\ttab\nline" in shown


def test_show_prints_bidi_controls_and_separators_inertly(session, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    store(session, URL, fields(title=TITLE, body=f"各位委员：{HOSTILE}同志们。"))
    store(session, URL, fields(title=TITLE, body=f"各位委员：{HOSTILE}同志们好。"), at=T0 + timedelta(days=1))
    session.commit()
    assert main(["show", URL, "--db", db_url, "--diff"]) == 0
    out = capsys.readouterr().out
    assert "讲话\\u202e\\u2066" in out
    assert not any(ch in out for ch in HOSTILE), [hex(ord(c)) for c in out if c in HOSTILE]


def test_a_jsonl_record_is_one_line_whatever_its_text(session, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store(session, URL, fields(title=TITLE, body=f"第一段{HOSTILE}第二段"))
    store(session, URL.replace("_7", "_8"), fields(title="另一篇讲话"))
    session.commit()
    out = tmp_path / "out.jsonl"
    assert main(["export", "--db", db_url, "--output", str(out)]) == 0
    text = out.read_text("utf-8")
    lines = text.splitlines()  # splits on U+2028/2029, NEL, \x1c too
    assert len(lines) == 2, lines
    records = {r["url"]: r for r in map(json.loads, lines)}
    assert records[URL]["title"] == TITLE  # the escapes give the exact text back
    assert "政协" in text and "\\u653f" not in text  # Chinese is still written as UTF-8


@pytest.mark.timeout(30)
def test_diff_of_a_huge_paragraph_is_bounded_and_says_so() -> None:
    # Issue #15: a 40,000-character paragraph (no sentence end) with scattered edits did not
    # finish in 60 s; difflib compared it character by character.
    rng = random.Random(15)
    chars = "政协委员会议工作发展经济社会建设民主监督参政议政团结和谐，"
    old = "".join(rng.choice(chars) for _ in range(40_000))
    new = "".join("改" if i % 3000 == 0 else c for i, c in enumerate(old))
    text = format_plain({"body": old}, {"body": new})
    assert ABBREVIATED in text and "{+改+}" in text
    # A single edit in the same paragraph is still shown exactly, character by character.
    one = old[:20_000] + "了" + old[20_000:]
    exact = format_plain({"body": old}, {"body": one})
    assert ABBREVIATED not in exact and exact.count("{+了+}") == 1 and "[-" not in exact
    assert diff_chars("完成各项议程", "完成了各项议程") == (("equal", "完成"), ("insert", "了"), ("equal", "各项议程"))


def test_a_log_file_on_a_full_disk_says_so_once(capsys) -> None:  # type: ignore[no-untyped-def]
    handler = RotatingLogFile("/dev/full", maxBytes=10 * 1024 * 1024, backupCount=1)
    logger = logging.getLogger("tests.hygiene.fulldisk")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for i in range(50):
            logger.warning("record %d", i)
    finally:
        logger.removeHandler(handler)
        handler.close()
    err = capsys.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 2 and "cannot write the log file /dev/full" in lines[0] and "50 log records" in lines[1], err
