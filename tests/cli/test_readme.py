"""Issue #17: the README's commands work as written.

Every `cppcc-archiver …` command in the README (code blocks and inline examples) runs against a
demo archive built by the README's own `cppcc-archiver demo`; the crontab line and the systemd
unit run as written in a checkout laid out as `make run` leaves it.
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archiver.replica.registry import registry_toml
from archiver.replica.testing import ReplicaProcess
from tests.clirun import ROOT, run_cli

README = (ROOT / "README.md").read_text("utf-8")
# Commands that need what a test machine does not have, with where they are tested instead.
ELSEWHERE = {
    "crawl --redis": "needs a Redis and PostgreSQL on the LAN: tests/distributed/",
    "worker --redis": "needs a Redis and PostgreSQL on the LAN: tests/distributed/",
}
PLACEHOLDER = re.compile(r"\b[A-Z]{3,}\b|…")  # a synopsis (SLUG, FILE, URL), not a command


def code_blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def readme_commands() -> list[str]:
    lines = [line.strip() for block in code_blocks("sh") for line in block.splitlines()]
    inline = re.findall(r"`(cppcc-archiver [^`]+)`", README)
    commands = []
    for line in lines + inline:
        line = line.split("  #")[0].strip()
        if line.startswith("cppcc-archiver ") and not PLACEHOLDER.search(line.removeprefix("cppcc-archiver")):
            commands.append(line)
    return list(dict.fromkeys(commands))


COMMANDS = readme_commands()


def test_the_readme_shows_every_command():
    from archiver.cli import build_parser

    names = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    shown = {shlex.split(c)[1] for c in COMMANDS}
    assert names <= shown, names - shown
    assert len(COMMANDS) >= 20


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("readme")
    (cwd / "tests" / "fixtures").mkdir(parents=True)
    os.symlink(ROOT / "tests" / "fixtures" / "trs", cwd / "tests" / "fixtures" / "trs")
    proc = run_cli("demo", cwd=cwd, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "6/6 sites ok" in proc.stdout and "Try next:" in proc.stdout
    return cwd


def test_a_second_demo_updates_the_same_sites_and_articles(demo_dir):
    con = sqlite3.connect(demo_dir / "data" / "demo.sqlite3")
    before = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    proc = run_cli("demo", cwd=demo_dir, timeout=900)
    assert proc.returncode == 0 and re.search(r"^run \d+: 6/6 sites ok, 0 new", proc.stdout, flags=re.M), proc.stdout
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == before
    slugs = [row[0] for row in con.execute("SELECT slug FROM sites ORDER BY slug")]
    assert slugs == ["datepath", "detail", "hanweb", "legacy", "post", "trs"]
    con.close()


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(demo_dir, command):
    elsewhere = next((why for prefix, why in ELSEWHERE.items() if command.startswith(f"cppcc-archiver {prefix}")), None)
    if elsewhere:
        pytest.skip(elsewhere)
    if command == "cppcc-archiver demo":
        return  # the fixture ran it (twice, with the test above)
    # The demo serves the sites on 127.0.0.1:8751… when free; elsewhere on other ports.
    con = sqlite3.connect(demo_dir / "data" / "demo.sqlite3")
    trs = urlsplit(con.execute("SELECT base_url FROM sites WHERE slug = 'trs'").fetchone()[0]).netloc
    con.close()
    args = shlex.split(command.replace("127.0.0.1:8751", trs))[1:]
    env = {"ARCHIVER_DB": str(demo_dir / "data" / "demo.sqlite3")}
    if "--registry" in args:  # a crawl of the replica: serve it and write its registry
        with ReplicaProcess(sites=["trs"], port_base=8751) as replica:
            (demo_dir / "data" / "replica.toml").write_text(registry_toml(replica.sites), "utf-8")
            proc = run_cli(*args, cwd=demo_dir, env=env)
    else:
        proc = run_cli(*args, cwd=demo_dir, env=env)
    assert proc.returncode == 0, (command, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    if args[0] == "show":
        assert proc.stdout.startswith(f"http://{trs}/ldjh/")
    if args[0] == "search" and "政协" in args:
        assert "result(s) for '政协 委员'" in proc.stdout and not re.search(r"(?<!\d)0 result", proc.stdout)


# --- cron and systemd, as the README writes them ---------------------------------------------


@pytest.fixture
def checkout(tmp_path, replica):
    """/srv/cppcc-archiver as `make run` leaves it: .venv/bin/cppcc-archiver (the console script
    `pip install -e .` writes), and a registry pointing at the replica for `--all`."""
    root = tmp_path / "srv" / "cppcc-archiver"
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "cppcc-archiver"
    script.write_text(f"#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m archiver \"$@\"\n", "utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    registry = tmp_path / "replica.toml"
    registry.write_text(registry_toml({"trs": replica.sites["trs"]}), "utf-8")
    return root, registry


def test_make_run_installs_the_paths_cron_and_systemd_use():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert re.search(r"^VENV \?= \.venv$", makefile, flags=re.M) and "BIN := $(VENV)/bin" in makefile
    assert re.search(r"^run: install\n\t\$\(BIN\)/cppcc-archiver crawl --all$", makefile, flags=re.M)
    assert 'cppcc-archiver = "archiver.cli:main"' in (ROOT / "pyproject.toml").read_text("utf-8")


def test_the_crontab_line_runs_as_written(checkout, tmp_path):
    root, registry = checkout
    (line,) = [line for line in code_blocks("cron")[0].splitlines() if line.strip()]
    command = line.split(None, 5)[5]  # after the five schedule fields
    command = (command.replace("/srv/cppcc-archiver", str(root))
               .replace("crawl --all", f"crawl --registry {registry} --all --delay 0")
               .replace("mail -s cppcc-archiver you@example.org", f"cat > {tmp_path}/mailed"))
    proc = subprocess.run(["sh", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "mailed").exists()
    log = (root / "logs" / "cron.log").read_text("utf-8")
    assert "trs: ok" in log and "run 1: 1/1 sites ok" in log
    assert (root / "data" / "archive.sqlite3").exists() and (root / "data" / "logs" / "crawl.log").exists()


def test_the_systemd_unit_runs_as_written(checkout, tmp_path):
    root, registry = checkout
    service = next(block for block in code_blocks("ini") if "ExecStart=" in block)
    fields = dict(line.split("=", 1) for line in service.splitlines() if "=" in line and not line.startswith("#"))
    workdir = Path(fields["WorkingDirectory"].replace("/srv/cppcc-archiver", str(root)))
    assert workdir.is_dir()
    exec_start = shlex.split(fields["ExecStart"].replace("/srv/cppcc-archiver", str(root)))
    assert Path(exec_start[0]).is_file() and os.access(exec_start[0], os.X_OK)
    name, value = fields["Environment"].split("=", 1)
    env = {"PATH": os.environ["PATH"], name: value.replace("/srv/cppcc-archiver", str(root))}
    args = [a if a != "--all" else f"--registry={registry}" for a in exec_start] + ["--all", "--delay", "0"]
    proc = subprocess.run(args, cwd=workdir, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "run 1: 1/1 sites ok" in proc.stdout
    assert (root / "data" / "archive.sqlite3").exists()


def test_every_registry_field_is_documented():
    from dataclasses import fields

    from archiver.sites import SiteProfile

    documented = set(re.findall(r"^\| `(\w+)` \| (?:yes|no) \|", README, flags=re.M))
    assert {f.name for f in fields(SiteProfile)} == documented
