"""Issue #21: the per-run index of targets by site answers exactly what the pairwise
same-site rule answers (revisits of 3,000 sites' known articles use the index)."""

from __future__ import annotations

from archiver.spiders.column import CrawlTarget, _site_key, _target_of, _targets_by_site

LISTINGS = ["http://www.a.gov.cn/ldjh/", "https://b.gov.cn/x/index.html", "http://127.0.0.1:8001/col/",
            "http://127.0.0.1:8002/col/", "http://site0001.zx.test:4000/a/", "http://a.gov.cn/other/"]
URLS = ["http://a.gov.cn/ldjh/1.html", "https://www.a.gov.cn/2.html", "http://b.gov.cn/3.html",
        "https://b.gov.cn:443/4.html", "http://127.0.0.1:8002/5.html", "http://127.0.0.1:8003/6.html",
        "http://site0001.zx.test:4000/7.html", "http://site0001.zx.test/8.html", "ftp://a.gov.cn/9",
        "http://c.gov.cn/10.html", "http://b.gov.cn:8080/11.html"]


def test_index_agrees_with_the_pairwise_rule():
    targets = {u: CrawlTarget(f"s{i}", u) for i, u in enumerate(LISTINGS)}
    index = _targets_by_site(targets)
    for url in URLS:
        assert index.get(_site_key(url)) == _target_of(url, targets), url
    # The first column of a site wins, as with the pairwise scan.
    assert index[_site_key("http://a.gov.cn/")].listing_url == "http://www.a.gov.cn/ldjh/"
