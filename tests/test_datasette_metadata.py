"""The Datasette metadata (datasette/metadata.json) names real tables and columns, and every
canned query runs against an archive built by a real crawl of the replica."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from tests.clirun import crawl

METADATA = Path(__file__).resolve().parents[1] / "datasette" / "metadata.json"


@pytest.fixture(scope="module")
def archive(replica, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("datasette")
    db_path = tmp / "archive.sqlite3"
    crawl(f"sqlite:///{db_path}", replica.sites["trs"]["listing"], cwd=tmp)
    con = sqlite3.connect(db_path)
    yield con
    con.close()


def test_metadata_names_existing_tables_and_columns(archive):
    database = json.loads(METADATA.read_text("utf-8"))["databases"]["archive"]
    tables = {row[0] for row in archive.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    for table, meta in database["tables"].items():
        assert table in tables, table
        columns = {row[1] for row in archive.execute(f"PRAGMA table_info({table})")}
        for column in meta.get("columns", {}):
            assert column in columns, (table, column)
        if "label_column" in meta:
            assert meta["label_column"] in columns


@pytest.mark.parametrize("name", list(json.loads(METADATA.read_text("utf-8"))["databases"]["archive"]["queries"]))
def test_every_canned_query_runs_and_finds_the_seed(archive, name):
    query = json.loads(METADATA.read_text("utf-8"))["databases"]["archive"]["queries"][name]
    params = {p: {"q": "荆州答卷", "speaker": "蒋鸿"}[p] for p in re.findall(r":(\w+)", query["sql"])}
    rows = archive.execute(query["sql"], params).fetchall()
    if name in ("search", "speeches_by_speaker", "speakers", "crawl_runs_overview"):
        assert rows, name
    if name == "search":
        assert any("蒋鸿" in (row[1] or "") for row in rows)
