"""Issue #3: `make demo` (= `cppcc-archiver demo`) crawls all six replica sites offline and the
demo archive then holds every article of their speech columns."""

from __future__ import annotations

import sqlite3
from collections import Counter
from urllib.parse import urlsplit

from archiver.replica.gold import gold
from archiver.replica.sites import MODELLED_SITES
from tests.clirun import SPEECH_COLUMN, run_cli


def test_demo_crawls_every_family_and_stores_every_article(tmp_path):
    db_path = tmp_path / "demo.sqlite3"
    proc = run_cli("demo", "--db", f"sqlite:///{db_path}", cwd=tmp_path, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "6/6 sites ok" in proc.stdout and "Try next:" in proc.stdout

    expected = Counter(
        g["site"] for g in gold(day=1, with_boilerplate=False)
        if g["column"] == SPEECH_COLUMN and g["status"] == "live" and g["site"] in MODELLED_SITES
    )  # the demo tours the six modelled families (issue #14 platforms left out, see demo.py)
    assert set(expected) == {"trs", "hanweb", "legacy", "datepath", "post", "detail"}
    con = sqlite3.connect(db_path)
    paths_by_port: dict[str, set[str]] = {}
    for (url,) in con.execute("SELECT url FROM articles"):
        parts = urlsplit(url)
        paths_by_port.setdefault(str(parts.port), set()).add(parts.path + ("?" + parts.query if parts.query else ""))
    # One site per port; each site's stored paths must be exactly its gold paths.
    gold_paths = {}
    for g in gold(day=1, with_boilerplate=False):
        if g["column"] == SPEECH_COLUMN and g["status"] == "live" and g["site"] in MODELLED_SITES:
            gold_paths.setdefault(g["site"], set()).add(g["path"])
    stored = sorted(paths_by_port.values(), key=len)
    for site, paths in gold_paths.items():
        assert any(paths <= s for s in stored), f"{site}: missing {len(paths)} gold articles"
    assert sum(len(s) for s in stored) >= sum(expected.values())
