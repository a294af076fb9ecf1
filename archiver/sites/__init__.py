"""The site registry: per-site knowledge as data (sites.toml), loaded into frozen profiles.

Validated at load time so that a typo in the registry is a clear configuration error (exit 2),
not a crawl that silently does nothing.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from lxml import etree

from archiver.cms.families import FAMILY_NAMES as FAMILIES  # the one list (issue #18)
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
OVERRIDE_KEYS = {"title_xpath", "body_xpath", "date_xpath", "source_xpath", "encoding"}


class RegistryError(ValueError):
    """The registry file is malformed: names the file, the entry and the problem."""


@dataclass(frozen=True)
class SiteProfile:
    slug: str
    name: str
    region: str
    family: str | None
    columns: tuple[str, ...]
    verified: bool = False
    overrides: Mapping[str, Any] = field(default_factory=dict)
    notes: str = ""
    render: bool = False  # listings need a browser to show their links (archiver/render.py)

    @property
    def host(self) -> str:
        return urlsplit(self.columns[0]).netloc


def _validate(entry: dict[str, Any], where: str) -> SiteProfile:
    unknown = set(entry) - {"slug", "name", "region", "family", "columns", "verified", "overrides", "notes",
                          "render"}
    if unknown:
        raise RegistryError(f"{where}: unknown keys {sorted(unknown)}")
    slug = entry.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise RegistryError(f"{where}: slug must be lowercase pinyin with underscores, got {slug!r}")
    for key in ("name", "region"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise RegistryError(f"{where} ({slug}): {key} is required")
    family = entry.get("family")
    if family is not None and family not in FAMILIES:
        raise RegistryError(f"{where} ({slug}): family must be one of {FAMILIES}, got {family!r}")
    columns = entry.get("columns")
    if not isinstance(columns, list) or not columns:
        raise RegistryError(f"{where} ({slug}): columns must be a non-empty list of URLs")
    for url in columns:
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise RegistryError(f"{where} ({slug}): column {url!r} is not an http(s) URL")
    overrides = entry.get("overrides", {})
    if not isinstance(overrides, dict) or set(overrides) - OVERRIDE_KEYS:
        raise RegistryError(f"{where} ({slug}): overrides may only set {sorted(OVERRIDE_KEYS)}")
    for key, value in overrides.items():
        problem = _override_problem(key, value)
        if problem:
            raise RegistryError(f"{where} ({slug}): overrides.{key} {problem}")
    render = entry.get("render", False)
    if not isinstance(render, bool):
        raise RegistryError(f"{where} ({slug}): render must be true or false, got {render!r}")
    return SiteProfile(
        slug=slug, name=entry["name"].strip(), region=entry["region"].strip(), family=family,
        columns=tuple(columns), verified=bool(entry.get("verified", False)),
        overrides=dict(overrides), notes=str(entry.get("notes", "")), render=render,
    )


def _override_problem(key: str, value: Any) -> str | None:
    """Why an override cannot work, checked at load time: the crawl, `extract --site` and
    `reprocess` apply them (issue #16), and a broken XPath must not fail on every page."""
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty string"
    if key == "encoding":
        try:
            codecs.lookup(value.strip())
        except LookupError:
            return f"{value!r} is not an encoding Python knows"
        return None
    try:
        etree.XPath(value)
    except etree.XPathSyntaxError as exc:
        return f"{value!r} is not a valid XPath ({exc})"
    return None


def load_registry(path: str | Path | None = None) -> dict[str, SiteProfile]:
    """Load and validate the registry (the bundled sites.toml unless a path is given)."""
    if path is None:
        text = resources.files("archiver.sites").joinpath("sites.toml").read_text("utf-8")
        where = "archiver/sites/sites.toml"
    else:
        where = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise RegistryError(f"{where}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{where}: {exc}") from exc
    profiles: dict[str, SiteProfile] = {}
    for index, entry in enumerate(data.get("site", []), start=1):
        profile = _validate(entry, f"{where} [[site]] #{index}")
        if profile.slug in profiles:
            raise RegistryError(f"{where}: duplicate slug {profile.slug!r}")
        profiles[profile.slug] = profile
    return profiles


def slug_for_url(url: str, registry: Mapping[str, SiteProfile] | None = None) -> str:
    """The registered slug for a URL's host, else one derived from the host (and port)."""
    netloc = urlsplit(url).netloc.lower()
    for profile in (registry or {}).values():
        if any(urlsplit(c).netloc.lower() == netloc for c in profile.columns):
            return profile.slug
    host = netloc.removeprefix("www.")
    return "site_" + re.sub(r"[^a-z0-9]+", "_", host).strip("_")
