"""`scrapy crawl column -a url=… -a site=… -a db=…`: the spider run the Scrapy way (issue #17).

`cppcc-archiver crawl` builds CrawlTargets itself and records the run; `scrapy crawl` can only
pass strings, so they are turned into targets here:

    url=URL[,URL…]      listing URLs (a registered site's host gets its slug, name and family)
    site=SLUG[,SLUG…]   registered sites, or ``all``
    registry=FILE       a registry TOML file instead of the bundled one
    db=PATH|URL         the archive (default: ARCHIVER_DB, else data/archive.sqlite3)
    revisit=due|all|none

Such a run stores articles like any crawl but is not recorded in `cppcc-archiver runs`, takes
no lock and prints no per-site summary: nightly crawls should use `cppcc-archiver crawl`.
"""

from __future__ import annotations

from typing import Any

SCRAPY_ARGUMENTS = ("url", "site", "registry", "db", "revisit")


class SpiderArgumentError(ValueError):
    """A bad ``-a`` argument, said in one line."""


def targets_from_arguments(settings, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The spider's keyword arguments for ``-a`` strings; sets ARCHIVER_DB and upgrades it."""
    from archiver.database import UsageError, check_archive, database_url
    from archiver.sites import RegistryError, load_registry, slug_for_url
    from archiver.targets import CrawlTarget
    from storage.db import upgrade

    args = {name: kwargs.pop(name) for name in SCRAPY_ARGUMENTS if name in kwargs}
    urls = [u.strip() for u in str(args.get("url", "")).split(",") if u.strip()]
    slugs = [s.strip() for s in str(args.get("site", "")).split(",") if s.strip()]
    if not urls and not slugs:
        raise SpiderArgumentError("give -a url=LISTING_URL[,…] or -a site=SLUG[,…] (or site=all)")
    try:
        registry = load_registry(args.get("registry"))
        if slugs == ["all"]:
            slugs = list(registry)
        targets = []
        for slug in slugs:
            profile = registry.get(slug)
            if profile is None:
                raise SpiderArgumentError(f"unknown site {slug!r}; `cppcc-archiver sites` lists them")
            targets += [CrawlTarget(slug, column, profile.family, profile.overrides, name=profile.name,
                                    region=profile.region) for column in profile.columns]
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise SpiderArgumentError(f"not an http(s) listing URL: {url!r}")
            profile = registry.get(slug_for_url(url, registry))
            targets.append(CrawlTarget(slug_for_url(url, registry), url, profile.family if profile else None,
                                       profile.overrides if profile else {},
                                       name=profile.name if profile else None,
                                       region=profile.region if profile else None))
        db_url = database_url(args.get("db") or settings.get("ARCHIVER_DB"), create=True)
        check_archive(db_url)
    except (RegistryError, UsageError) as exc:
        raise SpiderArgumentError(str(exc)) from None
    revisit = args.get("revisit", "due")
    if revisit not in ("due", "all", "none"):
        raise SpiderArgumentError(f"revisit must be due, all or none, got {revisit!r}")
    settings.set("ARCHIVER_DB", db_url, priority="spider")
    upgrade(db_url)
    _record_sites(db_url, targets)
    return {**kwargs, "targets": targets, "revisit": revisit}


def _record_sites(db_url: str, targets: list) -> None:
    """The registry's names and regions, as `cppcc-archiver crawl` records them."""
    from storage import repository
    from storage.db import make_engine, make_session_factory

    engine = make_engine(db_url)
    try:
        with make_session_factory(engine).begin() as session:
            for target in targets:
                repository.get_or_add_site(session, target.site, name=target.name, region=target.region,
                                           base_url=target.listing_url)
    finally:
        engine.dispose()
