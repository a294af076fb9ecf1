"""The helpers the replica's families share (in-process): they decide bytes every platform serves,
so each is pinned here besides the HTTP tests of the sites."""

from __future__ import annotations

import html

import pytest

from archiver.replica.chrome import Chrome, meta_tags, site_metas
from archiver.replica.families import build_sites
from archiver.replica.families.platform import int_fields
from archiver.replica.sites import SITES


def test_int_fields_takes_defaults_for_absent_or_empty_fields_in_the_order_named():
    assert int_fields({"page": "3", "size": ""}, page=1, size=10, id=0) == [3, 10, 0]
    assert int_fields({"size": "7", "page": "2"}, page=1, size=10) == [2, 7]


@pytest.mark.parametrize("bad", ["x", "1.5", "２a"])
def test_int_fields_is_none_when_a_field_is_not_a_whole_number(bad):
    assert int_fields({"page": "1", "size": bad}, page=1, size=10) is None


def test_chrome_note_records_texts_in_order_and_skips_empty_ones():
    ch = Chrome()
    ch.t("首页")
    ch.note("发布时间：2024-01-19", "", "点击：", "首页")
    assert ch.texts == ["首页", "发布时间：2024-01-19", "点击："]


def test_meta_tags_escape_values_for_an_attribute():
    spec = SITES["trs"]
    tags = meta_tags({**site_metas(spec), "ArticleTitle": '他说"好"&'})
    assert tags.splitlines() == [f'<meta name="SiteName" content="{spec.name}">',
                                 f'<meta name="SiteDomain" content="{spec.domain}">',
                                 f'<meta name="SiteIDCode" content="{spec.site_code}">',
                                 '<meta name="ArticleTitle" content="他说&quot;好&quot;&amp;">']


@pytest.mark.parametrize("slug", ["legacy", "datepath", "detail"])
def test_listing_rows_fill_the_family_template_once_per_article_of_the_page(slug):
    fam = build_sites(20, [slug])[slug]
    rows, last = fam.listing_rows(2, 1)
    arts = fam.store.page(1, 1, fam.spec.per_page)
    assert last == fam.store.pages(1, fam.spec.per_page) and len(arts) == rows.count("\n") > 0
    for a, row in zip(arts, rows.splitlines()):
        assert html.escape(fam.listing_title(a), quote=False) in row and f"{a.published:%Y-%m-%d}" in row
        assert fam.listing_href(a).lstrip("/") in row  # legacy links relative to its column page


def test_every_family_is_named_after_its_sites_family_key():
    for slug, fam in build_sites(5, list(SITES)).items():
        assert fam.name == SITES[slug].family
