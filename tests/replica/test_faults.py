"""Every fault mode documented in archiver.replica.faults behaves as documented."""

from __future__ import annotations

import gzip
import http.client
import re
import socket
import time
import urllib.error
from urllib.parse import urlsplit

import pytest

from archiver.replica.testing import ReplicaProcess
from tests.replica.helpers import fetch


@pytest.fixture(scope="module")
def rp():
    with ReplicaProcess() as proc:
        yield proc


@pytest.fixture(autouse=True)
def _clean(rp):
    rp.clear_faults()
    yield
    rp.clear_faults()


def raw_request(url: str, timeout: float = 5.0, headers: dict | None = None):
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    conn.request("GET", u.path + (f"?{u.query}" if u.query else ""), headers=headers or {})
    return conn, conn.getresponse()


def test_status_then_recovery_with_retry_after(rp):
    url = rp.sites["trs"]["listing"]
    rp.fault("trs", "/ldjh/index.shtml", "status", times=2, status=503, retry_after=7)
    first, second, third = fetch(url), fetch(url), fetch(url)
    assert [first[0], second[0], third[0]] == [503, 503, 200]
    assert first[1]["Retry-After"] == "7"
    assert rp.faults() == []
    rp.fault("trs", "/ldjh/*", "status", times=1, status=429, retry_after=1)
    assert fetch(rp.url("trs", "/ldjh/index_1.shtml"))[0] == 429
    rp.fault("trs", None, "status", times=1, status=500)
    assert fetch(url)[0] == 500 and fetch(url)[0] == 200
    rp.fault("legacy", "/news_list.php?id=12&page=2", "status", status=404)
    assert fetch(rp.sites["legacy"]["listing"] + "&page=2")[0] == 404
    assert fetch(rp.sites["legacy"]["listing"] + "&page=3")[0] == 200


def test_slow_trickle_hang(rp):
    url = rp.sites["detail"]["listing"]
    rp.fault("detail", None, "slow", times=1, delay=0.6)
    t = time.monotonic()
    assert fetch(url)[0] == 200 and time.monotonic() - t >= 0.6
    rp.fault("detail", None, "trickle", times=1, chunk=1000, interval=0.1)
    t = time.monotonic()
    st, _, body = fetch(url)
    assert st == 200 and time.monotonic() - t >= 0.2 and body == fetch(url)[2]
    rp.fault("detail", None, "hang", times=1, delay=3)
    conn, resp = raw_request(url, timeout=0.5)
    assert resp.status == 200
    with pytest.raises((socket.timeout, TimeoutError)):
        resp.read()
    conn.close()


def test_drop_and_truncate(rp):
    url = rp.sites["datepath"]["listing"]
    rp.fault("datepath", None, "drop", times=1)
    with pytest.raises((urllib.error.URLError, http.client.RemoteDisconnected, ConnectionError)):
        fetch(url)
    rp.fault("datepath", None, "truncate", times=1, fraction=0.3)
    conn, resp = raw_request(url)
    with pytest.raises(http.client.IncompleteRead):
        resp.read()
    conn.close()
    assert fetch(url)[0] == 200


def test_soft404_redirect_and_challenges(rp):
    g = rp.gold(site="post", boilerplate=False)[0]
    path = g["path"]
    rp.fault("post", path, "soft404", times=1)
    st, _, body = fetch(g["url"])
    assert st == 200 and "页面不存在" in body.decode()
    rp.fault("post", path, "redirect_home", times=1)
    st, headers, _ = fetch(g["url"])
    assert st == 302 and headers["Location"] == "/"
    rp.fault("post", path, "challenge", times=1)
    st, headers, body = fetch(g["url"])
    assert st == 412 and "$_ts" in body.decode() and "Set-Cookie" in headers
    rp.fault("post", path, "challenge", times=1, status=521)
    st, _, body = fetch(g["url"])
    assert st == 521 and "jsl_clearance" in body.decode()
    assert fetch(g["url"])[0] == 200


def test_wrong_charset_and_gzip(rp):
    url = rp.sites["trs"]["listing"]
    plain = fetch(url)[2]
    rp.fault("trs", None, "wrong_charset", times=1)
    st, headers, body = fetch(url)
    assert headers["Content-Type"] == "text/html; charset=gbk" and body == plain
    rp.fault("legacy", None, "wrong_charset", times=1)
    assert fetch(rp.sites["legacy"]["listing"])[1]["Content-Type"] == "text/html; charset=utf-8"
    rp.fault("trs", None, "gzip", times=1)
    st, headers, body = fetch(url)
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == plain
    rp.fault("trs", None, "gzip_bomb", times=1, size_mb=16)
    st, headers, body = fetch(url)
    assert headers["Content-Encoding"] == "gzip" and len(body) < 200_000
    assert len(gzip.decompress(body)) == 16 << 20


def test_session_ids(rp):
    rp.fault("trs", None, "session_ids")
    a = fetch(rp.sites["trs"]["listing"])[2].decode()
    b = fetch(rp.sites["trs"]["listing"])[2].decode()
    la = re.findall(r'href="(\./[^"]+;jsessionid=[0-9A-F]+)"', a)
    lb = re.findall(r'href="(\./[^"]+;jsessionid=[0-9A-F]+)"', b)
    assert la and la != lb
    clean = la[0].split(";")[0]
    page_sid = fetch(rp.url("trs", "/ldjh/" + la[0][2:]))
    page = fetch(rp.url("trs", "/ldjh/" + clean[2:]))
    assert page_sid[0] == page[0] == 200
    rp.fault("legacy", None, "session_ids")
    text = fetch(rp.sites["legacy"]["listing"])[2].decode("gb18030")
    sid_links = re.findall(r'href="(news_view\.php\?id=\d+&sid=[0-9a-f]+)"', text)
    assert sid_links
    assert fetch(rp.url("legacy", "/" + sid_links[0]))[0] == 200
    assert fetch(rp.url("hanweb", "/col/col1229712376/index.html;jsessionid=ABC"))[0] == 200


def test_robots(rp):
    st, headers, body = fetch(rp.url("trs", "/robots.txt"))
    assert st == 200 and b"Disallow: /ldjh" not in body
    rp.fault("trs", None, "robots", disallow=["/ldjh/", "/zxdt/"])
    body = fetch(rp.url("trs", "/robots.txt"))[2].decode()
    assert "Disallow: /ldjh/" in body and "Disallow: /zxdt/" in body
    rp.fault("hanweb", "/robots.txt", "status", status=503)
    assert fetch(rp.url("hanweb", "/robots.txt"))[0] == 503


def test_calendar_trap_is_endless(rp):
    text = fetch(rp.sites["legacy"]["listing"])[2].decode("gb18030")
    path = re.search(r'href="(/calendar/\d{4}-\d{2}\.html)"', text).group(1)
    seen = set()
    for _ in range(30):
        st, _, body = fetch(rp.url("legacy", path))
        assert st == 200
        seen.add(path)
        path = re.search(r'href="(/calendar/[^"]+)">下一月', body.decode()).group(1)
    assert len(seen) == 30


def test_post_html_list_option(rp):
    text = fetch(rp.sites["post"]["listing"])[2].decode()
    assert "content/post_" not in text.split('id="list"')[1].split("</ul>")[0]
    rp.fault("post", None, "html_list")
    text = fetch(rp.sites["post"]["listing"])[2].decode()
    assert "content/post_" in text.split('id="list"')[1].split("</ul>")[0]


def test_unknown_mode_is_refused(rp):
    with pytest.raises(urllib.error.HTTPError) as err:
        rp.fault("trs", None, "explode")
    assert err.value.code == 400
