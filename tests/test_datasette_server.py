"""Issue #17: the Datasette metadata applies to an archive of any file name, and Datasette,
served for real on 127.0.0.1, answers every table page and every canned query with it."""

from __future__ import annotations

import html
import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from archiver.replica.registry import registry_toml
from storage.datasette_metadata import TEMPLATE, database_name, metadata_for
from tests.clirun import run_cli

pytest.importorskip("datasette", reason="install the test extra: pip install -e '.[test]'")

SAMPLE = {"q": "荆州答卷", "speaker": "蒋鸿"}
# Canned queries that must find something in a crawl of the TRS replica site.
NON_EMPTY = ("search", "speeches_by_speaker", "speakers", "crawl_runs_overview")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return json.loads(response.read())


@pytest.fixture(scope="module")
def served(replica, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("datasette")
    registry = tmp / "replica.toml"
    registry.write_text(registry_toml(replica.sites), "utf-8")
    db = tmp / "demo.sqlite3"  # not "archive": the name the shipped metadata.json is keyed by
    run_cli("crawl", "--db", str(db), "--registry", str(registry), "--site", "trs", "--delay", "0",
            "--no-progress", cwd=tmp, check=True)
    metadata = tmp / "demo.metadata.json"
    proc = subprocess.run([sys.executable, "-m", "storage.datasette_metadata", str(db)], capture_output=True,
                          text=True, check=True, cwd=TEMPLATE.parents[1])
    metadata.write_text(proc.stdout, "utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(db), "--metadata", str(metadata),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(f"{base}/-/versions.json")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"datasette did not start: {server.stdout.read()}") from None
                time.sleep(0.3)
        yield base, database_name(db)
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def template_entry() -> dict:
    return json.loads(TEMPLATE.read_text("utf-8"))["databases"]["archive"]


def test_generated_metadata_is_keyed_by_the_file_name():
    metadata = metadata_for("data/demo.sqlite3", "/srv/x/archive.sqlite3")
    assert set(metadata["databases"]) == {"demo", "archive"}
    assert metadata["databases"]["demo"] == template_entry()


@pytest.mark.parametrize("table", list(template_entry()["tables"]))
def test_every_table_page_answers_with_its_labels(served, table):
    base, name = served
    data = get_json(f"{base}/{name}/{table}.json?_size=2&_shape=objects")
    assert "rows" in data
    meta = template_entry()["tables"][table]
    page = urllib.request.urlopen(f"{base}/{name}/{table}", timeout=30).read().decode("utf-8")
    if meta.get("description"):  # the metadata applied to this file: its description is shown
        assert html.escape(meta["description"], quote=False)[:40] in page, table


@pytest.mark.parametrize("query", list(template_entry()["queries"]))
def test_every_canned_query_answers_with_a_sample_parameter(served, query):
    base, name = served
    sql = template_entry()["queries"][query]["sql"]
    params = {p: SAMPLE[p] for p in sorted(set(__import__("re").findall(r":(\w+)", sql)))}
    data = get_json(f"{base}/{name}/{query}.json?_shape=objects&" + urllib.parse.urlencode(params))
    if query in NON_EMPTY:
        assert data["rows"], query
    if query == "search":
        assert any("蒋鸿" in (row.get("speaker") or "") or "荆州" in (row.get("title") or "") for row in data["rows"])
