"""One module per CMS family; :func:`build_sites` wires each site's store to its family."""

from __future__ import annotations

import importlib

from archiver.replica.families.base import Family, Req
from archiver.replica.sites import DEFAULT_SCALE, SITES
from archiver.replica.store import SiteStore


# Replica platform -> "module:Class" under archiver/replica/families/ (imported on demand: a
# missing module leaves its sites out, see available()).
FAMILY_CLASSES = {
    "trs": "trs:TRS", "hanweb": "hanweb:Hanweb", "legacy": "legacy:Legacy", "datepath": "datepath:DatePath",
    "post": "post:Post", "detail": "detail:Detail", "jeecms": "jeecms:Jeecms", "dede": "dede:Dede",
    "empire": "empire:Empire", "wp": "wp:WordPress", "siteserver": "siteserver:SiteServer",
    "phpcms": "phpcms:Phpcms",
    "rendered": "rendered:Rendered",  # issue #14: served only when asked for by name
}


def family_class(name: str) -> type[Family]:
    module, cls = FAMILY_CLASSES[name].split(":")
    return getattr(importlib.import_module(f"archiver.replica.families.{module}"), cls)


def available() -> list[str]:
    """Slugs of the sites whose family module exists."""
    out = []
    for slug, spec in SITES.items():
        if spec.extra.get("opt_in"):
            continue
        try:
            family_class(spec.family)
        except ImportError:
            continue
        out.append(slug)
    return out


def build_sites(scale: int = DEFAULT_SCALE, only: list[str] | None = None) -> dict[str, Family]:
    return {slug: family_class(SITES[slug].family)(SITES[slug], SiteStore(SITES[slug], scale))
            for slug in (only or available())}


__all__ = ["Family", "Req", "available", "build_sites", "family_class"]
