"""The running replica sites as site-registry entries (issue #17).

The demo and tests crawl the replica under the replica's own slugs (``trs``, ``hanweb``…), with
the names and regions of the committees they imitate, exactly as a registered site is crawled:
a second demo then updates the same sites instead of adding a new ``site_127_0_0_1_PORT`` set
(its ports are new every time), and `stats` shows the names.
"""

from __future__ import annotations

import json

from archiver.sites import SiteProfile

# The regions of the committees the replica sites imitate (archiver/replica/sites.py names).
REGIONS = {
    "trs": "湖北省荆州市",
    "hanweb": "浙江省金华市",
    "legacy": "广西壮族自治区河池市凤山县",
    "datepath": "重庆市",
    "post": "广东省深圳市",
    "detail": "安徽省安庆市宿松县",
}


def replica_profiles(sites: dict[str, dict]) -> dict[str, SiteProfile]:
    """Profiles for a running replica's ``sites`` (``ReplicaProcess.sites``).

    A replica platform no family module knows (issue #14: jeecms, dede, …) gets no ``family``:
    the crawler detects it (generic), as it would on a real site of that platform."""
    from archiver.cms import FAMILIES

    return {
        slug: SiteProfile(slug=slug, name=site["name"], region=REGIONS.get(slug, "replica"),
                          family=site["family"] if site["family"] in FAMILIES else None,
                          columns=(site["listing"],), verified=True,
                          notes="replica site on 127.0.0.1 (archiver/replica)")
        for slug, site in sites.items()
    }


def registry_toml(sites: dict[str, dict]) -> str:
    """A registry file for ``crawl --registry FILE --all`` against a running replica."""
    lines = ["# The running replica sites (archiver/replica/registry.py); ports change per start."]
    for profile in replica_profiles(sites).values():
        lines += ["", "[[site]]"]
        for key in ("slug", "name", "region", "family"):
            if getattr(profile, key) is not None:
                lines.append(f"{key} = {json.dumps(getattr(profile, key), ensure_ascii=False)}")
        lines.append(f"columns = {json.dumps(list(profile.columns))}")
        lines.append("verified = true")
    return "\n".join(lines) + "\n"
