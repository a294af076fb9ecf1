"""Issue #22 over real HTTP: on every replica homepage (every replica site: one per platform,
the issue #14 ones and the opt-in `rendered` and `nospeech` included) the speech column ranks
first, the misleading columns (领导信息 / 领导简介 / 领导活动: bios and photo news) never do, and
the site with no speech column is reported as such, with its meeting columns proposed; then
`sites add` and `crawl --site SLUG` archive the column completely."""

from __future__ import annotations

from urllib.parse import urlsplit

import tomllib

import pytest

from archiver.cms import DETECTED
from archiver.discover import MAX_SAMPLED, discover, sitemap
from archiver.discover.fetch import PoliteFetcher
from archiver.replica.families import FAMILY_CLASSES
from archiver.replica.homepage import placement
from archiver.replica.sites import SITES
from archiver.replica.testing import ReplicaProcess
from tests.clirun import export_jsonl, run_cli
from tests.runner.test_rendered import require_browser

SERVED = list(SITES)  # every replica site, not a chosen few (test_every_platform_is_served)
BROWSER = {slug for slug in SERVED if SITES[slug].family == "rendered"}  # its list needs scripts run
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
    if slug in BROWSER:  # proposed, and the report says its list needs a browser
        assert first.walks == "no" and any("render = true" in note for note in found.notes)
    else:
        # Every other column walks, the ones listed only through a script + JSON API too (the
        # sample follows the list API as the walker does).
        assert first.articles and first.speech_titles and found.speech_column
        assert first.walks.startswith("yes")
    labels = [c.label for c in found.candidates]
    assert MISLEADING <= set(labels)  # they were read, sampled and ranked below
    assert first.label not in MISLEADING
    assert all(not c.speech_titles for c in found.candidates if c.label in MISLEADING)
    # The platform shows through the column's listing (issue #14 platforms walk as generic).
    assert first.family == (SITES[slug].family if SITES[slug].family in DETECTED else "generic")


def test_every_platform_is_served():
    """The homepages above are every replica platform's and every crawler family's."""
    families = {SITES[slug].family for slug in SERVED}
    assert families == set(FAMILY_CLASSES)
    assert set(DETECTED) <= families


@pytest.mark.parametrize("slug", SERVED)
def test_sites_add_then_crawl_archives_the_column_completely(homepages, tmp_path, slug):
    """As a user: `sites add HOMEPAGE`, then `crawl --site SLUG` from the registry it wrote;
    every live article of the right column(s) is archived. A list built by scripts needs
    `sites add --render` (headless Chromium), and the entry then renders in the crawl too."""
    env = {"ARCHIVER_SITES": str(tmp_path / "sites.toml")}
    add = ("sites", "add", homepages.url(slug), "--slug", "added", "--delay", "0")
    if slug in BROWSER:
        require_browser()
        plain = run_cli(*add, env=env)
        assert plain.returncode == 1 and "nothing written" in plain.stderr
        assert "sites add --render" in plain.stderr  # the check says what to do
        assert not (tmp_path / "sites.toml").exists()
        add += ("--render",)
    run_cli(*add, env=env, check=True)
    entry = tomllib.loads((tmp_path / "sites.toml").read_text("utf-8"))["site"][0]
    assert homepages.sites[slug]["listing"] in entry["columns"] and entry["verified"] is True
    assert entry.get("render", False) is (slug in BROWSER)
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    run_cli("crawl", "--db", db, "--delay", "0", "--no-progress", "--site", "added", cwd=tmp_path, env=env,
            check=True)
    got = {r["url"] for r in export_jsonl(db, cwd=tmp_path)}
    gold = {g["url"] for g in homepages.gold(site=slug, boilerplate=False)
            if g["column"] == SITES[slug].column_name and g["status"] == "live"}
    assert gold and gold <= got, sorted(gold - got)[:5]


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
