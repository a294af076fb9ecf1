"""Issue #18: one registry of families. Every module reads `archiver.cms.families.FAMILIES`; each
family declares its detection clues beside its parsing."""

from __future__ import annotations

import argparse

from archiver import sites
from archiver.cli import extract_cmd
from archiver.cms import detect
from archiver.cms.families import DETECTED, FAMILIES, FAMILY_NAMES
from archiver.replica import sites as replica_sites
from archiver.replica.families import family_class


def test_every_detected_family_has_its_own_clues():
    assert FAMILY_NAMES[-1] == "generic" and "generic" not in DETECTED
    for name in DETECTED:
        fam = FAMILIES[name]
        assert fam.name == name
        # A family detection cannot see is dead code (its article URL's clues count as its own).
        assert detect.url_clues(fam) and detect.text_clues(fam), name
        assert max(w for w, _ in detect.url_clues(fam)) >= detect.THRESHOLD, name
    generic = FAMILIES["generic"]
    assert not (detect.url_clues(generic) or detect.text_clues(generic) or generic.LITERAL_CLUES)


def test_article_url_clues_are_the_article_url():
    # A family that weighs its article URL is scored on the ARTICLE_URL its listings follow,
    # and on links to it written `href="…ARTICLE_URL` (a query or fragment may follow).
    datepath = FAMILIES["datepath"]
    assert (6, datepath.ARTICLE_URL) in detect.url_clues(datepath)
    link = detect.link_to(datepath.ARTICLE_URL)
    assert link.search("<a href='/cqzx/2023-09/06/content_10582293.htm'>")
    assert link.search('<a href="../../2023-09/06/content_1.html?x=1">')
    assert not link.search("/cqzx/2023-09/06/content_10582293.htm")  # not a link
    assert detect.link_to(FAMILIES["post"].ARTICLE_URL).search('<a href="/szzx/post_12.html">')


def test_detection_scores_exactly_the_registry():
    assert list(detect.family_scores("http://x.gov.cn/", "<html></html>")) == list(DETECTED)
    # A family's own URL clue is enough on its own: the clues are read from the class.
    assert detect.detect_family("http://x.gov.cn/art/2024/1/2/art_1_2.html", "") == "hanweb"
    assert detect.detect_family("http://x.gov.cn/ldjh/202401/t20240102_5.shtml", "") == "trs"


def test_site_registry_and_cli_read_the_registry():
    assert tuple(sites.FAMILIES) == FAMILY_NAMES
    parser = argparse.ArgumentParser()
    extract_cmd.register(parser.add_subparsers())
    action = next(a for a in parser._subparsers._group_actions[0].choices["extract"]._actions
                  if a.dest == "family")
    assert tuple(action.choices) == FAMILY_NAMES
    assert "nosuch" not in action.choices


def test_the_replica_models_every_detected_family():
    assert set(replica_sites.MODELLED_FAMILIES) == set(DETECTED)
    for name in DETECTED:
        assert family_class(name).__name__  # a replica module per family (docs/ADDING-A-SITE.md)
