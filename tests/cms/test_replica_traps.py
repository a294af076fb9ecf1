"""CMS-layer behaviour under the replica's traps: session ids, soft 404s, wrong charsets, POST paging."""

from __future__ import annotations

import urllib.parse
import urllib.request
from datetime import datetime, timezone

import pytest

from archiver.article import extract_record
from archiver.cms import canonical_url, is_soft_404, parse_listing
from archiver.extract.encoding import decode_html
from archiver.items import FetchedPage
from tests.cms.test_gold import FAMILIES, _walk, http_get

@pytest.mark.parametrize("family", ["trs", "hanweb", "legacy"])
def test_session_ids_are_stripped(fresh_replica, family):
    fresh_replica.fault(family, None, "session_ids")
    walk = _walk(fresh_replica, family)
    got = {e.url for e in walk.entries}
    assert not any("jsessionid" in u.lower() or "sid=" in u for u in got)
    want = {canonical_url(g["url"]) for g in fresh_replica.gold(site=family)
            if g["status"] == "live" and g["column"] == fresh_replica.gold(site=family)[0]["column"]}
    assert got == want

def test_soft_404_fault_is_flagged(fresh_replica):
    gold = next(g for g in fresh_replica.gold(site="trs") if g["status"] == "live")
    path = urllib.parse.urlsplit(gold["url"]).path
    fresh_replica.fault("trs", path, "soft404")
    body, headers, final = http_get(gold["url"])
    assert is_soft_404(decode_html(body).text)
    page = FetchedPage(final, 200, body, datetime.now(timezone.utc), headers)
    assert extract_record([page]).soft_404

def test_wrong_charset_header_still_decodes(fresh_replica):
    gold = next(g for g in fresh_replica.gold(site="legacy") if g["status"] == "live" and len(g["pages"]) == 1)
    path = urllib.parse.urlsplit(gold["url"]).path
    fresh_replica.fault("legacy", path + "?" + urllib.parse.urlsplit(gold["url"]).query, "wrong_charset")
    body, headers, final = http_get(gold["url"])
    page = FetchedPage(final, 200, body, datetime.now(timezone.utc), headers)
    result = extract_record([page])
    assert result.fields["title"] == gold["title"]
    assert result.fields["body"] == gold["body"] or len(result.fields["body"]) > 0.95 * len(gold["body"])

def test_hanweb_post_dataproxy_variant(replica):
    first = http_get(replica.sites["hanweb"]["listing"])
    text = decode_html(first[0], header_charset=dict(first[1]).get("Content-Type")).text
    # Turn the page into its older template (no page= in nextgroup): POST ranges are produced.
    old = text.replace("dataproxy.jsp?page=1&amp;", "dataproxy.jsp?").replace("dataproxy.jsp?page=1&", "dataproxy.jsp?")
    listing = parse_listing(replica.sites["hanweb"]["listing"], old)
    posts = [r for r in listing.follow if r.method == "POST"]
    assert posts and all("startrecord=" in r.url for r in posts)
    urls = {e.url for e in listing.entries}
    for req in posts:
        body, headers, final = http_get(req)
        ctype = dict(headers).get("Content-Type")
        page = parse_listing(final, decode_html(body, header_charset=ctype).text, content_type=ctype)
        urls |= {e.url for e in page.entries}
    want = {canonical_url(g["url"]) for g in replica.gold(site="hanweb") if g["status"] == "live"}
    assert urls == want

def test_calendar_page_yields_no_follow(replica):
    for family in FAMILIES:
        body, headers, final = http_get(replica.url(family, "/calendar/2025-06.html"))
        listing = parse_listing(final, decode_html(body).text)
        assert len(listing.follow) <= 2

def test_post_html_list_option_pages_by_index_n(fresh_replica):
    fresh_replica.fault("post", None, "html_list")
    walk = _walk(fresh_replica, "post")
    want = {canonical_url(g["url"]) for g in fresh_replica.gold(site="post") if g["status"] == "live"}
    assert {e.url for e in walk.entries} == want
    assert any("index_2.html" in r.url for r in walk.fetched)
