"""One module per CMS family; :func:`build_sites` wires each site's store to its family."""

from __future__ import annotations

from archiver.replica.families.base import Family, Req
from archiver.replica.sites import DEFAULT_SCALE, SITES
from archiver.replica.store import SiteStore


def family_class(name: str) -> type[Family]:
    if name == "trs":
        from archiver.replica.families.trs import TRS as cls
    elif name == "hanweb":
        from archiver.replica.families.hanweb import Hanweb as cls
    elif name == "legacy":
        from archiver.replica.families.legacy import Legacy as cls
    elif name == "datepath":
        from archiver.replica.families.datepath import DatePath as cls
    elif name == "post":
        from archiver.replica.families.post import Post as cls
    elif name == "detail":
        from archiver.replica.families.detail import Detail as cls
    elif name == "jeecms":
        from archiver.replica.families.jeecms import Jeecms as cls
    elif name == "dede":
        from archiver.replica.families.dede import Dede as cls
    elif name == "empire":
        from archiver.replica.families.empire import Empire as cls
    elif name == "wp":
        from archiver.replica.families.wp import WordPress as cls
    elif name == "siteserver":
        from archiver.replica.families.siteserver import SiteServer as cls
    elif name == "phpcms":
        from archiver.replica.families.phpcms import Phpcms as cls
    elif name == "rendered":  # issue #14: served only when asked for by name
        from archiver.replica.families.rendered import Rendered as cls
    else:
        raise KeyError(name)
    return cls


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
