"""The replica's hand-written articles are data (archiver/replica/data/specials.toml): what an
edit of that file could get wrong, checked in-process. (That the served bytes did not change when
they moved out of Python was checked by hashing every response before and after; see the report
of branch dup18last.)"""

from __future__ import annotations

import pytest

from archiver.replica import specials as sp
from archiver.replica.sites import SITES


def _articles(slug: str) -> dict:
    return {a.key: a for a in sp.specials(slug) + sp.secondary(slug)}


@pytest.mark.parametrize("slug", list(SITES))
def test_cross_posts_point_back_and_carry_the_same_article(slug):
    articles = _articles(slug)
    for a in articles.values():
        for key in a.also_at:
            other = articles[key]
            assert a.key in other.also_at, (slug, a.key, key)
            assert (other.title, other.published, other.blocks) == (a.title, a.published, a.blocks)
            assert other.column != a.column


def test_every_platform_site_gets_its_own_people_and_ids():
    titles = set()
    for slug, people in sp.PLATFORM_PEOPLE.items():
        articles = {e["key"]: _articles(slug)[e["key"]] for e in sp.DATA["platform"]}
        texts = [t for a in articles.values() for t in (a.title, a.speaker or "", a.occasion or "",
                                                          *(b.text for b in a.blocks))]
        assert not [t for t in texts if "{" in t or "}" in t], slug  # every placeholder filled
        assert articles["main1"].speaker == people["chair"]
        # Clear of the generic ids (below id_base) and of the new ones (id_base + 5000 on).
        assert all(SITES[slug].id_base < a.num < SITES[slug].id_base + 5000 for a in articles.values())
        titles.add(articles["main1"].title)
    assert len(titles) == len(sp.PLATFORM_PEOPLE)


def test_a_misspelt_body_part_is_named():
    with pytest.raises(ValueError, match="speach"):
        sp._blocks({"speach": "special:x", "topic": "t", "occasion": "o", "chars": 900})
