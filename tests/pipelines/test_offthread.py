"""Big pages are parsed on the worker thread (archiver/offthread.py, issue #15), with the same
result as on the reactor's thread: a crawl with every page sent there
(``ARCHIVER_THREAD_PARSE_BYTES=0``) stores the replica column exactly as the gold says."""

from __future__ import annotations

import pytest

from archiver import offthread
from tests.clirun import crawl, export_jsonl, speech_gold
from tests.reliability.helpers import last_run_stats


class Settings(dict):
    def getint(self, name: str, default: int = 0) -> int:
        return int(self.get(name, default))


def test_which_pages_go_to_the_thread():
    settings = Settings(ARCHIVER_THREAD_PARSE_BYTES=1000)
    assert not offthread.is_big(1000, settings) and offthread.is_big(1001, settings)
    assert offthread.is_big(1, Settings(ARCHIVER_THREAD_PARSE_BYTES=0))  # 0: every page


@pytest.mark.timeout(300)
def test_a_crawl_parsing_every_page_on_the_thread_stores_the_column_as_the_gold_says(replica, tmp_path):
    db_path = tmp_path / "a.sqlite3"
    proc = crawl(f"sqlite:///{db_path}", replica.sites["trs"]["listing"], cwd=tmp_path,
                 extra=("-s", "ARCHIVER_THREAD_PARSE_BYTES=0"), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    gold = speech_gold(replica, site="trs")
    records = {r["url"]: r for r in export_jsonl(f"sqlite:///{db_path}", cwd=tmp_path)}
    assert set(records) == set(gold)
    assert all(records[url]["title"] == article["title"] and records[url]["body"] for url, article in gold.items())
    stats = last_run_stats(db_path)
    # Every listing page and every article went through the thread, none around it.
    assert stats.get("archiver/offthread/articles") == len(gold)
    assert stats.get("archiver/offthread/listing_pages") == stats.get("archiver/storage/fetches/listing")
