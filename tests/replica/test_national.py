"""Issue #21: the national-scale simulation serves N sites from one port, told apart by host
name, each with its own chrome, column size and faults; the crawl reaches them through the
mapped resolver and keeps per-host politeness."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from collections import Counter

import pytest

from archiver.replica.families import available

from archiver.replica.national import SUFFIX
from archiver.replica.sites import SITES
from tests.clirun import ROOT, crawl, export_jsonl

RESOLVE = ("-s", "TWISTED_DNS_RESOLVER=archiver.resolver.MappedResolver",
           "-s", 'ARCHIVER_HOSTS={"%s": "127.0.0.1"}' % SUFFIX)


def serve(*args: str):
    """The national simulation in a child process (``python -m archiver.replica.national``): its
    JSON description while it serves; it stops when its stdin closes."""
    proc = subprocess.Popen([sys.executable, "-m", "archiver.replica.national", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    info = json.loads(proc.stdout.readline())
    yield info
    proc.stdin.close()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def national():
    yield from serve("--sites", "24", "--articles", "3-6", "--huge-pages", "40", "--fault-every", "10")


def get(info: dict, host: str, path: str, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", info["port"], timeout=timeout)
    conn.request("GET", path, headers={"Host": f"{host}:{info['port']}"})
    resp = conn.getresponse()
    try:
        return resp.status, resp.read()
    finally:
        conn.close()


def column_path(site: dict) -> str:
    return site["listing"].split(str(SUFFIX), 1)[1].split("/", 1)[1].join(["/", ""])


def test_one_port_serves_every_site_under_its_own_name(national):
    sites = national["sites"]
    assert len(sites) == 24 and all(h.endswith(SUFFIX) for h in sites)
    assert len({s["family"] for s in sites.values()}) >= 10  # every family takes its turn
    healthy = [h for h, s in sites.items() if s["fault"] is None]
    for host in healthy:
        status, body = get(national, host, column_path(sites[host]))
        index = int(host[4:8])
        charset = next(sp.charset for sp in SITES.values() if sp.listing_path == column_path(sites[host])
                       and sp.family == sites[host]["family"])
        assert status == 200
        assert f"第{index}县政协".encode(charset) in body, host  # its own chrome, not a neighbour's
    status, _ = get(national, "nowhere.example", "/")
    assert status == 404


def test_faulty_sites_answer_with_their_fault(national):
    sites = national["sites"]
    faults = {h: s["fault"] for h, s in sites.items() if s["fault"]}
    assert Counter(faults.values()) == {"hang": 2, "down": 3, "challenge": 3}
    for host, fault in faults.items():
        if fault == "down":
            assert get(national, host, "/robots.txt")[0] == 503
        elif fault == "challenge":  # odd sites on the column page, even ones on robots.txt
            odd = int(host[4:8]) % 2
            assert get(national, host, column_path(sites[host]) if odd else "/robots.txt")[0] == (412 if odd else 521)
        else:  # headers, then silence: the body never comes
            assert get(national, host, "/robots.txt")[0] == 200
            with pytest.raises((socket.timeout, TimeoutError)):
                get(national, host, column_path(sites[host]), timeout=1.5)


def test_crawl_reaches_each_site_by_name_and_reports_the_broken_ones(national, tmp_path):
    sites = national["sites"]
    chosen = ["site0004", "site0005", "site0006", "site0003", "site0002"]  # 3 healthy, down, challenged
    urls = [sites[f"{s}{SUFFIX}"]["listing"] for s in chosen]
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    proc = crawl(db, *urls, cwd=tmp_path, check=False, extra=RESOLVE + ("-s", "RETRY_TIMES=1",
                                                                      "-s", "ARCHIVER_RETRY_BACKOFF_BASE=0.05"))
    assert proc.returncode == 1, proc.stderr[-2000:]
    lines = {line.split(":", 1)[0]: line for line in proc.stdout.splitlines() if line.startswith("site_site")}
    assert len(lines) == 5
    for s in chosen[:3]:
        assert ": ok" in next(v for k, v in lines.items() if k.startswith(f"site_{s}_")), lines
    assert "robots.txt unreachable" in next(v for k, v in lines.items() if k.startswith("site_site0003_"))
    challenged = next(v for k, v in lines.items() if k.startswith("site_site0002_"))
    assert ": challenged" in challenged and "HTTP 521 anti-crawler challenge at" in challenged  # on robots.txt
    per_site = Counter(r["url"].split("/")[2].split(".")[0] for r in export_jsonl(db, cwd=tmp_path))
    expected = {s: sites[f"{s}{SUFFIX}"]["articles"] for s in chosen[:3]}
    assert {s: per_site[s] for s in expected} == expected


@pytest.fixture(scope="module")
def every_family():
    """As many healthy sites as the replica has templates (sites take them in turn): every family
    template exactly once, columns long enough to page."""
    yield from serve("--sites", str(len(available())), "--articles", "8-30", "--huge-pages", "0", "--fault-every", "0")


def test_every_family_is_archived_completely_in_the_simulation(every_family, tmp_path):
    """Issue #21: list-API families (jeecmsapi, phpcmsapi, siteserverjs) were reported "listing
    matched no articles" at 3,000 sites. Every simulated site's column, whatever its family, is
    stored in full: as many articles as the simulation says the column holds."""
    sites = every_family["sites"]
    assert {s["family"] for s in sites.values()} >= {"jeecms", "phpcms", "siteserver", "hanweb", "trs"}
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    proc = crawl(db, *(s["listing"] for s in sites.values()), cwd=tmp_path, check=False, extra=RESOLVE)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("site_site")]
    assert len(lines) == len(sites) and all(": ok, " in line for line in lines), proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    per_site = Counter(r["url"].split("/")[2].split(":")[0] for r in export_jsonl(db, cwd=tmp_path))
    assert per_site == {host: s["articles"] for host, s in sites.items()}
