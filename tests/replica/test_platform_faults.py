"""Bad input of issue #14 on the new platforms: pagers claiming 100,000 pages, pages past the
end repeating the last one, page functions building URLs for another host, list APIs answering
HTML or broken JSON (faults.py site options and request modes)."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from tests.replica.helpers import fetch


def text(url: str, charset: str = "utf-8") -> str:
    status, _, body = fetch(url)
    assert status == 200, (url, status)
    return body.decode(charset)


def test_huge_pager_repeat_pages_and_offsite_pager(fresh_replica):
    rp = fresh_replica
    jeecms = rp.sites["jeecms"]["listing"]
    assert fetch(urljoin(jeecms, "index_9.jhtml"))[0] == 404
    rp.fault("jeecms", None, "huge_pager")
    first = text(jeecms)
    assert "共100000页" in first and "index_100000.jhtml" in first
    assert fetch(urljoin(jeecms, "index_100000.jhtml"))[0] == 404  # the claim is false
    rp.fault("jeecms", None, "repeat_pages")
    last, far = text(urljoin(jeecms, "index_2.jhtml")), text(urljoin(jeecms, "index_5000.jhtml"))
    strip = re.compile(r'<div class="pagebar">.*?</div>', re.S)
    assert strip.sub("", last) == strip.sub("", far)  # the same articles again
    rp.fault("jeecms", None, "offsite_pager")
    assert "location.href=encodeURI('http://www.zxcloud.cn/ldjh/index_'+page+'.jhtml')" in text(jeecms)

    rp.fault("dede", None, "offsite_pager")
    dede = text(rp.sites["dede"]["listing"], "gbk")
    options = re.findall(r"<option value='([^']+)'", dede)
    assert options and all(o.startswith("http://www.zxcloud.cn/") for o in options)

    rp.fault("phpcmsapi", None, "huge_pager")
    rp.fault("phpcmsapi", None, "repeat_pages")
    api = rp.url("phpcmsapi", "/api.php?op=lists&catid=9&pageSize=6&pageNo=")
    res = json.loads(fetch(api + "1")[2])
    assert res["pageCount"] == 100000
    assert json.loads(fetch(api + "99")[2])["list"] == json.loads(fetch(api + "4")[2])["list"]


def test_api_answering_html_or_broken_json(fresh_replica):
    rp = fresh_replica
    path = "/api.php"
    rp.fault("phpcmsapi", path, "html_body", times=1)
    status, headers, body = fetch(rp.url("phpcmsapi", path + "?op=lists&catid=9&pageNo=2&pageSize=6"))
    assert status == 200 and headers["Content-Type"].startswith("text/html") and "系统繁忙" in body.decode()
    rp.fault("wp", "/wp-json/wp/v2/posts", "broken_json", times=1)
    url = rp.url("wp", "/wp-json/wp/v2/posts?categories=5&page=1&per_page=8")
    status, headers, body = fetch(url)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert int(headers["Content-Length"]) == len(body)
    try:
        json.loads(body)
        raise AssertionError("broken_json served JSON that parses")
    except json.JSONDecodeError:
        pass
    assert len(json.loads(fetch(url)[2])) == 8  # used up: the next answer is whole
