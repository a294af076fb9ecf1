"""Issue #22 over real HTTP: on every replica homepage the speech column ranks first, the
misleading columns (领导信息 / 领导简介 / 领导活动: bios and photo news) never do, and the site
with no speech column is reported as such, with its meeting columns proposed."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from archiver.discover import MAX_SAMPLED, discover, sitemap
from archiver.discover.fetch import PoliteFetcher
from archiver.replica.families import available
from archiver.replica.homepage import placement
from archiver.replica.sites import SITES
from archiver.replica.testing import ReplicaProcess

SERVED = [*available(), "nospeech"]
MISLEADING = {"领导信息", "领导简介", "领导活动"}


@pytest.fixture(scope="module")
def homepages():
    with ReplicaProcess(scale=10, sites=SERVED) as rp:
        yield rp


@pytest.mark.parametrize("slug", [s for s in SERVED if s != "nospeech"])
def test_the_speech_column_ranks_first(homepages, slug):
    found = discover(homepages.url(slug), delay=0)
    assert not found.problem
    first = found.candidates[0]
    assert first.url == homepages.sites[slug]["listing"], found.candidates
    assert first.kind == "speech"
    assert [c.url for c in found.proposed] == [first.url]
    # Every column walks, the ones listed only through a script + JSON API too (the sample
    # follows the list API as the walker does).
    assert first.articles and first.speech_titles and found.speech_column and first.walks.startswith("yes")
    labels = [c.label for c in found.candidates]
    assert MISLEADING <= set(labels)  # they were read, sampled and ranked below
    assert first.label not in MISLEADING
    assert all(not c.speech_titles for c in found.candidates if c.label in MISLEADING)
    # The platform shows through the column's listing (issue #14 platforms walk as generic).
    assert first.family == (SITES[slug].family if SITES[slug].family in
                            ("trs", "hanweb", "legacy", "datepath", "post", "detail") else "generic")


def test_columns_linked_only_from_the_information_tree_are_found(homepages):
    hidden = [slug for slug in SERVED if slug != "nospeech" and placement(SITES[slug]) == "xxgk"]
    assert hidden  # the replica hides some sites' speech column on the 信息公开 page
    for slug in hidden:
        first = discover(homepages.url(slug), delay=0).candidates[0]
        assert first.url == homepages.sites[slug]["listing"]
        assert "信息公开" in first.evidence


def test_a_site_without_speech_column_gets_its_meeting_columns_proposed(homepages):
    found = discover(homepages.url("nospeech"), delay=0)
    assert not found.speech_column
    assert any("no speech column" in note for note in found.notes)
    proposed = {urlsplit(c.url).path + ("?" + urlsplit(c.url).query if urlsplit(c.url).query else "")
                for c in found.proposed}
    assert proposed == {SITES["nospeech"].listing_path, "/lm/cwhy/index.html"}
    assert {c.kind for c in found.proposed} == {"meeting"}
    assert found.candidates[0].label in ("全体会议", "常委会议")
    zxhy = next(c for c in found.candidates if c.label == "主席会议")
    assert zxhy.articles and not zxhy.speech_titles and zxhy not in found.proposed


def test_politeness_robots_and_user_agent(homepages):
    fetcher = PoliteFetcher(homepages.url("trs"), delay=0)
    discover(homepages.url("trs"), fetcher=fetcher)
    log = [e for e in homepages.access_log(site="trs") if e["t"]][-fetcher.requests:]
    assert log[0]["path"] == "/robots.txt"
    assert {e["user_agent"].split("/")[0] for e in log} == {"cppcc-archiver"}
    assert fetcher.requests <= 1 + 1 + 2 + MAX_SAMPLED + 1 + sitemap.MAX_FILES
