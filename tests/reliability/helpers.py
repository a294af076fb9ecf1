"""Helpers for the reliability matrix (issue #9): real crawl processes, real files, real databases.

Crawls run as `python -m archiver` processes (their exit code, output and peak RSS are kept);
archives are read with plain sqlite3; `LocalSite` serves what the replica cannot.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from archiver.replica.testing import InProcessSite
from tests.clirun import ROOT

# Parametrize a test over both backends (the ``archive`` fixture, conftest.py):
# @pytest.mark.parametrize("archive", BACKENDS, indirect=True)
BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    maxrss_kb: int  # the crawl process's peak resident memory, as the kernel measured it (wait4)

    def line(self, site: str) -> str:
        return next((l for l in self.stdout.splitlines() if l.startswith(f"{site}: ")), "")


def cli_env() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ARCHIVER_DB", None)
    return env


def start_cli(*args: str, cwd: Path, out: Path | None = None, preexec_fn=None,
              env: dict | None = None) -> subprocess.Popen:
    """`python -m archiver ARGS` with stdout/stderr to files under cwd (read them after wait)."""
    out = out or cwd
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", *args], cwd=cwd, env={**cli_env(), **(env or {})},
        stdout=open(out / "stdout.txt", "w"), stderr=open(out / "stderr.txt", "w"),
        preexec_fn=preexec_fn,
    )


def run_measured(*args: str, cwd: Path, timeout: float = 300, preexec_fn=None) -> Run:
    """Run the CLI to completion and return its exit code, output and peak RSS (from wait4)."""
    proc = start_cli(*args, cwd=cwd, preexec_fn=preexec_fn)
    timer = threading.Timer(timeout, lambda: os.kill(proc.pid, signal.SIGKILL))
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(proc.returncode, (cwd / "stdout.txt").read_text(), (cwd / "stderr.txt").read_text(),
               usage.ru_maxrss)


def crawl_args(db: str, *targets: str, delay: str = "0", extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    return ("crawl", "--db", db, "--delay", delay, "--no-progress", *extra, *targets)


def registry_file(path: Path, sites: dict[str, tuple[str, str | None]]) -> Path:
    """A registry TOML: {slug: (listing_url, family)}."""
    parts = []
    for slug, (url, family) in sites.items():
        parts.append(f'[[site]]\nslug = "{slug}"\nname = "{slug}"\nregion = "test"\n'
                     + (f'family = "{family}"\n' if family else "") + f'columns = ["{url}"]\n')
    path.write_text("\n".join(parts), "utf-8")
    return path


# --- reading an archive (a SQLite file, or a PostgreSQL URL) --------------------------------------

def is_postgres(db) -> bool:  # type: ignore[no-untyped-def]
    return isinstance(db, str) and db.startswith("postgresql")


def connect(db_path: Path) -> sqlite3.Connection:
    # Read-write (not mode=ro) so that a WAL left by a killed process is recovered as a user's
    # next command would recover it.
    return sqlite3.connect(db_path, timeout=30)


def _pg_rows(url: str, sql: str, timeout_ms: int | None = None) -> list[tuple]:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True) as conn:
        if timeout_ms is not None:
            conn.execute(f"SET statement_timeout = {timeout_ms}")
        cursor = conn.execute(sql)
        return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


def count_while_crawling(db_path, table: str) -> int:  # type: ignore[no-untyped-def]
    """Rows of ``table`` in an archive a crawl may be writing (0 before the schema exists or while
    it is locked for a moment): read-only, never in the crawl's way."""
    if is_postgres(db_path):
        try:
            return _pg_rows(db_path, f"SELECT count(*) FROM {table}", timeout_ms=1000)[0][0]
        except Exception:  # noqa: BLE001 - no schema yet, or busy: not counted yet
            return 0
    if not db_path.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def integrity(db_path) -> str:  # type: ignore[no-untyped-def]
    """``PRAGMA integrity_check`` on SQLite; on PostgreSQL, amcheck's ``bt_index_check`` of every
    B-tree index of the archive (heap included): "ok" or what is wrong."""
    if is_postgres(db_path):
        _pg_rows(db_path, "CREATE EXTENSION IF NOT EXISTS amcheck")
        try:
            _pg_rows(db_path, """
                SELECT bt_index_check(c.oid, true) FROM pg_index i
                  JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE am.amname = 'btree' AND n.nspname = 'public'""")
        except Exception as exc:  # noqa: BLE001 - the finding is the answer
            return str(exc)
        return "ok"
    con = connect(db_path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def rows(db_path, sql: str, *params) -> list[tuple]:  # type: ignore[no-untyped-def]
    if is_postgres(db_path):
        assert not params, "positional parameters are SQLite's"
        return _pg_rows(db_path, sql)
    con = connect(db_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def last_run_stats(db_path) -> dict:  # type: ignore[no-untyped-def]
    (stats,) = rows(db_path, "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    return (json.loads(stats) if isinstance(stats, str) else stats) or {}


def article_state(db_path) -> dict[str, tuple[int, int, int]]:
    """url -> (current_version, snapshots, fetches linked to its current snapshot)."""
    return {
        url: (cur, snaps, linked)
        for url, cur, snaps, linked in rows(db_path, """
            SELECT a.url, a.current_version,
                   (SELECT count(*) FROM snapshots s WHERE s.article_id = a.id),
                   (SELECT count(*) FROM snapshot_fetches sf JOIN snapshots s ON s.id = sf.snapshot_id
                      JOIN fetches f ON f.id = sf.fetch_id
                     WHERE s.article_id = a.id AND s.version = a.current_version)
            FROM articles a""")
    }


def ordinary_paths(gold: dict[str, dict], n: int) -> list[str]:
    """Paths of the first ``n`` single-page articles of a site's gold (listing order) that are not
    file speeches (issue #19 has its own tests), for faults: read off the gold, never pinned, as
    the dates in the paths follow the site's scale and its special articles."""
    paths = [g["path"] for g in gold.values() if len(g["pages"]) == 1 and not g["key"].startswith("file-")][:n]
    assert len(paths) == n, f"the site has fewer than {n} ordinary articles: raise its scale"
    return paths


def paths_requested(log: list[dict], path: str) -> list[dict]:
    return [e for e in log if e["path"] == path]


# --- a tiny local site for what the replica cannot serve ---------------------------------------

class LocalSite(InProcessSite):
    """An HTTP server on 127.0.0.1 in a thread of the test process, for responses the replica
    does not make (oversized bodies, offsite redirects, bytes that decode to nothing).

    ``routes``: path -> (status, headers, body); body may be bytes or an iterator of chunks
    (sent without Content-Length, closed at the end). Every request is logged in ``requests``.
    Unknown paths (robots.txt included) answer 404.
    """

    def __init__(self, routes: dict | None = None) -> None:
        from http.server import BaseHTTPRequestHandler

        site = self
        self.routes: dict = dict(routes or {})
        self.requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append(self.path)
                status, headers, body = site.routes.get(self.path, (404, [], b"not found"))
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                if isinstance(body, bytes):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if isinstance(body, bytes):
                        self.wfile.write(body)
                    else:
                        for chunk in body():
                            self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler hung up: what an oversized body should get

        super().__init__(Handler)


HTML = [("Content-Type", "text/html; charset=utf-8")]


def article_html(title: str, paragraphs: list[str], *, date: str = "2024-03-01 09:30") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div class="article"><h1>{title}</h1><div class="info">发布时间：{date} 来源：测试政协</div>'
            f'<div class="content">{body}</div></div></body></html>')


def listing_html(links: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{href}">{text}</a><span>2024-03-01</span></li>' for href, text in links)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>领导讲话</title></head><body>'
            f'<div class="list"><ul>{items}</ul></div></body></html>')


# --- many CLI commands in one process ------------------------------------------------------------

BATCH_DRIVER = r"""
import io, json, sys
from archiver.cli import main

results = []
for argv in json.loads(sys.stdin.read()):
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException as exc:  # noqa: BLE001 - reported as a traceback, like the real CLI
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout, sys.stderr = real
    out.flush()
    results.append({"code": code, "stdout": out.buffer.getvalue().decode("utf-8"), "stderr": err.getvalue()})
print(json.dumps(results))
"""


def run_cli_batch(commands: list[list[str]], cwd: Path, timeout: float = 300) -> list[dict]:
    """Run many `cppcc-archiver` command lines in one process (the same argument parsing and
    handlers as the command, without paying the interpreter's start-up for each)."""
    proc = subprocess.run([sys.executable, "-c", BATCH_DRIVER], input=json.dumps(commands),
                          capture_output=True, text=True, cwd=cwd, env=cli_env(), timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


# --- a crawl to apply a fault to (issue #15) -------------------------------------------------

def start_slow_crawl(rp, tmp_path: Path, *settings: str, delay: float = 0.3, archive=None):  # type: ignore[no-untyped-def]
    """A crawl of the replica's TRS column into a fresh archive, in the background, its
    articles answering ``delay`` seconds late (a window to apply a fault in); ``settings`` are
    ``NAME=VALUE`` for ``--set``. ``archive``: a PostgreSQL URL (an empty database), else a
    SQLite file in tmp_path. Returns (archive: the file's Path or the URL, db URL, process)."""
    from storage.db import upgrade

    rp.reset()
    rp.clear_log()
    rp.fault("trs", "/ldjh/2*", "slow", delay=delay)  # articles, not listing pages
    db_path = archive if is_postgres(archive) else tmp_path / "archive.sqlite3"
    db = db_path if is_postgres(db_path) else f"sqlite:///{db_path}"
    upgrade(db)
    # One request at a time: the articles wait in Scrapy's scheduler, as a long column's do
    # (the downloader holds only CONCURRENT_REQUESTS of them), and the crawl lasts about
    # ``delay`` per article. (With --delay 0 one host otherwise gets several requests at once.)
    settings = ("CONCURRENT_REQUESTS=1", *settings)
    extra = tuple(arg for setting in settings for arg in ("--set", setting))
    return db_path, db, start_cli(*crawl_args(db, rp.sites["trs"]["listing"], extra=extra), cwd=tmp_path)


def wait_until(proc: subprocess.Popen, ready, timeout: float = 150) -> bool:  # type: ignore[no-untyped-def]
    """Poll ``ready()`` while ``proc`` runs; True once it holds, False if the process ended first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if ready():
            return True
        time.sleep(0.05)
    return False


def outcome(proc: subprocess.Popen, tmp_path: Path, timeout: float = 150) -> tuple[int, str, str]:
    """Wait for a process from ``start_cli``: its exit code, stdout and stderr."""
    proc.wait(timeout=timeout)
    return proc.returncode, (tmp_path / "stdout.txt").read_text(), (tmp_path / "stderr.txt").read_text()


def kill_leftovers(proc: subprocess.Popen, stopped: list[int]) -> None:
    """After a test that SIGSTOPped children: kill those still there and the crawl if it runs."""
    for pid in stopped:
        if Path(f"/proc/{pid}").exists():
            os.kill(pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.kill()
